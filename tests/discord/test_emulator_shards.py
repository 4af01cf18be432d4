"""The emulator's gateway shards as Discord's does, proven with discord.py's AutoShardedClient."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from tests.discord.emulator import DiscordEmulator
from tests.discord.gateway import INVALID_SHARD, guild_id_on, shard_of

USER_ID = 4242


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        yield emulator


class ShardedBot(discord.AutoShardedClient):
    def __init__(self, **options: object) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05,
                         **options)  # type: ignore[arg-type]
        self.seen: list[tuple[int | None, str]] = []

    async def on_message(self, message: discord.Message) -> None:
        shard = message.guild.shard_id if message.guild else None
        self.seen.append((shard, message.content))


def test_guild_ids_land_on_the_shard_asked_for() -> None:
    for count in (1, 2, 3, 16):
        for shard in range(count):
            guild_id = guild_id_on(shard, count)
            assert shard_of(guild_id, count) == shard == (guild_id >> 22) % count
    assert shard_of(None, 4) == 0


async def test_auto_sharding_follows_gateway_bot_and_splits_guilds_and_events(
    emu: DiscordEmulator,
) -> None:
    emu.recommended_shards = 2
    guild0, channel0 = emu.add_guild(shard=0, num_shards=2)
    guild1, channel1 = emu.add_guild(shard=1, num_shards=2)
    client = ShardedBot()
    task = asyncio.create_task(client.start(emu.token))
    try:
        await emu.wait_for(lambda: client.is_ready(), 10)
        assert emu.calls(method="GET", path_contains="/gateway/bot")
        assert client.shard_count == 2
        sessions = emu.gateway.live()
        assert sorted(s.identify["shard"] for s in sessions) == [[0, 2], [1, 2]]
        for session in sessions:
            shard_id, count = session.shard
            ready = next(f for f in emu.sent_frames if f.get("t") == "READY"
                         and f["d"]["session_id"] == session.session_id)
            listed = {int(g["id"]) for g in ready["d"]["guilds"]}
            assert listed == {g for g in emu.guilds if shard_of(g, count) == shard_id}
            assert ready["d"]["shard"] == [shard_id, count]
        assert {guild0, guild1} <= {g.id for g in client.guilds}
        assert client.get_guild(guild1).shard_id == 1  # type: ignore[union-attr]

        for channel, text in ((channel0, "on zero"), (channel1, "on one")):
            await emu.dispatch_message(text, user_id=USER_ID, in_guild=True, channel_id=channel,
                                       mention_bot=True)
        await emu.dispatch_message("a dm", user_id=USER_ID)
        await emu.wait_for(lambda: len(client.seen) == 3)
        # The shard discord.py saw each message on is the shard its guild belongs to.
        assert sorted(client.seen, key=lambda s: s[1]) == [(None, "a dm"), (1, "on one"),
                                                          (0, "on zero")]
    finally:
        await client.close()
        await asyncio.wait_for(task, 5)
    assert not emu.calls(status=404)


async def test_each_event_goes_only_to_its_shards_session(emu: DiscordEmulator) -> None:
    _, channel1 = emu.add_guild(shard=1, num_shards=2)
    clients = [ShardedBot(shard_count=2, shard_ids=[n]) for n in (0, 1)]
    tasks = [asyncio.create_task(c.start(emu.token)) for c in clients]
    try:
        await emu.wait_for(lambda: all(c.is_ready() for c in clients), 10)
        assert not emu.calls(path_contains="/gateway/bot")  # a given shard count skips it
        [to_one] = await emu.dispatch("MESSAGE_CREATE", _guild_message(emu, channel1, "hi one"))
        [to_zero] = await emu.dispatch("MESSAGE_CREATE", _dm(emu, "hi zero"))
        assert (to_one.shard, to_zero.shard) == ((1, 2), (0, 2))
        await emu.wait_for(lambda: clients[0].seen and clients[1].seen)
        await asyncio.sleep(0.1)
        assert clients[0].seen == [(None, "hi zero")]
        assert clients[1].seen == [(1, "hi one")]
    finally:
        for client in clients:
            await client.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)


def _guild_message(emu: DiscordEmulator, channel_id: int, content: str) -> dict:
    guild_id = emu.channels[channel_id]["guild_id"]
    author = emu.user(USER_ID)
    return {"id": "11", "channel_id": str(channel_id), "guild_id": guild_id, "author": author,
            "content": content, "attachments": [], "embeds": [], "mentions": [], "type": 0,
            "timestamp": "2026-11-24T09:00:00+00:00", "tts": False, "mention_everyone": False,
            "mention_roles": [], "pinned": False, "member": {"roles": [], "joined_at":
                                                              "2026-11-24T09:00:00+00:00"}}


def _dm(emu: DiscordEmulator, content: str) -> dict:
    channel_id = emu.dm_channel_id(USER_ID)
    message = _guild_message(emu, emu.channel_id, content)
    message.pop("guild_id"), message.pop("member")
    return {**message, "id": "12", "channel_id": str(channel_id)}


async def test_a_shard_id_not_below_the_count_is_refused_with_4010(emu: DiscordEmulator) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(emu.gateway_url) as ws:
        hello = json.loads((await ws.receive()).data)
        assert hello["op"] == 10
        await ws.send_str(json.dumps({"op": 2, "d": {"token": emu.token, "intents": 0,
                                                     "properties": {}, "shard": [2, 2]}}))
        closed = await ws.receive()
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == INVALID_SHARD
    assert emu.gateway.sessions == []
