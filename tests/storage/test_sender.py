"""One process at a time holds the nudge-sending lock, and another takes it when the holder goes."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from bot.storage.sender import FileSenderLock, PostgresSenderLock, sender_lock_for
from tests.postgres_server import PostgresServer


async def test_sqlite_file_lock_is_held_by_one_and_passes_on_release(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    first, second = sender_lock_for(url), sender_lock_for(url)
    assert isinstance(first, FileSenderLock)
    assert await first.held()
    assert not await second.held()
    assert await first.held()  # asking again keeps it
    await first.release()
    assert await second.held()
    assert not await first.held()
    await second.release()


async def test_postgres_lock_passes_over_when_the_holders_connection_dies(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.new_database("sender_lock")
    first, second = sender_lock_for(url), sender_lock_for(url)
    assert isinstance(first, PostgresSenderLock)
    try:
        assert await first.held()
        assert not await second.held()
        # The holder's backend goes away, as it does when its process is killed.
        admin = await asyncpg.connect(url)
        try:
            await admin.fetchval(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name LIKE 'herocoach %' AND pid IN"
                " (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)")
        finally:
            await admin.close()
        assert await second.held()
        # The old holder notices on its next check, and does not think it still sends.
        assert not await first.held()
        assert not await first.held()
    finally:
        await first.release()
        await second.release()


async def test_postgres_lock_release_lets_another_take_it_at_once(postgres_server: PostgresServer) -> None:
    url = postgres_server.new_database("sender_release")
    first, second = sender_lock_for(url), sender_lock_for(url)
    try:
        assert await first.held()
        await first.release()
        assert await second.held()
    finally:
        await first.release()
        await second.release()


async def test_an_unreachable_server_means_not_holding() -> None:
    lock = PostgresSenderLock("postgresql://nobody@127.0.0.1:1/none")
    assert not await lock.held()
