"""Two bot processes in webhook mode on one PostgreSQL and one token: nudges stay within Telegram's limit.

The emulator refuses message calls beyond 30 a second for the token, summed over both
processes, which sit behind a round-robin proxy. Only the process holding the nudge-sending
lock sends the sweep, at the pace the limiter keeps; when it is killed, the other takes the
lock within one sweep interval and sends the rest, with no nudge sent twice, and still answers
the people writing in.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import asyncpg

from bot.core.breaks.nudges import BATCH
from bot.core.events import Identity
from bot.core.models import Schedule
from bot.storage.sender import SENDER_LOCK
from bot.storage.store import Store
from tests.postgres_server import PostgresServer
from tests.telegram import updates
from tests.telegram.balancer import RoundRobin
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, PUBLIC, SECRET, WEBHOOK_URL
from tests.telegram.test_adapter_process import SETTINGS_PREFIXES

PEOPLE = 2_000
SECOND_WAVE = 600
FIRST_ID = 50_000
TOKEN = "111:one-token-two-processes"
CAP = 30.0
SWEEP_SECONDS = 3.0
ROOT = Path(__file__).resolve().parents[2]


def zone_at_midday() -> str:
    """A fixed-offset zone where it is around noon now, so quiet hours never get in the way."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


async def seed(url: str) -> None:
    """Everyone on breaks every 8 hours, so no new slot falls due while a sweep is being sent."""
    store = await Store.open(url)
    now, zone = datetime.now(UTC), zone_at_midday()
    try:
        for n in range(PEOPLE):
            uid = str(FIRST_ID + n)
            person = await store.people.upsert(Identity("telegram", uid), now, uid, f"p{n}")
            await store.schedules.save(Schedule(
                0, person.id, "breaks", clock_time(0), frozenset(range(7)), zone, every_minutes=480,
                end=clock_time(23, 59)), now)
    finally:
        await store.close()


async def fall_due(url: str, people: int) -> datetime:
    """Make `people` schedules due now (a new slot each time, so UNIQUE never hides a resend)."""
    store = await Store.open(url)
    when = datetime.now(UTC) - timedelta(seconds=1)
    try:
        async with store.db.transaction() as tx:
            await tx.execute(
                "UPDATE schedules SET next_due_at = ?, ignored_streak = 0 WHERE id IN"
                " (SELECT id FROM schedules ORDER BY id LIMIT ?)", (store.db.time(when), people))
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


async def sender_pid(url: str) -> int | None:
    """Return the pid of the process holding the nudge-sending lock, from its application_name."""
    conn = await asyncpg.connect(url)
    try:
        name = await conn.fetchval(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted"
            " AND ((l.classid::bigint << 32) | l.objid::bigint) = $1", SENDER_LOCK)
    finally:
        await conn.close()
    found = re.search(r":(\d+)$", name or "")
    return int(found.group(1)) if found else None


def sends(emulator: TelegramEmulator, since: int) -> list[int]:
    return [c.params["chat_id"] for c in emulator.calls[since:] if c.method == "sendMessage"]


