"""PostgreSQL through an asyncpg pool: the shared SQL with `$n` placeholders, and its migrations."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import asyncpg

from bot.storage.migrations import MigrationError, discover_migrations
from bot.storage.sql import Executor, Params, Row

log = logging.getLogger(__name__)

# Any constant works: every process that migrates this database takes the same lock.
MIGRATION_LOCK = 0x4865726F  # "Hero"
PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """Rewrite the shared SQL's `?` placeholders as asyncpg's `$1, $2, …`."""
    counter = iter(range(1, 100_000))
    return PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


def rowcount(status: str) -> int:
    """Read the row count from a command tag such as `UPDATE 3` or `INSERT 0 1`."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def clean(params: Params) -> Params:
    """Replace NUL characters, which PostgreSQL text cannot hold, with U+FFFD (SQLite keeps them)."""
    if any(isinstance(p, str) and "\x00" in p for p in params):
        return [p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params]
    return params


class _Connection:
    """The shared-SQL methods over one asyncpg connection or the pool."""

    def __init__(self, target: asyncpg.Connection | asyncpg.Pool) -> None:
        self.target = target

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query and return its first row."""
        return await self.target.fetchrow(numbered(sql), *clean(params))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query and return all rows."""
        return list(await self.target.fetch(numbered(sql), *clean(params)))

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement and return how many rows it changed."""
        return rowcount(await self.target.execute(numbered(sql), *clean(params)))

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each set of parameters."""
        if rows:
            await self.target.executemany(numbered(sql), [clean(row) for row in rows])


class PostgresDatabase(_Connection):
    """A pool of connections to one PostgreSQL database."""

    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        self.pool = pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """Run a block as one transaction on one pooled connection."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield _Connection(conn)

    def skip_locked(self, table: str | None = None) -> str:
        """Lock the selected rows (of one table in a join) and skip rows another process holds."""
        return f" FOR UPDATE{f' OF {table}' if table else ''} SKIP LOCKED"

    def time(self, when: datetime | None) -> datetime | None:
        """Pass an aware instant straight to a timestamptz column."""
        if when is not None and when.tzinfo is None:
            raise ValueError("refusing to store a naive datetime")
        return when

    def read_time(self, value: object) -> datetime | None:
        """Return a timestamptz value as an aware UTC datetime."""
        return value.astimezone(UTC) if isinstance(value, datetime) else None

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.pool.close()


async def schema_version(conn: asyncpg.Connection) -> int:
    """Return the highest migration recorded in `schema_migrations` (0 on a new database)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))


async def migrate(conn: asyncpg.Connection, folder: Path | None = None, target: int | None = None) -> int:
    """Apply every pending migration, each in one transaction with its version row; return the version."""
    current = await schema_version(conn)
    level = logging.INFO if current else logging.DEBUG
    for migration in discover_migrations(folder, dialect="postgresql"):
        if target is not None and migration.version > target:
            break
        if migration.version <= current:
            continue
        try:
            async with conn.transaction():
                # Processes opening a new database at once queue here; each re-reads the version.
                await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
                    " applied_at timestamptz NOT NULL DEFAULT now())")
                current = await schema_version(conn)
                if migration.version <= current:
                    continue
                await conn.execute(migration.path.read_text(encoding="utf-8"))
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", migration.version)
        except (asyncpg.PostgresError, OSError) as exc:
            raise MigrationError(f"{migration.path.name} failed: {exc}") from exc
        log.log(level, "applied migration %s", migration.path.name)
        current = migration.version
    return current


async def open_postgres(
    dsn: str, pool_size: int = 10, migrations: Path | None = None, target: int | None = None
) -> PostgresDatabase:
    """Open a pool of up to `pool_size` connections and migrate the database."""
    try:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=pool_size, command_timeout=60)
    except (asyncpg.PostgresError, OSError) as exc:
        raise OSError(f"PostgreSQL refused the connection: {exc}") from exc
    try:
        async with pool.acquire() as conn:
            await migrate(conn, migrations, target)
    except BaseException:
        await pool.close()
        raise
    return PostgresDatabase(pool)
