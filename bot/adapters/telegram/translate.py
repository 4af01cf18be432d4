"""Telegram updates to the neutral model: the only place PTB's inbound objects meet the core's."""

from __future__ import annotations

import re
from enum import StrEnum

from telegram import CallbackQuery, Chat, ChatMemberUpdated, Message, User
from telegram.constants import ChatMemberStatus

from bot.core.events import ButtonPress, Command, Identity, InboundEvent, Origin, ReplyToBot, Text

PLATFORM = "telegram"
# Telegram command names are 1-32 Latin letters, digits and underscores; "@bot" addresses one bot.
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?", re.DOTALL)


class Skip(StrEnum):
    """Why a message does not reach the core."""

    IGNORE = "ignore"
    UNSUPPORTED = "unsupported"
    FORWARDED = "forwarded"


def identity(user: User) -> Identity:
    """Return the neutral identity of a Telegram user."""
    return Identity(PLATFORM, str(user.id))


def origin(user: User, chat: Chat | None, message_id: int | None) -> Origin:
    """Return where an event came from; with no chat known it is the user's private chat."""
    return Origin(
        identity(user),
        str(chat.id) if chat is not None else str(user.id),
        str(message_id) if message_id is not None else None,
        is_private=chat is None or chat.type == Chat.PRIVATE,
        display_name=user.first_name or "",
    )


def parse_command(text: str, bot_username: str | None) -> tuple[str, str] | None:
    """Return (name, args) for "/name@bot args"; None when it is not a command for this bot."""
    match = _COMMAND.fullmatch(text.strip())
    if match is None:
        return None
    name, addressee, args = match.groups()
    if addressee and (bot_username is None or addressee.lower() != bot_username.lower()):
        return None
    return name, (args or "").strip()


def _is_command_for_other_bot(text: str, bot_username: str | None) -> bool:
    match = _COMMAND.fullmatch(text.strip())
    return bool(match and match.group(2)) and parse_command(text, bot_username) is None


def message_event(message: Message, me: User) -> InboundEvent | Skip:
    """Translate a new message into a Command, ReplyToBot or Text, or say why it is skipped."""
    user = message.from_user
    if user is None or user.is_bot or message.sender_chat is not None:
        return Skip.IGNORE
    text = message.text
    if text is None or not text.strip():
        return Skip.UNSUPPORTED
    if _is_command_for_other_bot(text, me.username):
        return Skip.IGNORE
    if message.forward_origin is not None:
        return Skip.FORWARDED
    where = origin(user, message.chat, message.message_id)
    command = parse_command(text, me.username)
    if command is not None:
        return Command(where, *command)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
        replied_text = replied.text or replied.caption or ""
        return ReplyToBot(where, text, str(replied.message_id), replied_text)
    return Text(where, text)


def press_event(query: CallbackQuery) -> ButtonPress | None:
    """Translate a button press; None for a press without callback data (a game button)."""
    if query.data is None:
        return None
    message = query.message
    chat = message.chat if message is not None else None
    message_id = message.message_id if message is not None else None
    return ButtonPress(origin(query.from_user, chat, message_id), query.data)


def blocked_by(change: ChatMemberUpdated) -> Identity | None:
    """Return who blocked the bot, when a private-chat membership change says so."""
    kicked = change.new_chat_member.status == ChatMemberStatus.BANNED
    if change.chat.type == Chat.PRIVATE and kicked:
        return identity(change.from_user)
    return None
