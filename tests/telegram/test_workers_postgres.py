"""Two `python -m bot worker` processes on one PostgreSQL, each sending through its own emulator token.

Several hundred people fall due at once. With both alive every nudge goes out exactly once;
after one is killed with SIGKILL mid-sweep there are still no duplicates, at most its batch
in flight is lost, and the survivor sends everything that falls due afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.core.breaks.nudges import BATCH
from bot.core.events import Identity
from bot.core.models import Schedule
from bot.storage.store import Store
from tests.postgres_server import PostgresServer
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.test_adapter_process import SETTINGS_PREFIXES

PEOPLE = 300
FIRST_ID = 50_000
TOKENS = ("111:worker-one-token", "222:worker-two-token")
ROOT = Path(__file__).resolve().parents[2]


def zone_at_midday() -> str:
    """A fixed-offset zone where it is around noon now, so quiet hours never get in the way."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


async def seed(url: str) -> None:
    store = await Store.open(url)
    now, zone = datetime.now(UTC), zone_at_midday()
    try:
        for n in range(PEOPLE):
            uid = str(FIRST_ID + n)
            person = await store.people.upsert(Identity("telegram", uid), now, uid, f"p{n}")
            await store.schedules.save(Schedule(
                0, person.id, "breaks", time(0), frozenset(range(7)), zone, every_minutes=30,
                end=time(23, 59)), now)
    finally:
        await store.close()


async def fall_due(url: str) -> datetime:
    """Make every schedule due now (a new slot each time, so UNIQUE never hides a resend)."""
    store = await Store.open(url)
    when = datetime.now(UTC) - timedelta(seconds=1)
    try:
        async with store.db.transaction() as tx:
            await tx.execute("UPDATE schedules SET next_due_at = ?, ignored_streak = 0",
                             (store.db.time(when),))
    finally:
        await store.close()
    return when


async def in_flight(url: str, due: datetime) -> int:
    store = await Store.open(url)
    try:
        row = await store.db.fetchone(
            "SELECT COUNT(*) FROM nudges WHERE status = 'claimed' AND due_at = ?", (due,))
        return int(row[0])
    finally:
        await store.close()


def sends(emulator: TelegramEmulator, since: int) -> list[int]:
    return [c.params["chat_id"] for c in emulator.calls[since:] if c.method == "sendMessage"]


async def start_worker(emulator: TelegramEmulator, token: str, url: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)} | {
        "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": url, "SWEEP_SECONDS": "1", "LOG_LEVEL": "WARNING"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def until(condition: object, within: float) -> None:
    async with asyncio.timeout(within):
        while not condition():  # type: ignore[operator]  # noqa: ASYNC110 - two emulators at once
            await asyncio.sleep(0.1)


async def settle(got: object, quiet: float = 3.0) -> None:
    """Wait until no new message has arrived for `quiet` seconds (the survivor sweeps every second)."""
    seen, still = -1, 0.0
    while still < quiet:
        now = len(got())  # type: ignore[operator]
        still = still + 0.2 if now == seen else 0.0
        seen = now
        await asyncio.sleep(0.2)


async def test_two_workers_then_one_killed_mid_sweep(postgres_server: PostgresServer) -> None:
    url = postgres_server.new_database("workers")
    await seed(url)
    async with TelegramEmulator(TOKENS[0]) as one, TelegramEmulator(TOKENS[1]) as two:
        emulators = (one, two)
        for emulator in emulators:
            for n in range(PEOPLE):
                emulator.add_chat({"id": FIRST_ID + n, "type": "private", "first_name": f"p{n}"})
        workers = [await start_worker(e, t, url) for e, t in zip(emulators, TOKENS, strict=True)]
        try:
            await until(lambda: all(e.calls_to("setMyCommands") for e in emulators), 60)

            # Both alive: every nudge exactly once, shared between the two.
            marks = [len(e.calls) for e in emulators]
            await fall_due(url)
            got = lambda: [s for e, m in zip(emulators, marks, strict=True) for s in sends(e, m)]  # noqa: E731
            await until(lambda: len(got()) >= PEOPLE, 60)
            await asyncio.sleep(2)
            both = Counter(got())
            assert len(both) == PEOPLE and max(both.values()) == 1
            shares = [len(sends(e, m)) for e, m in zip(emulators, marks, strict=True)]

            # SIGKILL worker one while it is sending.
            marks = [len(e.calls) for e in emulators]
            due = await fall_due(url)
            await until(lambda: len(sends(one, marks[0])) >= 20, 60)
            workers[0].send_signal(signal.SIGKILL)
            await workers[0].wait()
            sent_by_one = len(sends(one, marks[0]))
            await settle(got)
            # The survivor has recorded its outcomes: what is still `claimed` was the dead one's.
            stuck = await in_flight(url, due)
            after_kill = Counter(got())
            duplicates = sum(count - 1 for count in after_kill.values())
            lost = PEOPLE - len(after_kill)
            print(f"\nboth alive: {PEOPLE} due, sent by each {shares}, duplicates 0, lost 0"
                  f"\nkilled mid-sweep: worker one sent {sent_by_one} before SIGKILL; claims left in"
                  f" flight {stuck}; duplicates {duplicates}; lost {lost}")
            assert duplicates == 0
            assert lost <= stuck <= BATCH

            # The survivor sends everything that falls due afterwards.
            marks = [len(e.calls) for e in emulators]
            await fall_due(url)
            await until(lambda: len(sends(two, marks[1])) >= PEOPLE, 60)
            await asyncio.sleep(2)
            survivor = Counter(sends(two, marks[1]))
            assert len(survivor) == PEOPLE and max(survivor.values()) == 1
        finally:
            for worker in workers:
                if worker.returncode is None:
                    worker.send_signal(signal.SIGTERM)
            logs = [(await asyncio.wait_for(w.communicate(), 20))[1].decode() for w in workers]
        assert workers[1].returncode == 0, logs[1]
        assert "Traceback" not in logs[1], logs[1]
