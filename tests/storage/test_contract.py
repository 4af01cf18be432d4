"""The storage contract, run against SQLite and a real PostgreSQL: migrations, claims, URLs."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pytest

from bot.core.breaks import planner
from bot.core.events import Identity
from bot.core.models import Schedule
from bot.storage.migrations import discover_migrations
from bot.storage.store import Store
from bot.storage.urls import POSTGRESQL, SQLITE, DatabaseUrl, parse_database_url

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PLAN = partial(planner.plan, movement_ids=("march",))


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", ":memory:", "sqlite:///:memory:", "",
                                 "mysql://u@h/db", "postgresql://host-only"])
def test_unusable_urls_are_refused_in_one_line(url: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL") as refused:
        parse_database_url(url)
    assert "\n" not in str(refused.value) and "sqlite:///herocoach.db" in str(refused.value)


def test_usable_urls_pick_their_backend() -> None:
    assert parse_database_url("sqlite:///data/bot.db") == DatabaseUrl(SQLITE, "data/bot.db")
    assert parse_database_url("bot.db").backend == SQLITE
    assert parse_database_url("postgresql://u:p@db:5432/hero").backend == POSTGRESQL


async def _people_with_breaks(store: Store, count: int, due: datetime) -> None:
    for n in range(count):
        person = await store.people.upsert(Identity("telegram", str(n)), NOW, str(n), f"p{n}")
        schedule = Schedule(0, person.id, "breaks", time(9), frozenset(range(7)), "UTC",
                            every_minutes=30, end=time(17), next_due_at=due)
        await store.schedules.save(schedule, NOW)


async def test_fresh_database_is_at_the_latest_version(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        latest = len(discover_migrations())
        if store.db.dialect == "sqlite":
            row = await store.db.fetchone("PRAGMA user_version")
        else:
            row = await store.db.fetchone("SELECT MAX(version) FROM schema_migrations")
        assert row[0] == latest >= 2
    finally:
        await store.close()


async def test_upgrade_from_version_1_keeps_data(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        import aiosqlite

        from bot.storage.db import migrate as migrate_to
        async with aiosqlite.connect(parse_database_url(database_url).target, isolation_level=None) as db:
            await migrate_to(db, target=1)
            await db.execute("INSERT INTO people (platform, user_id, created_at) VALUES"
                             " ('telegram', '42', '2025-01-01T00:00:00.000000Z')")
    else:
        import asyncpg

        from bot.storage.postgres import migrate as migrate_to
        conn = await asyncpg.connect(database_url)
        try:
            await migrate_to(conn, target=1)
            await conn.execute("INSERT INTO people (platform, user_id, created_at) VALUES"
                               " ('telegram', '42', '2025-01-01T00:00:00Z')")
        finally:
            await conn.close()
    store = await Store.open(database_url)
    try:
        person = await store.people.find(Identity("telegram", "42"))
        assert person is not None and person.created_at == datetime(2025, 1, 1, tzinfo=UTC)
        assert person.asked_timezone is False and person.unreachable_at is None
        await _people_with_breaks(store, 1, NOW)  # 0002's tables work on the upgraded database
    finally:
        await store.close()


async def test_batches_are_bounded_and_two_stores_never_claim_a_slot_twice(database_url: str) -> None:
    first, second = await Store.open(database_url), await Store.open(database_url)
    try:
        await _people_with_breaks(first, 450, NOW)
        batches = await asyncio.gather(*(store.schedules.claim_batch(NOW, PLAN, 200)
                                         for store in (first, second, first, second)))
        assert all(len(claims) <= 200 for claims, _ in batches)
        ids = [c.schedule_id for claims, _ in batches for c in claims]
        assert len(ids) == len(set(ids)) == 450
        rows = await first.db.fetchall("SELECT COUNT(*) FROM nudges")
        assert rows[0][0] == 450
        assert (await first.schedules.claim_batch(NOW, PLAN, 200))[0] == []
    finally:
        await first.close()
        await second.close()


async def test_stale_claims_are_marked_lost_and_counted(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        await _people_with_breaks(store, 3, NOW)
        claims, _ = await store.schedules.claim_batch(NOW, PLAN, 200)
        await store.schedules.record_outcomes([("sent", claims[0].nudge_id)])
        assert await store.schedules.mark_lost(NOW) == 0  # claimed at NOW: still in flight
        assert await store.schedules.mark_lost(NOW + timedelta(minutes=11)) == 2
        counts = await store.schedules.counts()
        assert counts["lost"] == 2 and counts["sent"] == 1
        assert (await store.schedules.claim_batch(NOW + timedelta(minutes=11), PLAN, 200))[0] == []
    finally:
        await store.close()


async def test_timers_are_claimed_once_across_stores(database_url: str) -> None:
    first, second = await Store.open(database_url), await Store.open(database_url)
    try:
        person = await first.people.upsert(Identity("telegram", "1"), NOW, "1", "Ann")
        for n in range(300):
            await first.timers.add(person.id, "hold", n, NOW)
        got = await asyncio.gather(*(s.timers.claim_due(NOW, 200) for s in (first, second, first)))
        refs = [t.ref for batch in got for t in batch]
        assert all(len(batch) <= 200 for batch in got)
        assert sorted(refs) == list(range(300))
    finally:
        await first.close()
        await second.close()


async def test_a_session_step_is_saved_only_from_the_step_it_was_read_at(database_url: str) -> None:
    store = await Store.open(database_url)
    try:
        person = await store.people.upsert(Identity("telegram", "1"), NOW, "1", "Ann")
        started = await store.hero.start_session(person.id, "props", "high", NOW)
        one, two = await store.hero.session(started.id), await store.hero.session(started.id)
        one.step, two.step = "setup", "setup"
        assert await store.hero.save_session(one) is True
        assert await store.hero.save_session(two) is False
        one.step, one.round = "ease", 1
        assert await store.hero.save_session(one) is True  # the winner carries on
    finally:
        await store.close()


OPEN_AND_CLOSE = """
import asyncio, sys
from bot.storage.store import Store
async def main():
    store = await Store.open(sys.argv[1])
    await store.close()
