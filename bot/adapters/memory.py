"""An in-memory adapter: people type and press buttons as they would in a chat app.

Tests drive the core through it; it is also the smallest example of an adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.conversation import Conversation
from bot.core.events import (
    ButtonPress,
    Choice,
    Command,
    DeliveryResult,
    DeliveryStatus,
    Identity,
    Origin,
    Outbound,
    Reply,
    ReplyToBot,
    Text,
)


@dataclass
class MemoryChat:
    """The platform: holds the core, records every message, and delivers outbound ones."""

    core: Conversation
    platform: str = "memory"
    outbox: list[Outbound] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    sent_ids: dict[int, str] = field(default_factory=dict)
    _next_id: int = 0

    def message_id(self) -> str:
        """Return a fresh message id."""
        self._next_id += 1
        return str(self._next_id)

    async def send(self, message: Outbound) -> DeliveryResult:
        """Deliver an outbound message, or report the person unreachable."""
        if message.to.user_id in self.unreachable:
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="blocked the bot")
        self.outbox.append(message)
        self.sent_ids[id(message)] = self.message_id()
        return DeliveryResult(DeliveryStatus.SENT, self.sent_ids[id(message)])

    def user(self, user_id: str, name: str = "", chat_id: str | None = None) -> ChatUser:
        """Return a person who can type and press in a private chat (or in `chat_id`)."""
        return ChatUser(self, Identity(self.platform, user_id), name or user_id, chat_id)

    def inbox_of(self, user_id: str) -> list[Outbound]:
        """Return the outbound messages delivered to one person."""
        return [m for m in self.outbox if m.to.user_id == user_id]


@dataclass
class ChatUser:
    """Someone chatting with the bot; remembers the last buttons they were shown."""

    chat: MemoryChat
    identity: Identity
    name: str
    group: str | None = None
    last: list[Reply] = field(default_factory=list)

    def _origin(self) -> Origin:
        return Origin(
            self.identity, self.group or self.identity.user_id, self.chat.message_id(),
            is_private=self.group is None, display_name=self.name,
        )

    async def _send(self, event: Command | Text | ReplyToBot | ButtonPress) -> list[Reply]:
        replies = await self.chat.core.handle(event)
        if any(reply.choices for reply in replies):
            self.last = replies
        return replies

    async def say(self, text: str) -> list[Reply]:
        """Type a message: a `/command`, or free text."""
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return await self._send(Command(self._origin(), name, args))
        return await self._send(Text(self._origin(), text))

    async def reply(self, text: str, to: Outbound | None = None, to_text: str = "") -> list[Reply]:
        """Reply to one of the bot's messages: `to` one it sent on its own, or an earlier reply."""
        replied = self.chat.sent_ids.get(id(to), "0") if to is not None else "0"
        shown = to_text or (to.text if to is not None else "")
        return await self._send(ReplyToBot(self._origin(), text, replied, shown))

    def choices(self) -> list[Choice]:
        """Return the buttons on the most recent message that had any."""
        for reply in reversed(self.last):
            if reply.choices:
                return reply.choices
        return []

    async def press(self, label: str | int = 0, choices: list[Choice] | None = None) -> list[Reply]:
        """Press a button by label (prefix match) or index on the latest buttons shown."""
        options = choices if choices is not None else self.choices()
        if isinstance(label, int):
            choice = options[label]
        else:
            matching = [c for c in options if c.label.lower().startswith(label.lower())]
            if not matching:
                raise AssertionError(f"no button {label!r} among {[c.label for c in options]}")
            choice = matching[0]
        return await self.press_payload(choice.payload)

    async def press_payload(self, payload: str) -> list[Reply]:
        """Press a button carrying any payload, as a forged or stale press would."""
        return await self._send(ButtonPress(self._origin(), payload))
