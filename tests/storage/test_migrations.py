"""Numbered migrations: a fresh database, an upgrade from version 1, and failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.db import (
    MigrationError,
    connect,
    default_migrations_dir,
    discover_migrations,
    migrate,
    schema_version,
)


async def test_fresh_database_is_at_the_latest_version_in_wal(tmp_path: Path) -> None:
    db = await connect(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        latest = len(discover_migrations())
        assert await schema_version(db) == latest >= 1
        async with db.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
    finally:
        await db.close()


async def test_upgrade_from_version_1_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, target=1) == 1
        await db.executescript(
            "INSERT INTO people (id, platform, user_id, display_name, chat_id, timezone, created_at)"
            " VALUES (1, 'telegram', '42', 'Ann', '42', 'Europe/Berlin', '2025-01-01T00:00:00.000000Z');"
            "INSERT INTO progression VALUES (1, 'medium', 1, 0, '2025-01-01T00:00:00.000000Z');"
            "INSERT INTO hero_sessions (person_id, started_at, ended_at, step, start_level, level,"
            " intensity, felt, outcome) VALUES (1, '2025-01-01T00:00:00.000000Z',"
            " '2025-01-01T00:10:00.000000Z', 'done', 'high', 'medium', 4, 'shins', 'completed');"
            "INSERT INTO questions (person_id, asked_at, text, outcome)"
            " VALUES (1, '2025-01-01T00:00:00.000000Z', 'why?', 'escalate');"
        )
    db = await connect(f"sqlite:///{path}")
    try:
        assert await schema_version(db) == len(discover_migrations())
        async with db.execute("SELECT display_name, timezone FROM people") as cursor:
            assert tuple(await cursor.fetchone()) == ("Ann", "Europe/Berlin")
        async with db.execute("SELECT level, comfortable_streak FROM progression") as cursor:
            assert tuple(await cursor.fetchone()) == ("medium", 1)
        async with db.execute("SELECT COUNT(*) FROM hero_sessions") as cursor:
            assert (await cursor.fetchone())[0] == 1
        async with db.execute("SELECT text FROM questions") as cursor:
            assert (await cursor.fetchone())[0] == "why?"
    finally:
        await db.close()


async def test_failed_migration_rolls_back_whole(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_broken.sql").write_text("CREATE TABLE b (x INTEGER);\nTHIS IS NOT SQL;")
    with pytest.raises(MigrationError, match="0002_broken.sql"):
        await connect(f"sqlite:///{tmp_path / 'x.db'}", folder)
    with sqlite3.connect(tmp_path / "x.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"a"}


def test_misnamed_or_gapped_migrations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_ok.sql").write_text("")
    (tmp_path / "0003_gap.sql").write_text("")
    with pytest.raises(MigrationError, match="expected migration number 0002"):
        discover_migrations(tmp_path)
    (tmp_path / "3_bad.sql").write_text("")
    with pytest.raises(MigrationError, match="NNNN_description"):
        discover_migrations(tmp_path)


def test_shipped_migrations_are_numbered() -> None:
    assert [m.version for m in discover_migrations(default_migrations_dir())][0] == 1
