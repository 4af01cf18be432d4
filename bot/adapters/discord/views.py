"""Buttons, message text and idle session timers: the parts of a Discord message the core shapes."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.core.events import Choice

log = logging.getLogger(__name__)

MAX_CONTENT = 2000
MAX_LABEL = 80
MAX_BUTTONS = 25
RESUME_HINT = "These buttons have timed out: type /hero to pick up where you left off."
# escape_markdown adds a backslash before these; a message the bot wrote is read back without them.
_ESCAPED = re.compile(r"\\([*_~|`>#\[\]()\-])")


class PressHandler(Protocol):
    """What a button press is handed to (the adapter)."""

    async def on_press(self, interaction: discord.Interaction, payload: str) -> None:
        """Answer one press of a button carrying `payload`."""
        ...


def to_discord(text: str) -> str:
    """Escape the core's plain text so Discord shows it exactly as written."""
    return discord.utils.escape_markdown(text)


def from_discord(content: str) -> str:
    """Undo to_discord on the content of a message the bot sent."""
    return _ESCAPED.sub(r"\1", content)


def chunks(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Split text into messages Discord accepts, at line breaks where possible."""
    text = text or "\u200b"
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text]


def fit(text: str, limit: int = MAX_CONTENT) -> str:
    """Shorten text to one message (for edits, which can't grow into several)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ButtonRows(discord.ui.View):
    """A layout of buttons whose custom_id is the core's payload.

    Presses are routed by PayloadButton, registered once on the client, so they keep working
    after a restart. discord.py must not track this view (a tracked view that times out also
    unregisters the dynamic handler), so it always reports itself finished.
    """

    def __init__(self, choices: list[Choice]) -> None:
        super().__init__(timeout=None)
        for index, choice in enumerate(choices[:MAX_BUTTONS]):
            style = discord.ButtonStyle.primary if index == 0 else discord.ButtonStyle.secondary
            label = choice.label if len(choice.label) <= MAX_LABEL else choice.label[:79] + "…"
            self.add_item(discord.ui.Button(label=label, custom_id=choice.payload, style=style))

    def is_finished(self) -> bool:
        """Report finished, so discord.py never stores or times out this layout."""
        return True


def buttons(choices: list[Choice]) -> ButtonRows | None:
    """Return the button layout for some choices, or None (which removes buttons on an edit)."""
    return ButtonRows(choices) if choices else None


class PayloadButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(r".+", re.S)):
    """Route a press of any button to the adapter; the core rejects payloads it didn't make."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PayloadButton:
        """Wrap the pressed button."""
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> Any:
        """Hand the press to the adapter that owns this client."""
        handler: PressHandler | None = getattr(interaction.client, "adapter", None)
        if handler is not None and self.item.custom_id is not None:
            await handler.on_press(interaction, self.item.custom_id)


@dataclass
class _Shown:
    interaction: discord.Interaction
    message_id: int
    original: bool
    text: str
    timer: asyncio.TimerHandle


class IdleSessions:
    """Ephemeral /hero messages whose buttons stop waiting after a while.

    An ephemeral message can only be edited through an interaction token, which lasts 15
    minutes, so before it runs out the message is told how to pick the session up again.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._shown: dict[int, _Shown] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def tracks(self, message_id: int | None) -> bool:
        """Return whether a message is a live session message."""
        return message_id in self._shown

    def arm(
        self, interaction: discord.Interaction, message_id: int, text: str, *, original: bool
    ) -> None:
        """Start (or restart) the idle timer of a message that was just shown or edited."""
        self.disarm(message_id)
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.timeout, self._expire, message_id)
        self._shown[message_id] = _Shown(interaction, message_id, original, text, timer)

    def disarm(self, message_id: int | None) -> None:
        """Forget a message: its session ended, or it moved on."""
        shown = self._shown.pop(message_id, None) if message_id is not None else None
        if shown is not None:
            shown.timer.cancel()

    def close(self) -> None:
        """Cancel every timer (on shutdown)."""
        for message_id in list(self._shown):
            self.disarm(message_id)
        for task in self._tasks:
            task.cancel()

    def _expire(self, message_id: int) -> None:
        shown = self._shown.pop(message_id, None)
        if shown is not None:
            task = asyncio.create_task(self._tell(shown))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _tell(self, shown: _Shown) -> None:
        content = fit(f"{shown.text}\n\n{to_discord(RESUME_HINT)}")
        try:
            if shown.original:
                await shown.interaction.edit_original_response(content=content, view=None)
            else:
                await shown.interaction.followup.edit_message(
                    shown.message_id, content=content, view=None
                )
        except discord.HTTPException as exc:
            log.info("could not mark session message %s as timed out: %s", shown.message_id, exc)
