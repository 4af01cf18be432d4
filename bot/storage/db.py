"""SQLite: open the file in WAL mode, bring its schema up to date, and run the shared SQL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.storage.migrations import (
    Migration,
    MigrationError,
    default_migrations_dir,
    discover_migrations,
)
from bot.storage.sql import Executor, Params, Row

__all__ = ["Migration", "MigrationError", "SqliteDatabase", "connect", "default_migrations_dir",
           "discover_migrations", "from_db", "migrate", "open_sqlite", "schema_version", "to_db"]

log = logging.getLogger(__name__)

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db(when: datetime) -> str:
    """Format an aware datetime as fixed-width UTC text, so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def from_db(text: str) -> datetime:
    """Parse a timestamp written by `to_db`."""
    return datetime.fromisoformat(text)  # 3.11+ reads the trailing Z as UTC, and fast


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (executescript would commit our transaction)."""
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending)
            pending = ""
    leftover = "\n".join(
        line for line in pending.splitlines() if line.strip() and not line.strip().startswith("--"))
    if leftover:
        statements.append(leftover + ";")
    return statements


async def schema_version(db: aiosqlite.Connection) -> int:
    """Return the schema version recorded in the database header."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(
    db: aiosqlite.Connection, folder: Path | None = None, target: int | None = None
) -> int:
    """Apply every pending migration, each in its own transaction; return the new version."""
    current = await schema_version(db)
    # A new database is routine; upgrading an existing one is worth a line in the log.
    level = logging.INFO if current else logging.DEBUG
    for migration in discover_migrations(folder):
        if target is not None and migration.version > target:
            break
        if migration.version <= current:
            continue
        # The version is read again under the write lock: a second process opening the same
        # new file waits here, then finds the migration applied and skips it.
        await db.execute("BEGIN IMMEDIATE")
        try:
            current = await schema_version(db)
            if migration.version <= current:
                await db.rollback()
                continue
            for statement in split_statements(migration.path.read_text(encoding="utf-8")):
                await db.execute(statement)
            # user_version lives in the database header and is written inside the same
            # transaction, so a failed migration leaves neither its tables nor its number.
            await db.execute(f"PRAGMA user_version = {migration.version}")
            await db.commit()
        except Exception as exc:
            if db.in_transaction:
                await db.rollback()
            raise MigrationError(f"{migration.path.name} failed: {exc}") from exc
        log.log(level, "applied migration %s", migration.path.name)
        current = migration.version
    return current


async def connect(database_url: str, migrations: Path | None = None) -> aiosqlite.Connection:
    """Open the database, switch on WAL and foreign keys, and migrate it."""
    from bot.storage.urls import parse_database_url

    path = parse_database_url(database_url).target
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    db.row_factory = aiosqlite.Row
    try:
        # The busy timeout comes first: a second process opening a new file at the same
        # moment waits for the first one's locks instead of failing.
        await db.execute("PRAGMA busy_timeout=10000")
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA synchronous=NORMAL")
        await migrate(db, migrations)
    except BaseException:
        await db.close()
        raise
    return db


class SqliteDatabase:
    """One aiosqlite connection; writers take turns through an IMMEDIATE transaction."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.lock = asyncio.Lock()

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query and return its first row."""
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all rows."""
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement and return how many rows it changed."""
        async with self.conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each set of parameters."""
        await self.conn.executemany(sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """Run a block as one IMMEDIATE transaction, serialised on this connection."""
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                await self.conn.rollback()
                raise
            await self.conn.commit()

    def skip_locked(self, table: str | None = None) -> str:
        """Return nothing: BEGIN IMMEDIATE already holds the whole file for the batch."""
        return ""

    def time(self, when: datetime | None) -> str | None:
        """Store an instant as fixed-width UTC text."""
        return to_db(when) if when else None

    def read_time(self, value: object) -> datetime | None:
        """Read an instant stored as text."""
        return from_db(str(value)) if value else None

    async def close(self) -> None:
        """Close the connection."""
        await self.conn.close()


async def open_sqlite(database_url: str, migrations: Path | None = None) -> SqliteDatabase:
    """Connect, migrate, and return the database."""
    return SqliteDatabase(await connect(database_url, migrations))
