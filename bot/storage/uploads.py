"""Platform references to pictures already uploaded, so each picture is uploaded once."""

from __future__ import annotations

from datetime import datetime

from bot.storage.base import Base


class Uploads(Base):
    """Platform references to pictures already uploaded (Telegram file_id, Discord URL)."""

    async def get(self, platform: str, media_key: str) -> tuple[str, datetime] | None:
        """Return the stored reference and when it was stored, if the picture was uploaded."""
        row = await self.db.fetchone(
            "SELECT ref, created_at FROM uploads WHERE platform = ? AND media_key = ?",
            (platform, media_key),
        )
        return (row[0], self.rt(row[1])) if row else None

    async def put(self, platform: str, media_key: str, ref: str, now: datetime) -> None:
        """Remember (or replace) the reference to an uploaded picture."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO uploads (platform, media_key, ref, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, media_key) DO UPDATE SET ref = excluded.ref,"
                " created_at = excluded.created_at",
                (platform, media_key, ref, self.t(now)),
            )

    async def drop(self, platform: str, media_key: str) -> None:
        """Forget a reference the platform no longer accepts."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM uploads WHERE platform = ? AND media_key = ?", (platform, media_key)
            )
