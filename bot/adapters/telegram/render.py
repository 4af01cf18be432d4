"""The core's plain text and choices as Telegram messages: HTML, 4,096-char parts, keyboards."""

from __future__ import annotations

import html
import itertools
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.buttons import MAX_PAYLOAD_BYTES
from bot.core.events import Choice

log = logging.getLogger(__name__)

MAX_TEXT = 4096
ROW_WIDTH = 30
ROW_BUTTONS = 6
# Telegram pads each button; counting a few characters of padding keeps rows readable on phones.
BUTTON_PADDING = 4
SHORT_LABEL = 3


def escape(text: str) -> str:
    """Escape plain text for parse_mode=HTML."""
    return html.escape(text, quote=False)


def units(text: str) -> int:
    """Return the length Telegram counts (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """Return how many characters of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut(text: str, limit: int) -> tuple[int, int]:
    """Return where the first part ends and the next begins, preferring paragraph breaks."""
    fits = _fitting_prefix(text, limit)
    window = text[:fits]
    for separator in ("\n\n", "\n", " "):
        at = window.rfind(separator)
        if at > fits // 4:
            return at, at + len(separator)
    return fits, fits


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split text into parts Telegram accepts, on paragraph, then line, then word boundaries."""
    parts: list[str] = []
    rest = text
    while units(rest) > limit:
        end, start = _cut(rest, limit)
        parts.append(rest[:end])
        rest = rest[start:]
    parts.append(rest)
    kept = [part for part in parts if part.strip()]
    return kept or ["…"]


def _short(choice: Choice) -> bool:
    return len(choice.label) <= SHORT_LABEL


def _pack(run: list[Choice]) -> list[list[Choice]]:
    """Fill rows up to a phone's width, from the end, so trailing exits (Too intense, Stop) pair."""
    packed: list[list[Choice]] = []
    width = 0
    for choice in reversed(run):
        need = len(choice.label) + BUTTON_PADDING
        if packed and len(packed[0]) < ROW_BUTTONS and width + need <= ROW_WIDTH:
            packed[0].insert(0, choice)
            width += need
        else:
            packed.insert(0, [choice])
            width = need
    return packed


def rows(choices: list[Choice]) -> list[list[Choice]]:
    """Arrange buttons in rows: runs of short labels (0-10) in even rows, others by width."""
    arranged: list[list[Choice]] = []
    for short, group in itertools.groupby(choices, key=_short):
        run = list(group)
        if short:
            size = -(-len(run) // -(-len(run) // ROW_BUTTONS))
            arranged.extend(run[i : i + size] for i in range(0, len(run), size))
        else:
            arranged.extend(_pack(run))
    return arranged


def keyboard(choices: list[Choice]) -> InlineKeyboardMarkup | None:
    """Return an inline keyboard for the choices; a payload over 64 bytes is left out, loudly."""
    usable = []
    for choice in choices:
        if 1 <= len(choice.payload.encode()) <= MAX_PAYLOAD_BYTES:
            usable.append(choice)
        else:
            log.warning("dropping button %r: its payload does not fit callback_data", choice.label)
    if not usable:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(choice.label, callback_data=choice.payload) for choice in row]
        for row in rows(usable)
    ])


def deep_link(bot_username: str, start: str | None = None) -> str:
    """Return the t.me link that opens the private chat (and sends `/start <start>`)."""
    link = f"https://t.me/{bot_username}"
    return f"{link}?start={start}" if start else link


def link_keyboard(label: str, url: str) -> InlineKeyboardMarkup:
    """Return a one-button keyboard that opens a URL."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])
