"""Shared fixtures: a real SQLite file, the shipped content, a hand-moved clock."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.memory import MemoryChat
from bot.app import Runtime, build_runtime
from bot.core.context import CoreConfig
from bot.core.ports import ManualClock

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


@dataclass
class World:
    """A running core with one in-memory platform and a clock tests move by hand."""

    runtime: Runtime
    chat: MemoryChat
    clock: ManualClock
    db_path: Path


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = ManualClock(START)
    db_path = tmp_path / "bot.db"
    runtime = await build_runtime(
        database_url=f"sqlite:///{db_path}",
        config=CoreConfig(coach_ids=frozenset({COACH}), default_timezone="Europe/Berlin"),
        clock=clock,
    )
    chat = MemoryChat(runtime.coach)
    runtime.router.register("memory", chat)
    yield World(runtime, chat, clock, db_path)
    await runtime.close()
