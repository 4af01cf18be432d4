"""`python -m bot` as a subprocess against a Telegram emulator that can misbehave on purpose."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.app import build_runtime
from bot.core.context import CoreConfig
from bot.core.events import Command, Identity, Origin
from bot.storage.db import to_db
from tests.telegram.emulator import ApiError, TelegramEmulator
from tests.telegram.harness import TOKEN
from tests.telegram.updates import JSON, User

SETTINGS_PREFIXES = ("TELEGRAM_", "DISCORD_", "COACH_", "DATABASE_", "LOG_", "CONTENT_", "DEFAULT_")
ROOT = Path(__file__).resolve().parents[2]
# A person for each chat the scenarios use; ids far from the other tests' users.
FIRST_ID = 500_000


def person(n: int) -> User:
    """Return the n-th member of the crowd the scenarios talk for."""
    return User(FIRST_ID + n, f"Member{n}")


class FaultyTelegram(TelegramEmulator):
    """The Telegram emulator plus faults: 429 storms, latency, going down, and early-send checks.

    After a 429 with `retry_after`, Telegram expects nothing more in that chat until the time
    has passed; every call that comes sooner is recorded in `early`.
    """

    def __init__(self, token: str = TOKEN, *, seed: int = 16) -> None:
        super().__init__(token)
        self.rng = random.Random(seed)
        self.storm_share = 0.0
        self.storm_wait = (1, 3)
        self.latency = 0.0
        self.not_before: dict[object, float] = {}
        self.early: list[tuple[object, float]] = []
        self.refused = 0
        self.fetched: dict[int, float] = {}  # update id -> when getUpdates first returned it
        self.broken_polls = 0  # answer this many getUpdates with a 500 or malformed JSON

    def know(self, people: int) -> None:
        """Make the first `people` members' private chats known, as if each had started the bot."""
        for n in range(people):
            self.add_chat(person(n).private_chat)

    async def outage(self, seconds: float) -> None:
        """Stop listening for `seconds` (connections refused), then listen on the same port again."""
        assert self._runner is not None
        port = self.port
        await self._runner.cleanup()
        await asyncio.sleep(seconds)
        self._runner = web.AppRunner(self._runner.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        if method == "getupdates" and self.broken_polls > 0:
            self.broken_polls -= 1
            if self.broken_polls % 2:
                return web.Response(status=500, text="Internal Server Error")
            return web.Response(text='{"ok": true, "result": [', content_type="application/json")
        if method == "sendmessage" and request.match_info["token"] == self.token:
            if self.latency:
                await asyncio.sleep(self.latency)
            chat = (await request.post()).get("chat_id")
            now = time.monotonic()
            if now < self.not_before.get(chat, 0.0):
                self.early.append((chat, self.not_before[chat] - now))
            if self.storm_share and self.rng.random() < self.storm_share:
                wait = self.rng.randint(*self.storm_wait)
                self.not_before[chat] = now + wait
                self.refused += 1
                return self._error(ApiError(429, f"Too Many Requests: retry after {wait}", wait))
        return await super()._handle(request)

    async def _get_updates(self, params: JSON) -> list[JSON]:
        batch = await super()._get_updates(params)
        now = time.monotonic()
        for update in batch:
            self.fetched.setdefault(update["update_id"], now)
        return batch

    def answered(self) -> Counter[int]:
        """Return how many messages the bot sent to each chat (successful sends only)."""
        return Counter(
            chat for (chat, _), message in self._messages.items()
            if message.get("from", {}).get("id") == self.bot.id
        )


@dataclass
class BotProcess:
    """One `python -m bot` run: its exit code, how long it took to stop, and its log."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None
    stopped_in: float | None = None

    @property
    def log(self) -> str:
        """Return everything the bot wrote to stderr so far."""
        return "".join(self.lines)

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            self.lines.append(line.decode(errors="replace"))

    async def signal(self, signum: int, *, within: float = 15.0) -> int:
        """Send `signum` and wait (up to `within` s) for the exit; return the exit code."""
        started = time.monotonic()
        self.process.send_signal(signum)
        code = await self.wait(within)
        self.stopped_in = time.monotonic() - started
        return code

    async def wait(self, within: float) -> int:
        """Wait for the process to end on its own; kill it when `within` s pass first."""
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot did not exit within {within}s:\n{self.log[-3000:]}") from None
        if self.reader is not None:
            await self.reader
        return code

    async def kill(self) -> None:
        """SIGKILL, as a process manager does after its stop timeout."""
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self.reader is not None:
            await self.reader


def bot_env(emulator: TelegramEmulator, db: Path, **extra: str) -> dict[str, str]:
    """Return a clean environment that points the bot at the emulator and the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    return env | {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEFAULT_TIMEZONE": "UTC",
        "LOG_LEVEL": "INFO",
        **extra,
    }


async def start_bot(emulator: TelegramEmulator, db: Path, **extra: str) -> BotProcess:
    """Start `python -m bot` and return once it is polling."""
    polls = len(emulator.calls_to("getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=db.parent, env=bot_env(emulator, db, **extra),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    bot = BotProcess(process)
    bot.reader = asyncio.create_task(bot._read())
    deadline = time.monotonic() + 30
    while len(emulator.calls_to("getUpdates")) <= polls:
        if process.returncode is not None or time.monotonic() > deadline:
            await bot.kill()
            raise AssertionError(f"the bot never polled:\n{bot.log[-3000:]}")
        await asyncio.sleep(0.05)
    return bot


async def seed_due_nudges(db: Path, people: int, *, due_ago: timedelta = timedelta(seconds=30)) -> None:
    """Give `people` Telegram members break nudges, each with one falling due right now."""
    runtime = await build_runtime(database_url=f"sqlite:///{db}",
                                  config=CoreConfig(default_timezone="UTC"))
    try:
        for n in range(people):
            uid = str(person(n).id)
            origin = Origin(Identity("telegram", uid), chat_id=uid, display_name=f"Member{n}")
            await runtime.core.handle(Command(origin, "breaks", "every 30m 00:00-23:59 mon-sun"))
    finally:
        await runtime.close()
    due = to_db(datetime.now(UTC) - due_ago)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE schedules SET next_due_at = ?", (due,))


def nudge_statuses(db: Path) -> Counter[str]:
    """Return how many nudges the database holds in each status."""
    with sqlite3.connect(db) as con:
        return Counter(row[0] for row in con.execute("SELECT status FROM nudges"))


async def until(check: object, within: float, what: str) -> None:
    """Wait until `check()` is true, polling; fail with `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what}")
        await asyncio.sleep(0.05)


def inject_many(emulator: TelegramEmulator, updates: list[JSON]) -> list[int]:
    """Queue updates and return their update ids."""
    return [emulator.inject(update)["update_id"] for update in updates]


SIGTERM, SIGKILL = signal.SIGTERM, signal.SIGKILL
