"""Show the core's replies as answers to one Discord interaction (slash command or button press)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field

import discord

from bot.adapters.discord.pictures import Pictures
from bot.adapters.discord.views import buttons, chunks, fit, to_discord
from bot.core.events import Reply

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 s; past this the bot defers first.
DEFER_AFTER = 2.0
# A slash command must be answered; the core has a reply for every command, this is a backstop.
NOTHING_TO_SAY = "Done."


@dataclass
class Shown:
    """The last message an interaction showed: what an idle timer needs to edit it later."""

    message_id: int
    text: str
    original: bool
    has_buttons: bool


@dataclass
class Answer:
    """Answer one interaction with a list of replies, deferring when the core is slow."""

    interaction: discord.Interaction
    ephemeral: bool
    defer_after: float = DEFER_AFTER
    pictures: Pictures | None = None
    shown: list[Shown] = field(default_factory=list)
    _thinking: bool = False

    @property
    def is_press(self) -> bool:
        """Return whether this answers a button press (which can edit its message)."""
        return self.interaction.type is discord.InteractionType.component

    async def wait(self, work: Awaitable[list[Reply]]) -> list[Reply]:
        """Await the core's replies, acknowledging the interaction if they take long."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done:
            response = self.interaction.response
            if self.is_press:
                await response.defer()
            else:
                await response.defer(ephemeral=self.ephemeral, thinking=True)
                self._thinking = True
        return await task

    async def show(self, replies: list[Reply]) -> None:
        """Show each reply: edit the pressed message, respond, or follow up."""
        for reply in replies:
            if reply.edit and self.is_press and not reply.alert:
                await self._edit(reply)
            else:
                await self._send(reply)
        response = self.interaction.response
        if not response.is_done() and self.is_press:
            await response.defer()
        elif not response.is_done():
            await response.send_message(NOTHING_TO_SAY, ephemeral=True)
        elif self._thinking:
            await self.interaction.delete_original_response()

    async def _picture(self, reply: Reply, *, editing: bool = False) -> dict:
        if self.pictures is None:
            return {}
        return await self.pictures.fields(reply.image, editing=editing)

    async def _remember(self, reply: Reply, message: object) -> None:
        if self.pictures is not None:
            await self.pictures.remember(reply.image, message)

    async def _edit(self, reply: Reply) -> None:
        content, view = fit(to_discord(reply.text)), buttons(reply.choices)
        message = self.interaction.message
        picture = await self._picture(reply, editing=True)
        if not self.interaction.response.is_done():
            result = await self.interaction.response.edit_message(content=content, view=view, **picture)
            await self._remember(reply, result.resource if result is not None else None)
        else:
            edited = await self.interaction.edit_original_response(content=content, view=view, **picture)
            await self._remember(reply, edited)
        if message is not None:
            self.shown.append(Shown(message.id, content, True, view is not None))

    async def _send(self, reply: Reply) -> None:
        ephemeral = self.ephemeral or reply.alert
        parts = chunks(to_discord(reply.text))
        for index, content in enumerate(parts):
            last = index == len(parts) - 1
            view = buttons(reply.choices) if last else None
            extra: dict = {"view": view} if view is not None else {}
            if last:
                extra.update(await self._picture(reply, editing=self._thinking))
            response = self.interaction.response
            if not response.is_done():
                result = await response.send_message(content, ephemeral=ephemeral, **extra)
                message_id, original, made = result.message_id, True, result.resource
            elif self._thinking:
                self._thinking = False
                made = await self.interaction.edit_original_response(content=content, **extra)
                message_id, original = made.id, True
            else:
                made = await self.interaction.followup.send(
                    content, ephemeral=ephemeral, wait=True, **extra
                )
                message_id, original = made.id, False
            if last:
                await self._remember(reply, made)
            if message_id is not None:
                self.shown.append(Shown(message_id, content, original, view is not None))

    async def notice(self, text: str) -> None:
        """Add a private note after the replies (e.g. how to open DMs)."""
        try:
            await self.interaction.followup.send(to_discord(text), ephemeral=True)
        except discord.HTTPException as exc:
            log.info("could not add a notice to an interaction: %s", exc)
