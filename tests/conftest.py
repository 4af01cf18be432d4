"""Shared fixtures: a real SQLite file, the shipped content, a hand-moved clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.memory import MemoryChat
from bot.app import Runtime, build_runtime
from bot.core.context import CoreConfig
from bot.core.ports import ManualClock

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
