"""Two bot "processes" (each its own runtime, database pool and adapter) running one shard each.

They share only the database and the emulator, as two processes do; what one learns about a
person's DMs the other must know. Run on SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.app import Runtime, runtime_from_settings
from bot.core.events import DeliveryStatus, Identity, Outbound
from tests.discord.conftest import MEMBER, made_by, settings_for, text_of
from tests.discord.emulator import DiscordEmulator

OPEN_DMS = "Direct Messages"


@dataclass
class Shard:
    runtime: Runtime
    adapter: DiscordAdapter
    guild_id: int
    channel_id: int


@asynccontextmanager
async def one_process(emu: DiscordEmulator, tmp_path: Path, database_url: str,
                      ids: str) -> AsyncIterator[DiscordAdapter]:
    settings = settings_for(emu, tmp_path).model_copy(update={
        "database_url": database_url, "discord_shard_count": 2, "discord_shard_ids": ids})
    runtime = await runtime_from_settings(settings, answers=False)
    adapter = DiscordAdapter(runtime, settings, guild_ready_timeout=0.05)
    runtime.router.register(adapter.platform, adapter)
    try:
        await adapter.start()
        yield adapter
    finally:
        await adapter.stop()
        await runtime.close()


@pytest.fixture
async def shards(emu: DiscordEmulator, tmp_path: Path, database_url: str
                 ) -> AsyncIterator[list[Shard]]:
    guilds = [emu.add_guild(shard=n, num_shards=2) for n in (0, 1)]
    async with AsyncExitStack() as stack:
        started = []
        for n, (guild_id, channel_id) in enumerate(guilds):
            adapter = await stack.enter_async_context(
                one_process(emu, tmp_path, database_url, str(n)))
            started.append(Shard(adapter.runtime, adapter, guild_id, channel_id))
        for n in (0, 1):
            await emu.wait_ready(10, shard=n)
        yield started
    assert not emu.calls(status=404)


async def help_in(emu: DiscordEmulator, channel_id: int | None, *, hint: bool = False
                  ) -> list[str]:
    """Run /help in a guild channel (or the member's DM) and return the texts it left.

    With `hint`, wait for the note about closed DMs too; else give it time to (not) come.
    """
    slash = await emu.slash("help", user_id=MEMBER, in_guild=channel_id is not None,
                            channel_id=channel_id)

    def texts() -> list[str]:
        return [text_of(m) for m in made_by(emu, slash)]

    await emu.wait_for(lambda: any("/help - this list" in t for t in texts()), 10)
    if hint:
        await emu.wait_for(lambda: OPEN_DMS in texts()[-1], 10)
    else:
        await asyncio.sleep(0.5)
    return texts()


async def test_two_shards_two_sessions_and_commands_synced_once(
    emu: DiscordEmulator, shards: list[Shard]
) -> None:
    assert sorted(s.shard for s in emu.gateway.live()) == [(0, 2), (1, 2)]
    assert len(emu.calls(method="PUT", path_contains="/commands")) == 1
    assert len(emu.calls(method="GET", path_contains="/commands")) == 1
    assert [s.adapter.commands_synced for s in shards] == [True, None]
    for shard in shards:
        assert "/hero" in " ".join(await help_in(emu, shard.channel_id))
    assert "/hero" in " ".join(await help_in(emu, None))


async def test_closed_dms_seen_by_one_process_are_told_once_by_the_other(
    emu: DiscordEmulator, shards: list[Shard]
) -> None:
    zero, one = shards
    emu.block_dms_from(MEMBER)
    to = Identity("discord", str(MEMBER))
    result = await zero.runtime.router.send(Outbound(to=to, text="Time to stand up!"))
    assert result.status is DeliveryStatus.UNREACHABLE

    first = await help_in(emu, one.channel_id, hint=True)  # shard 1: the other process
    assert sum(OPEN_DMS in text for text in first) == 1
    assert not any(OPEN_DMS in text for text in await help_in(emu, zero.channel_id))

    emu.unblock_dms_from(MEMBER)  # they open their DMs and write to the bot (shard 0)
    await emu.dispatch_message("hello again", user_id=MEMBER)
    await emu.wait_for(lambda: len(emu.channel_messages(emu.dm_channel_id(MEMBER))) >= 2, 10)
    assert not await one.runtime.store.private_chats.is_closed("discord", str(MEMBER))
    emu.block_dms_from(MEMBER)
    again = await one.runtime.router.send(Outbound(to=to, text="Time to stand up!"))
    assert again.status is DeliveryStatus.UNREACHABLE
    assert OPEN_DMS in (await help_in(emu, zero.channel_id, hint=True))[-1]


async def test_a_dm_channel_opened_by_one_process_is_reused_by_the_other(
    emu: DiscordEmulator, shards: list[Shard]
) -> None:
    to = Identity("discord", str(MEMBER))
    for shard in shards:
        sent = await shard.runtime.router.send(Outbound(to=to, text=f"from {shard.guild_id}"))
        assert sent.status is DeliveryStatus.SENT
    assert len(emu.calls(method="POST", path_contains="/users/@me/channels")) == 1
    assert len(emu.channel_messages(emu.dm_channel_id(MEMBER))) == 2


async def test_forget_deletes_the_private_chat_row(
    emu: DiscordEmulator, shards: list[Shard]
) -> None:
    zero, _ = shards
    await zero.runtime.router.send(Outbound(to=Identity("discord", str(MEMBER)), text="hi"))
    rows = "SELECT user_id FROM private_chats"
    assert [r[0] for r in await zero.runtime.store.db.fetchall(rows)] == [str(MEMBER)]
    person = await zero.runtime.store.people.find(Identity("discord", str(MEMBER)))
    if person is None:
        person = await zero.runtime.store.people.upsert(
            Identity("discord", str(MEMBER)), zero.runtime.core.clock.now(), None, "m")
    await zero.runtime.store.people.forget(person.id)
    assert await zero.runtime.store.db.fetchall(rows) == []


async def test_an_unreadable_event_on_a_shard_costs_a_reconnect_not_the_process(
    emu: DiscordEmulator, shards: list[Shard]
) -> None:
    zero, one = shards
    before = zero.adapter.client
    channel = emu.dm_channel_id(MEMBER)
    # An author without an id: discord.py's parser raises, and a sharded client closes itself.
    await emu.dispatch("MESSAGE_CREATE", {"id": "1", "channel_id": str(channel), "author": {},
                                          "content": "hello", "attachments": [], "embeds": []})
    await emu.wait_for(lambda: zero.adapter.client is not before, 10)
    await emu.wait_for(lambda: len([s for s in emu.gateway.live() if s.shard == (0, 2)]) == 1, 10)
    await emu.wait_ready(10, shard=0)
    assert "/hero" in " ".join(await help_in(emu, None))
    assert "/hero" in " ".join(await help_in(emu, one.channel_id))
    assert before.is_closed() and not zero.adapter.client.is_closed()