asyncio.run(main())
"""


async def test_processes_opening_a_new_database_at_once_all_start(database_url: str) -> None:
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-c", OPEN_AND_CLOSE, database_url, cwd=ROOT, stderr=asyncio.subprocess.PIPE)
        for _ in range(4)]
    errors = [(await asyncio.wait_for(proc.communicate(), 120))[1].decode() for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, errors
    store = await Store.open(database_url)
    try:  # the schema was built once, to the latest version
        latest = len(discover_migrations())
        if store.db.dialect == "sqlite":
            assert (await store.db.fetchone("PRAGMA user_version"))[0] == latest
        else:
            versions = await store.db.fetchall("SELECT version FROM schema_migrations ORDER BY version")
            assert [row[0] for row in versions] == list(range(1, latest + 1))
        assert (await store.db.fetchone("SELECT COUNT(*) FROM people"))[0] == 0
    finally:
        await store.close()


async def test_a_migration_without_a_postgresql_twin_runs_its_shared_file(
        tmp_path: Path, postgres_server: object, postgres_test_db: str) -> None:
    import asyncpg

    from bot.storage.postgres import migrate as migrate_pg
    url = await postgres_server.reset(postgres_test_db)  # type: ignore[attr-defined]
    (tmp_path / "postgresql").mkdir()
    (tmp_path / "0001_first.sql").write_text("CREATE TABLE a (at TEXT);")
    (tmp_path / "postgresql" / "0001_first.sql").write_text("CREATE TABLE a (at timestamptz);")
    (tmp_path / "0002_portable.sql").write_text("ALTER TABLE a ADD COLUMN note TEXT;")
    assert [m.path.parent.name for m in discover_migrations(tmp_path, "postgresql")] == [
        "postgresql", tmp_path.name]
    conn = await asyncpg.connect(url)
    try:
        assert await migrate_pg(conn, tmp_path) == 2
        types = dict(await conn.fetch(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'a'"))
        assert types == {"at": "timestamp with time zone", "note": "text"}
    finally:
        await conn.close()
