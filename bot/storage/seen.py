"""Update ids already taken in, so an update pushed twice is handled once, by one process."""

from __future__ import annotations

from datetime import datetime

from bot.storage.base import Base


class SeenUpdates(Base):
    """The ids of updates a platform pushed to us, kept for a day."""

    async def first_time(self, platform: str, update_id: int, now: datetime) -> bool:
        """Record the update and return True, or return False when it was recorded before."""
        async with self.db.transaction() as tx:
            inserted = await tx.execute(
                "INSERT INTO seen_updates (platform, update_id, seen_at) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, update_id) DO NOTHING",
                (platform, update_id, self.t(now)),
            )
        return inserted == 1

    async def prune(self, before: datetime) -> int:
        """Forget the ids recorded before a moment; return how many were forgotten."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM seen_updates WHERE seen_at < ?", (self.t(before),))
