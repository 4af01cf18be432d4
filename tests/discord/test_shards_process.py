"""Two `python -m bot` processes, one Discord shard each, on one PostgreSQL, against the emulator.

What a coach running a large server does: DISCORD_SHARD_COUNT=2 everywhere, DISCORD_SHARD_IDS=0
on one process and =1 on the other. The second starts later (a rolling start), which also shows
that what the first learned about a person's DMs is in the database, not in its memory.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime, time
from pathlib import Path

from bot.core.breaks.states import ScheduleKind
from bot.core.events import Identity
from bot.core.models import Schedule
from bot.storage.store import Store
from tests.discord.conftest import MEMBER, button, made_by, text_of
from tests.discord.emulator import DiscordEmulator
from tests.discord.test_adapter_process import ROOT, bot_env
from tests.postgres_server import PostgresServer

BLOCKED = 6161
STARTUP = 90  # two processes loading the FAQ model on a busy machine


class BotProcess:
    """One `python -m bot` with its stderr read as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], cwd: Path) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=cwd, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode())

    @property
    def log(self) -> str:
        return "".join(self.lines)

    async def wait_for_log(self, marker: str, timeout: float) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while marker not in self.log:
                assert self.process.returncode is None, f"the bot exited: {self.log}"
                await asyncio.sleep(0.05)

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            code = await self.process.wait()
        await self._reader
        return code


async def seed_a_due_reminder(url: str, user_id: int) -> None:
    """A person whose daily reminder is due now: the first process to sweep DMs them."""
    store = await Store.open(url)
    try:
        now = datetime.now(UTC)
        person = await store.people.upsert(Identity("discord", str(user_id)), now, None, "Bea")
        await store.schedules.save(Schedule(0, person.id, ScheduleKind.REMINDER, time(9),
                                            frozenset(range(7)), "UTC", next_due_at=now), now)
    finally:
        await store.close()


async def dms_closed(url: str, user_id: int) -> bool:
    store = await Store.open(url)
    try:
        return await store.private_chats.is_closed("discord", str(user_id))
    finally:
        await store.close()


async def slash_answered(emu: DiscordEmulator, name: str, *, channel_id: int | None,
                         user_id: int = MEMBER, until: str = "") -> list[str]:
    payload = await emu.slash(name, user_id=user_id, in_guild=channel_id is not None,
                              channel_id=channel_id)

    def texts() -> list[str]:
        return [text_of(m) for m in made_by(emu, payload)]

    await emu.wait_for(lambda: any(until in t for t in texts()), 20)
    return texts()


async def test_two_processes_one_shard_each(
    emu: DiscordEmulator, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url = postgres_server.new_database("shards")
    (_, channel0), (_, channel1) = (emu.add_guild(shard=n, num_shards=2) for n in (0, 1))
    emu.block_dms_from(BLOCKED)
    await seed_a_due_reminder(url, BLOCKED)

    def env(ids: str) -> dict[str, str]:
        return {**bot_env(emu, tmp_path, emu.token), "DATABASE_URL": url, "SWEEP_SECONDS": "1",
                "DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": ids, "PYTHONPATH": str(ROOT)}

    first = await BotProcess.start(env("0"), tmp_path)
    second: BotProcess | None = None
    try:
        await first.wait_for_log("discord connected", STARTUP)
        # The first process's sweep DMs the blocked person: 403 (50007) is stored as closed DMs.
        await emu.wait_for(lambda: emu.calls(method="POST", status=403), 20)
        assert await dms_closed(url, BLOCKED)

        second = await BotProcess.start(env("1"), tmp_path)
        await second.wait_for_log("discord connected", STARTUP)
        await emu.wait_ready(20, shard=1)
        assert sorted(s.shard for s in emu.gateway.live()) == [(0, 2), (1, 2)]
        assert len(emu.calls(method="PUT", path_contains="/commands")) == 1
        assert len(emu.calls(method="GET", path_contains="/commands")) == 1
        assert "left to the process that runs shard 0" in second.log

        # A slash command on each shard, in a server channel and in a DM (shard 0).
        for channel in (channel0, channel1, None):
            assert "/hero" in " ".join(await slash_answered(emu, "help", channel_id=channel,
                                                            until="/help - this list"))
        # A /hero session on shard 1: the button press arrives on shard 1 too.
        hero = await emu.slash("hero", user_id=MEMBER, channel_id=channel1)
        check = (await emu.wait_for(lambda: [m for m in made_by(emu, hero)
                                             if "All clear" in str(m.get("components"))], 20))[-1]
        click = await emu.click(button(check, "All clear"), message_id=check["id"],
                                user_id=MEMBER)
        await emu.wait_for(lambda: "What will you sit on" in text_of(emu.find_message(check["id"])
                                                                     or {"content": ""}), 20)
        assert emu.interaction_response(click["id"])["type"] == 7
        # A DM (Discord sends DMs to shard 0).
        dm = emu.dm_channel_id(MEMBER)
        before = len(emu.channel_messages(dm))
        await emu.dispatch_message("/help", user_id=MEMBER)
        reply = await emu.wait_for(lambda: [m for m in emu.channel_messages(dm)[before:]
                                            if m["author"]["id"] == str(emu.app_id)], 20)
        assert "/hero" in text_of(reply[0])

        # The second process never saw the failed DM, yet tells the person, once.
        told = await slash_answered(emu, "help", channel_id=channel1, user_id=BLOCKED,
                                    until="Direct Messages")
        assert sum("Direct Messages" in t for t in told) == 1
        again = await slash_answered(emu, "help", channel_id=channel0, user_id=BLOCKED,
                                     until="/help - this list")
        await asyncio.sleep(0.5)
        assert not any("Direct Messages" in t for t in again)
    finally:
        codes = [await p.stop() for p in (second, first) if p is not None]
    for process in (first, second):
        assert process is not None
        assert "Traceback" not in process.log, process.log
        assert emu.token not in process.log
    assert codes == [0, 0]
    assert not emu.calls(status=404)
