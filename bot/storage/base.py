"""What every repository shares: the database, written against in SQL both backends run."""

from __future__ import annotations

from datetime import datetime

from bot.storage.sql import Database


class Base:
    """Shared access to one backend's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def t(self, when: datetime | None) -> object:
        """Turn an aware instant into the value the backend stores."""
        return self.db.time(when)

    def rt(self, value: object) -> datetime | None:
        """Read a stored instant (or None) as an aware UTC datetime."""
        return self.db.read_time(value)
