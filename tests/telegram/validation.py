"""The checks the Bot API makes on what a bot sends, with Telegram's error wording.

HTML follows https://core.telegram.org/bots/api#html-style and is stricter than the live server
on one point: the docs say every ``<``, ``>`` and ``&`` outside a tag or entity must be escaped,
and the live server tolerates a bare ``&`` or ``>``. Rejecting them here catches a bot that forgot
to escape user or content text before it meets a ``<`` in production.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'>]+)"""
_START = re.compile(rf"<([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*{_VALUE})?)*)\s*>")
_ATTR = re.compile(rf"([\w-]+)(?:\s*=\s*({_VALUE}))?")
_END = re.compile(r"</([a-zA-Z][\w-]*)\s*>")
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_SPECIAL = re.compile(r"[<>&]")


MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice"}
    | {"upload_document", "choose_sticker", "find_location", "record_video_note"}
    | {"upload_video_note"}
)


class Rejected(ValueError):
    """Telegram would answer 400; the message is the text after "Bad Request: "."""


class EntityParseError(ValueError):
    """The HTML is not valid Telegram markup; the message is Telegram's wording."""


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    offset: int
    byte_offset: int
    language: str | None = None


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _attributes(raw: str) -> dict[str, str]:
    attrs = {}
    for name, value in _ATTR.findall(raw):
        attrs[name.lower()] = html.unescape(value.strip("\"'"))
    return attrs


def _decode_entity(match: re.Match[str], byte_offset: int) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _NAMED:
            where = f"at byte offset {byte_offset}"
            raise EntityParseError(f'Unsupported HTML entity "&{name};" {where}')
        return _NAMED[name]
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(f"Invalid HTML entity at byte offset {byte_offset}")
    return chr(code)


def _check_start(tag: _Open, stack: list[_Open]) -> None:
    where = f"at byte offset {tag.byte_offset}"
    if tag.name not in _TAG_TYPES:
        raise EntityParseError(f'Unsupported start tag "{tag.name}" {where}')
    if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
    if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id"):
        raise EntityParseError(f'Tag "tg-emoji" must have attribute "emoji-id" {where}')
    if tag.name == "blockquote" and any(open_.name == "blockquote" for open_ in stack):
        raise EntityParseError(f"Blockquote entities can't be nested {where}")


def _entity(tag: _Open, length: int, stack: list[_Open]) -> JSON | None:
    """Return the entity a closed tag makes, or None when it only modifies its parent."""
    kind = _TAG_TYPES[tag.name]
    entity: JSON = {"type": kind, "offset": tag.offset, "length": length}
    language = tag.attrs.get("class", "")
    if kind == "code" and stack and stack[-1].name == "pre" and language.startswith("language-"):
        stack[-1].language = language.removeprefix("language-")
        return None
    if kind == "text_link":
        if not tag.attrs.get("href"):
            return None
        entity["url"] = tag.attrs["href"]
    elif kind == "pre" and tag.language:
        entity["language"] = tag.language
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Return the plain text and entities of ``source``, or raise EntityParseError."""
    out: list[str] = []
    units = 0
    stack: list[_Open] = []
    # Outer tags first at equal spans, as Telegram lists them; the tag's byte offset orders them.
    entities: list[tuple[int, JSON]] = []
    position = 0
    while (special := _SPECIAL.search(source, position)) is not None:
        chunk = source[position : special.start()]
        out.append(chunk)
        units += _units(chunk)
        index = special.start()
        byte_offset = len(source[:index].encode())
        if source[index] == ">":
            raise EntityParseError(f"Unescaped '>' at byte offset {byte_offset}")
        if source[index] == "&":
            if (match := _ENTITY.match(source, index)) is None:
                raise EntityParseError(f"Unescaped '&' at byte offset {byte_offset}")
            text = _decode_entity(match, byte_offset)
            out.append(text)
            units += _units(text)
        elif (match := _END.match(source, index)) is not None:
            name = match.group(1).lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset}")
            if stack[-1].name != name:
                expected = f'expected "</{stack[-1].name}>", found "</{name}>"'
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {byte_offset}, {expected}"
                )
            tag = stack.pop()
            entity = _entity(tag, units - tag.offset, stack)
            if entity is not None and entity["length"] > 0:
                entities.append((tag.byte_offset, entity))
        elif (match := _START.match(source, index)) is not None:
            tag = _Open(match.group(1).lower(), _attributes(match.group(2)), units, byte_offset)
            _check_start(tag, stack)
            stack.append(tag)
        else:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        position = match.end()
    out.append(source[position:])
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
    return "".join(out), [entity for _, entity in entities]


def check_text(params: JSON) -> tuple[str, list[JSON]]:
    """Return the text and entities Telegram would store for a sendMessage/editMessageText."""
    text = params.get("text")
    if not isinstance(text, str):
        raise Rejected("message text is empty")
    mode = str(params.get("parse_mode") or "").lower()
    entities: list[JSON] = params.get("entities") or []
    if mode == "html":
        try:
            text, entities = parse_html(text)
        except EntityParseError as error:
            raise Rejected(f"can't parse entities: {error}") from None
    elif mode not in ("", "markdown", "markdownv2"):
        raise Rejected("unsupported parse_mode")
    if not text.strip():
        raise Rejected("message text is empty")
    if len(text) > MAX_TEXT:
        raise Rejected("message is too long")
    return text, entities


def check_markup(params: JSON) -> JSON | None:
    """Return the inline keyboard a message will carry (other keyboards are not echoed)."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise Rejected("BUTTON_DATA_INVALID")
    return markup


def check_commands(commands: list[JSON]) -> None:
    """Reject a setMyCommands list Telegram would refuse."""
    if len(commands) > 100:
        raise Rejected("BOT_COMMANDS_TOO_MUCH")
    for entry in commands:
        name, description = entry.get("command", ""), entry.get("description", "")
        valid_name = 1 <= len(name) <= 32 and all(c.isalnum() or c == "_" for c in name)
        if not valid_name or name != name.lower() or not 1 <= len(description) <= 256:
            raise Rejected("BOT_COMMAND_INVALID")