async def start_bot(emulator: TelegramEmulator, url: str, port: int) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)} | {
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": url, "SWEEP_SECONDS": str(SWEEP_SECONDS), "LOG_LEVEL": "INFO",
        "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL, "TELEGRAM_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def until(condition: object, within: float) -> None:
    async with asyncio.timeout(within):
        while not condition():  # type: ignore[operator]  # noqa: ASYNC110 - another process sends
            await asyncio.sleep(0.05)


async def settle(got: object, quiet: float = 2 * SWEEP_SECONDS) -> None:
    """Wait until no new message has arrived for `quiet` seconds."""
    seen, still = -1, 0.0
    while still < quiet:
        now = len(got())  # type: ignore[operator]
        still = still + 0.2 if now == seen else 0.0
        seen = now
        await asyncio.sleep(0.2)


async def test_two_processes_send_within_the_token_limit_and_hand_over(
    postgres_server: PostgresServer, proxy: tuple[RoundRobin, int, list[int]],
) -> None:
    balancer, proxy_port, ports = proxy
    url = postgres_server.new_database("sender")
    await seed(url)
    async with TelegramEmulator(TOKEN) as emulator:
        emulator.webhook.route(PUBLIC, f"http://127.0.0.1:{proxy_port}")
        for n in range(PEOPLE):
            emulator.add_chat({"id": FIRST_ID + n, "type": "private", "first_name": f"p{n}"})
        cap = emulator.cap_rate(CAP)
        bots = {}
        for port in ports:
            process = await start_bot(emulator, url, port)
            bots[process.pid] = process
        try:
            await until(lambda: len(emulator.calls_to("setWebhook")) >= 2, 90)

            # 2,000 due at once, one token, two processes.
            mark = len(emulator.calls)
            await fall_due(url, PEOPLE)
            got = lambda: sends(emulator, mark)  # noqa: E731
            await until(lambda: len(set(got())) >= PEOPLE, 240)
            await settle(got)
            first = Counter(got())
            times = cap.admitted[-len(got()):]
            rate = (len(times) - 1) / (times[-1] - times[0])
            warm = [t for t in times if t > times[0] + 2]
            print(f"\n{PEOPLE} due at once, two processes, one token capped at {CAP:.0f}/s:"
                  f" sent {sum(first.values())}, duplicates {sum(first.values()) - len(first)},"
                  f" refused {cap.rejected}, {rate:.1f}/s ({rate / CAP:.0%} of the cap)"
                  f" over {times[-1] - times[0]:.1f}s")
            assert len(first) == PEOPLE and max(first.values()) == 1
            assert cap.rejected == 0, f"{cap.rejected} refused; {len(warm)} sent once warm"
            assert rate >= 0.9 * CAP

            # Kill the sending process mid-sweep; the other takes the lock over and sends the rest.
            leader = await sender_pid(url)
            assert leader in bots, (leader, list(bots))
            mark = len(emulator.calls)
            due = await fall_due(url, SECOND_WAVE)
            await until(lambda: len(got()) >= 50, 60)
            bots[leader].send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            await bots[leader].wait()
            sent_before = len(got())
            survivor = next(pid for pid in bots if pid != leader)
            while await sender_pid(url) != survivor:
                assert time.monotonic() - killed_at < 5 * SWEEP_SECONDS, "no takeover"
                await asyncio.sleep(0.05)
            took_over = time.monotonic() - killed_at
            await until(lambda: len(got()) > sent_before, 10 * SWEEP_SECONDS)
            first_send = time.monotonic() - killed_at
            await settle(got)
            second = Counter(got())
            stuck = await in_flight(url, due)
            duplicates = sum(count - 1 for count in second.values())
            print(f"killed the sender after {sent_before} of {SECOND_WAVE}: the other took the lock"
                  f" {took_over:.1f}s later (sweep interval {SWEEP_SECONDS:.0f}s), sent again"
                  f" {first_send:.1f}s after the kill; duplicates {duplicates};"
                  f" lost with the dead one's batch {SECOND_WAVE - len(second)} (claims left {stuck});"
                  f" refused {cap.rejected}")
            # Someone writes in after the kill: the proxy's turn may fall on the dead process
            # (502), Telegram retries, and the survivor answers.
            mark = len(emulator.calls)
            emulator.inject(updates.command(ALICE, "/help"))
            await emulator.wait_for("sendMessage", lambda p: p["chat_id"] == ALICE.id, since=mark,
                                    timeout=60)
            assert duplicates == 0
            assert took_over <= SWEEP_SECONDS + 1.5
            assert SECOND_WAVE - len(second) <= stuck <= BATCH
            assert cap.rejected == 0
        finally:
            for process in bots.values():
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            logs = {pid: (await asyncio.wait_for(p.communicate(), 20))[1].decode()
                    for pid, p in bots.items()}
        survivor_log = logs[survivor]
        assert bots[survivor].returncode == 0, survivor_log
        assert "Traceback" not in survivor_log, survivor_log
        assert sum("now sends the scheduled nudges" in log for log in logs.values()) == 2
