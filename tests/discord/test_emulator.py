"""Prove the emulator with the real discord.py over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands

from tests.discord.emulator import EPHEMERAL, DiscordEmulator

USER_ID = 4242


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        yield emulator


class HeroView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.clicked = asyncio.Event()

    @discord.ui.button(label="Next", custom_id="hero:next")
    async def next_step(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Step 2: bend the knee", view=None)
        self.clicked.set()


class Bot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.ready = asyncio.Event()
        self.messages: list[discord.Message] = []
        self.got_message = asyncio.Event()
        self.view = HeroView()

        @self.tree.command(name="hero", description="Walk through the Hero pose")
        @app_commands.describe(level="where to start")
        async def hero(interaction: discord.Interaction, level: str = "start") -> None:
            await interaction.response.send_message(
                f"Step 1 ({level}): kneel", view=self.view, ephemeral=True
            )

        @hero.autocomplete("level")
        async def level_choices(
            _: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            levels = ["start", "block", "floor"]
            return [app_commands.Choice(name=x, value=x) for x in levels if x.startswith(current)]

    async def on_ready(self) -> None:
        self.ready.set()

    async def on_message(self, message: discord.Message) -> None:
        self.messages.append(message)
        self.got_message.set()


@pytest.fixture
async def bot(emu: DiscordEmulator) -> AsyncIterator[Bot]:
    client = Bot()
    task = asyncio.create_task(client.start(emu.token))
    await asyncio.wait_for(client.ready.wait(), 5)
    yield client
    await client.close()
    await asyncio.wait_for(task, 5)
    assert not emu.calls(status=404), "discord.py hit a route the emulator does not serve"


async def test_login_reaches_ready_and_closes_cleanly(emu: DiscordEmulator, bot: Bot) -> None:
    assert bot.user is not None and bot.user.id == emu.app_id
    assert bot.application_id == emu.app_id
    assert [g.id for g in bot.guilds] == [emu.guild_id]
    assert bot.get_channel(emu.channel_id) is not None
    assert emu.identify is not None and emu.identify["intents"] == discord.Intents.default().value
    # discord.py asks for zlib-stream and payload compression; plain text frames are accepted.
    assert emu.gateway_queries == [{"v": "10", "encoding": "json", "compress": "zlib-stream"}]
    assert emu.identify["compress"] is True
    assert [c.path for c in emu.calls()][:2] == ["/users/@me", "/oauth2/applications/@me"]
    json_calls = emu.calls(path_contains="/users/@me")
    assert json_calls[0].headers["Authorization"] == f"Bot {emu.token}"
    await bot.close()
    assert bot.is_closed()
    await emu.wait_for(lambda: not emu.connected)


async def test_reconnect_resumes_the_session(emu: DiscordEmulator, bot: Bot) -> None:
    session = emu.identify
    await emu.request_reconnect()
    await emu.wait_ready()
    resume = [f for f in emu.received_frames if f["op"] == 6]
    assert resume and resume[0]["d"]["session_id"] == bot.ws.session_id
    assert emu.identify is session
    slash = await emu.slash("hero", user_id=USER_ID)
    assert await emu.wait_for(lambda: emu.interaction_response(slash["id"]))


async def test_bad_token_raises_login_failure(emu: DiscordEmulator) -> None:
    client = discord.Client(intents=discord.Intents.default())
    with pytest.raises(discord.LoginFailure):
        await client.login("wrong-token")
    await client.close()
    assert emu.calls(path_contains="/users/@me", status=401)


async def test_slash_command_button_and_edit(emu: DiscordEmulator, bot: Bot) -> None:
    synced = await bot.tree.sync()
    assert [c.name for c in synced] == ["hero"]
    put = emu.calls(method="PUT", path_contains=f"/applications/{emu.app_id}/commands")
    assert put and put[0].json[0]["name"] == "hero"
    assert synced[0].id == int(emu.commands[None][0]["id"])

    slash = await emu.slash("hero", {"level": "block"}, user_id=USER_ID)
    response = await emu.wait_for(lambda: emu.interaction_response(slash["id"]))
    assert response["type"] == 4
    assert response["data"]["flags"] == EPHEMERAL
    assert response["data"]["content"] == "Step 1 (block): kneel"
    button = response["data"]["components"][0]["components"][0]
    assert button["custom_id"] == "hero:next"

    callback = emu.calls(path_contains=f"/interactions/{slash['id']}/")[0]
    assert callback.query["with_response"] == "1"
    [sent] = emu.channel_messages(emu.channel_id)
    click = await emu.click("hero:next", message_id=sent["id"], user_id=USER_ID)
    await asyncio.wait_for(bot.view.clicked.wait(), 5)
    edit = await emu.wait_for(lambda: emu.interaction_response(click["id"]))
    assert edit["type"] == 7
    assert edit["data"]["content"] == "Step 2: bend the knee"
    assert edit["data"]["components"] == []
    assert emu.find_message(sent["id"])["content"] == "Step 2: bend the knee"


async def test_slash_in_dm_and_followup(emu: DiscordEmulator, bot: Bot) -> None:
    done = asyncio.Event()

    @bot.tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="pong")
        await interaction.followup.send("and again")
        done.set()

    slash = await emu.slash("ping", user_id=USER_ID, in_guild=False)
    await asyncio.wait_for(done.wait(), 5)
    assert emu.interaction_response(slash["id"])["type"] == 5
    dm = emu.dm_channel_id(USER_ID)
    assert [m["content"] for m in emu.channel_messages(dm)] == ["pong", "and again"]
    assert emu.channel_messages(dm)[0]["flags"] == 0


async def test_autocomplete_returns_choices(emu: DiscordEmulator, bot: Bot) -> None:
    await bot.tree.sync()
    ask = await emu.autocomplete("hero", {"level": "b"}, "level", user_id=USER_ID)
    response = await emu.wait_for(lambda: emu.interaction_response(ask["id"]))
    assert response == {"type": 8, "data": {"choices": [{"name": "block", "value": "block"}]}}


async def test_reply_to_bot_message_reaches_on_message(emu: DiscordEmulator, bot: Bot) -> None:
    user = await bot.fetch_user(USER_ID)
    sent = await user.send("Time to stand up?")
    await emu.dispatch_message("done!", user_id=USER_ID, reply_to=sent.id)
    await asyncio.wait_for(bot.got_message.wait(), 5)
    [message] = bot.messages
    assert message.reference is not None and message.reference.message_id == sent.id
    assert isinstance(message.reference.resolved, discord.Message)
    assert message.reference.resolved.author == bot.user
    assert message.content == "done!"
    assert isinstance(message.channel, discord.DMChannel)


async def test_guild_content_blank_without_intent_unless_mentioned(
    emu: DiscordEmulator, bot: Bot
) -> None:
    channel = bot.get_channel(emu.channel_id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("Hero tip of the day")
    await emu.dispatch_message("just chatting", user_id=USER_ID, in_guild=True)
    await emu.dispatch_message("thanks", user_id=USER_ID, in_guild=True, reply_to=sent.id)
    await emu.wait_for(lambda: len(bot.messages) == 2)
    plain, reply = bot.messages
    assert plain.content == "" and plain.guild is not None
    assert reply.content == "thanks" and reply.reference.message_id == sent.id
    assert isinstance(reply.author, discord.Member)


async def test_user_send_opens_dm_once_and_posts(emu: DiscordEmulator, bot: Bot) -> None:
    user = await bot.fetch_user(USER_ID)
    first = await user.send("hello")
    await user.send("again")
    assert len(emu.calls(method="POST", path_contains="/users/@me/channels")) == 1
    dm = emu.dm_channel_id(USER_ID)
    assert first.channel.id == dm
    assert [m["content"] for m in emu.channel_messages(dm)] == ["hello", "again"]


async def test_blocked_dm_raises_forbidden_50007(emu: DiscordEmulator, bot: Bot) -> None:
    emu.block_dms_from(USER_ID)
    user = await bot.fetch_user(USER_ID)
    with pytest.raises(discord.Forbidden) as caught:
        await user.send("hello")
    assert caught.value.code == 50007
    assert caught.value.status == 403


async def test_rate_limited_send_is_retried(emu: DiscordEmulator, bot: Bot) -> None:
    user = await bot.fetch_user(USER_ID)
    dm = await user.create_dm()
    emu.rate_limit_next("POST", f"/channels/{dm.id}/messages", retry_after=0.2)
    await user.send("eventually")
    attempts = emu.calls(method="POST", path_contains=f"/channels/{dm.id}/messages")
    assert [c.status for c in attempts] == [429, 200]
    assert [m["content"] for m in emu.channel_messages(dm.id)] == ["eventually"]


async def test_responses_have_exact_json_content_type(emu: DiscordEmulator) -> None:
    async with discord.http.aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {emu.token}"}
        async with session.get(f"{emu.base_url}/users/@me", headers=headers) as ok:
            assert ok.headers["Content-Type"] == "application/json"
        async with session.get(f"{emu.base_url}/nope") as missing:
            assert missing.status == 404
            assert missing.headers["Content-Type"] == "application/json"
    assert emu.calls(path_contains="/nope", status=404)
    assert [str(v) for v in emu.violations.take()] == ["GET /nope: no such path in Discord's HTTP API"]


async def test_hooks_are_restored() -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with DiscordEmulator() as emulator:
        assert discord.http.Route.BASE == emulator.base_url
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == emulator.gateway_url
    assert (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == before
