"""What every sub-repository shares: the connection, its write lock, and row helpers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import aiosqlite

from bot.storage.db import from_db


def maybe_time(text: str | None) -> datetime | None:
    """Parse an optional stored timestamp."""
    return from_db(text) if text else None


class Base:
    """Shared access to the connection and its write lock."""

    def __init__(self, db: aiosqlite.Connection, lock: asyncio.Lock) -> None:
        self.db = db
        self.lock = lock

    async def fetchone(self, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
        """Run a query and return its first row."""
        async with self.db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        """Run a query and return all rows."""
        async with self.db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run a block as one IMMEDIATE transaction, serialised on this connection."""
        async with self.lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.rollback()
                raise
            await self.db.commit()
