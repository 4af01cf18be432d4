"""Open the SQLite database in WAL mode and bring its schema up to date."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class MigrationError(RuntimeError):
    """A migration file is misnamed, out of sequence, or failed to apply."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file from `migrations/`."""

    version: int
    path: Path


def default_migrations_dir() -> Path:
    """Return the `migrations/` folder shipped beside the `bot` package."""
    return Path(__file__).resolve().parents[2] / "migrations"


def to_db(when: datetime) -> str:
    """Format an aware datetime as fixed-width UTC text, so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def from_db(text: str) -> datetime:
    """Parse a timestamp written by `to_db`."""
    return datetime.fromisoformat(text)  # 3.11+ reads the trailing Z as UTC, and fast


def sqlite_path(database_url: str) -> str:
    """Turn `sqlite:///relative.db`, `sqlite:////abs.db` or a bare path into a file path."""
    if database_url.startswith("sqlite:///"):
        return database_url.removeprefix("sqlite:///") or ":memory:"
    if "://" in database_url:
        scheme = database_url.split("://", 1)[0]
        raise ValueError(f"DATABASE_URL scheme '{scheme}' is not supported yet; use sqlite:///path.db")
    return database_url


def discover_migrations(folder: Path | None = None) -> list[Migration]:
    """List the migrations in order, checking they are numbered 1, 2, 3 … with no gaps."""
    folder = folder or default_migrations_dir()
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migrations are named NNNN_description.sql")
        found.append(Migration(int(match.group(1)), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"{migration.path.name}: expected migration number {expected:04d}")
    return found


async def schema_version(db: aiosqlite.Connection) -> int:
    """Return the schema version recorded in the database header."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def split_statements(sql: str) -> list[str]:
    """Split a migration into its statements, so they can run inside one open transaction."""
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending)
            pending = ""
    if any(line.strip() and not line.strip().startswith("--") for line in pending.splitlines()):
        statements.append(pending)
    return statements


async def migrate(
    db: aiosqlite.Connection, folder: Path | None = None, target: int | None = None
) -> int:
    """Apply every pending migration, each in its own transaction; return the new version."""
    current = await schema_version(db)
    # A new database is routine; upgrading an existing one is worth a line in the log.
    level = logging.INFO if current else logging.DEBUG
    for migration in discover_migrations(folder):
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        # The version is read again under the write lock: a second process opening the same
        # new file waits here, then finds the migration applied and skips it.
        await db.execute("BEGIN IMMEDIATE")
        try:
            if await schema_version(db) >= migration.version:
                await db.rollback()
                current = migration.version
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
    path = sqlite_path(database_url)
    if path != ":memory:":
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
