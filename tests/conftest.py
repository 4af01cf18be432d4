"""Shared fixtures: a real SQLite file, the shipped content, a hand-moved clock."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.memory import MemoryChat
from bot.app import Runtime, build_runtime
from bot.core.context import CoreConfig
from bot.core.ports import ManualClock
from tests.postgres_server import PostgresServer

# The FAQ's sentence vectors are cached between runs under XDG_CACHE_HOME; tests (and the
# bot processes they start) share one throwaway cache instead of the user's own, unless
# HEROCOACH_TEST_CACHE names a folder to keep between runs (a developer's repeated runs).
_CACHE = os.environ.get("HEROCOACH_TEST_CACHE") or tempfile.mkdtemp(prefix="herocoach-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
if "HEROCOACH_TEST_CACHE" not in os.environ:
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _sentence_vectors_cached() -> None:
    """Encode the shipped FAQ once, so bots the tests start in subprocesses begin warm."""
    from bot.core.faq import FaqMatcher, load_examples, load_faq

    entries = load_faq()
    FaqMatcher(entries, load_examples(entries))


START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
COACH = "memory:coach"
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run, started from its binaries."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_test_db(postgres_server: PostgresServer) -> str:
    """The database the contract tests share, emptied before each of them."""
    return postgres_server.new_database("contract")


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend in turn: the contract every backend must keep."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    server = request.getfixturevalue("postgres_server")
    return await server.reset(request.getfixturevalue("postgres_test_db"))


@dataclass
class World:
    """A running core with one in-memory platform and a clock tests move by hand."""

    runtime: Runtime
    chat: MemoryChat
    clock: ManualClock
    database_url: str

    async def rows(self, sql: str, *params: object) -> list[tuple]:
        """Run a query (with `?` placeholders) on whichever backend this world uses."""
        return [tuple(row) for row in await self.runtime.store.db.fetchall(sql, params)]


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    clock = ManualClock(START)
    runtime = await build_runtime(
        database_url=database_url,
        config=CoreConfig(coach_ids=frozenset({COACH}), default_timezone="Europe/Berlin"),
        clock=clock,
    )
    chat = MemoryChat(runtime.core)
    runtime.router.register("memory", chat)
    yield World(runtime, chat, clock, database_url)
    await runtime.close()
