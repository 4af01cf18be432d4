"""The little each backend must provide so the repositories can be written once, in shared SQL."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

Row = Any  # aiosqlite.Row or asyncpg.Record: both index by name and by position
Params = Sequence[Any]


class Executor(Protocol):
    """Run SQL written with `?` placeholders, on a connection or inside a transaction."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query and return its first row."""
        ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all rows."""
        ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement and return how many rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each set of parameters."""
        ...


class Database(Executor, Protocol):
    """A connection (or pool) to one backend, plus what differs between dialects."""

    dialect: str

    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        """Run a block as one transaction that takes the write lock up front."""
        ...

    def skip_locked(self, table: str | None = None) -> str:
        """Return the clause that locks the selected rows and skips rows others hold."""
        ...

    def time(self, when: datetime | None) -> object:
        """Turn an aware datetime into the value this backend stores."""
        ...

    def read_time(self, value: object) -> datetime | None:
        """Turn a stored instant back into an aware UTC datetime."""
        ...

    async def close(self) -> None:
        """Release the connection or pool."""
        ...
