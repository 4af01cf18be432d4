"""People's DM channels and closed DMs, kept in the database so every process sees the same.

A DM arrives on shard 0 (Discord sends DMs there), but a nudge or a slash command in a server
is handled by whichever process holds that server's shard, or sends the sweep's nudges: so
"this person's DMs are closed" must be shared, not a per-process set. A DM channel's id never
changes for a person, so each process also keeps the ids it has seen: that cache is always
right, and it saves the database read (and Discord's open-DM request) on every later DM.
"""

from __future__ import annotations

import discord

from bot.core.ports import Clock
from bot.storage.private_chats import PrivateChats

PLATFORM = "discord"


class DirectMessages:
    """Find or open a person's DM channel once, and remember whose DMs are closed."""

    def __init__(self, chats: PrivateChats, clock: Clock) -> None:
        self.chats = chats
        self.clock = clock
        self._channels: dict[int, int] = {}

    async def heard_from(self, user_id: int, channel_id: int) -> None:
        """Note a message in the person's DM: its channel, and that their DMs are open."""
        self._channels[user_id] = channel_id
        await self.chats.heard_from(PLATFORM, str(user_id), str(channel_id))

    async def channel_id(self, user_id: int, http: discord.http.HTTPClient) -> int:
        """Return the person's DM channel id, opening the DM only if no process has yet."""
        channel_id = self._channels.get(user_id)
        if channel_id is None:
            stored = await self.chats.channel(PLATFORM, str(user_id))
            if stored is None:
                data = await http.start_private_message(user_id)
                stored = str(data["id"])
                await self.chats.opened(PLATFORM, str(user_id), stored)
            channel_id = self._channels[user_id] = int(stored)
        return channel_id

    async def closed(self, user_id: int) -> None:
        """Note that a DM failed because the person's DMs are closed."""
        await self.chats.closed(PLATFORM, str(user_id), self.clock.now())

    async def tell_closed(self, user_id: int) -> bool:
        """Return True once per closing, in whichever process sees the person first."""
        return await self.chats.take_closed_notice(PLATFORM, str(user_id), self.clock.now())
