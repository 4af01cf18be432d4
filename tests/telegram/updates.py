"""Update factories shaped like Telegram Bot API objects, as python-telegram-bot 22.8 parses them.

Messages are built without ``message_id``; ``TelegramEmulator.inject`` numbers them per chat
(shared with the bot's own messages, as Telegram does) and assigns the ``update_id``.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

_ids = itertools.count(4_000_000_000_000_000_000)


def _next_id() -> str:
    return str(next(_ids))


def now() -> int:
    """Return the current Unix time, as Telegram stamps dates."""
    return int(time.time())


@dataclass(frozen=True)
class User:
    """A Telegram user; ``private_chat`` is the chat they have with the bot."""

    id: int
    first_name: str
    username: str | None = None
    is_bot: bool = False

    def to_dict(self) -> JSON:
        """Return the Bot API ``User`` object."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        return data

    @property
    def private_chat(self) -> JSON:
        """Return the Bot API ``Chat`` of this user's private chat with the bot."""
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


def group(chat_id: int, title: str, *, kind: str = "supergroup") -> JSON:
    """Return a group chat (``kind`` is "group" or "supergroup"); ids are negative."""
    return {"id": chat_id, "type": kind, "title": title}


def channel(chat_id: int, title: str) -> JSON:
    """Return a channel chat."""
    return {"id": chat_id, "type": "channel", "title": title}


def _message(user: User | None, chat: JSON, **fields: Any) -> JSON:
    message: JSON = {"date": now(), "chat": chat, **fields}
    if user is not None:
        message["from"] = user.to_dict()
    return message


def private_message(user: User, text: str) -> JSON:
    """Return an update with a text message from ``user`` in their private chat."""
    return {"message": _message(user, user.private_chat, text=text)}


def group_message(user: User, chat: JSON, text: str) -> JSON:
    """Return an update with a text message from ``user`` in a group ``chat``."""
    return {"message": _message(user, chat, text=text)}


def command(user: User, text: str = "/start", *, chat: JSON | None = None) -> JSON:
    """Return an update with a command such as "/hero 2" or "/hero@herocoach_bot"."""
    length = len(text.split(maxsplit=1)[0].encode("utf-16-le")) // 2
    entity = {"type": "bot_command", "offset": 0, "length": length}
    return {"message": _message(user, chat or user.private_chat, text=text, entities=[entity])}


def reply_to(user: User, text: str, replied_message: JSON) -> JSON:
    """Return an update where ``user`` replies to ``replied_message`` (e.g. a bot message)."""
    return {
        "message": _message(
            user, replied_message["chat"], text=text, reply_to_message=replied_message
        )
    }


def callback_query(user: User, message: JSON, data: str) -> JSON:
    """Return an update for a press on an inline button with ``data`` under ``message``."""
    query = {
        "id": _next_id(),
        "from": user.to_dict(),
        "message": message,
        "chat_instance": str(message["chat"]["id"]),
        "data": data,
    }
    return {"callback_query": query}


def _file(**fields: Any) -> JSON:
    return {"file_id": "F" + _next_id(), "file_unique_id": "U" + _next_id(), **fields}


def sticker(user: User, emoji: str = "\N{THUMBS UP SIGN}") -> JSON:
    """Return an update with a sticker message."""
    item = _file(width=512, height=512, is_animated=False, is_video=False, type="regular")
    item["emoji"] = emoji
    return {"message": _message(user, user.private_chat, sticker=item)}


def photo(user: User, caption: str | None = None) -> JSON:
    """Return an update with a photo message (two sizes, as Telegram sends)."""
    sizes = [_file(width=90, height=90, file_size=1200), _file(width=800, height=800)]
    extra = {"caption": caption} if caption else {}
    return {"message": _message(user, user.private_chat, photo=sizes, **extra)}


def voice(user: User, duration: int = 3) -> JSON:
    """Return an update with a voice note."""
    note = _file(duration=duration, mime_type="audio/ogg")
    return {"message": _message(user, user.private_chat, voice=note)}


def edited_message(original: JSON, new_text: str) -> JSON:
    """Return an update saying the injected ``original`` message was edited to ``new_text``."""
    return {"edited_message": {**original, "text": new_text, "edit_date": now()}}


def forwarded(user: User, text: str, origin: User) -> JSON:
    """Return an update with a message ``user`` forwarded from ``origin``."""
    source = {"type": "user", "date": now() - 60, "sender_user": origin.to_dict()}
    return {"message": _message(user, user.private_chat, text=text, forward_origin=source)}


def channel_post(chat: JSON, text: str) -> JSON:
    """Return an update with a post in a channel the bot administers."""
    return {"channel_post": _message(None, chat, text=text, sender_chat=chat)}


def my_chat_member(user: User, bot: User, status: str, *, chat: JSON | None = None) -> JSON:
    """Return the bot's membership change; status "kicked" in a private chat = bot blocked."""
    old_status = "kicked" if status == "member" else "member"
    old: JSON = {"user": bot.to_dict(), "status": old_status}
    new: JSON = {"user": bot.to_dict(), "status": status}
    for member in (old, new):
        if member["status"] == "kicked":
            member["until_date"] = 0
    change = {
        "chat": chat or user.private_chat,
        "from": user.to_dict(),
        "date": now(),
        "old_chat_member": old,
        "new_chat_member": new,
    }
    return {"my_chat_member": change}


def poll(question: str, options: list[str]) -> JSON:
    """Return a ``poll`` update (a state change of a poll the bot can see)."""
    return {
        "poll": {
            "id": _next_id(),
            "question": question,
            "options": [
                {"text": text, "voter_count": 0, "persistent_id": str(index)}
                for index, text in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    }
