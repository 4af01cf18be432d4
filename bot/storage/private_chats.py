"""People's private chats with the bot, shared by every process: the DM channel, and closed DMs."""

from __future__ import annotations

from datetime import datetime

from bot.storage.base import Base


class PrivateChats(Base):
    """Each person's DM channel id and whether their DMs are closed, keyed by platform identity."""

    async def channel(self, platform: str, user_id: str) -> str | None:
        """Return the person's DM channel id, if one was opened or heard from."""
        row = await self.db.fetchone(
            "SELECT channel_id FROM private_chats WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return row[0] if row else None

    async def opened(self, platform: str, user_id: str, channel_id: str) -> None:
        """Remember the DM channel the platform opened for the person."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO private_chats (platform, user_id, channel_id) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, user_id) DO UPDATE SET channel_id = excluded.channel_id",
                (platform, user_id, channel_id),
            )

    async def heard_from(self, platform: str, user_id: str, channel_id: str) -> None:
        """Note a message from the person in their DM: the channel, and that their DMs are open."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO private_chats (platform, user_id, channel_id) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, user_id) DO UPDATE SET channel_id = excluded.channel_id,"
                " closed_at = NULL, told_at = NULL WHERE private_chats.closed_at IS NOT NULL"
                " OR private_chats.channel_id IS NULL"
                " OR private_chats.channel_id <> excluded.channel_id",
                (platform, user_id, channel_id),
            )

    async def closed(self, platform: str, user_id: str, now: datetime) -> None:
        """Note that a DM failed because the person's DMs are closed (the first time counts)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO private_chats (platform, user_id, closed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, user_id) DO UPDATE SET"
                " closed_at = COALESCE(private_chats.closed_at, excluded.closed_at)",
                (platform, user_id, self.t(now)),
            )

    async def is_closed(self, platform: str, user_id: str) -> bool:
        """Return whether the person's DMs are known to be closed."""
        row = await self.db.fetchone(
            "SELECT closed_at FROM private_chats WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return bool(row and row[0] is not None)

    async def take_closed_notice(self, platform: str, user_id: str, now: datetime) -> bool:
        """Return True once per closing: the caller tells the person their DMs are closed."""
        if not await self.is_closed(platform, user_id):
            return False
        async with self.db.transaction() as tx:
            taken = await tx.execute(
                "UPDATE private_chats SET told_at = ? WHERE platform = ? AND user_id = ?"
                " AND closed_at IS NOT NULL AND told_at IS NULL",
                (self.t(now), platform, user_id),
            )
        return taken == 1
