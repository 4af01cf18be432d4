"""Slash commands: synced only on change, /hero sessions through buttons, autocomplete."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_features import toy_feature
from tests.discord.conftest import (
    MEMBER,
    STRANGER,
    Bot,
    DiscordUser,
    labels,
    made_by,
    running,
    settings_for,
    text_of,
)
from tests.discord.emulator import EPHEMERAL, LOADING, DiscordEmulator

EVERY_COMMAND = {
    "hero", "breaks", "remind", "pause", "resume", "ask", "progress", "timezone", "settings",
    "forget", "help", "inbox", "answer", "stats",
}


def command_puts(emu: DiscordEmulator) -> list:
    return emu.calls(method="PUT", path_contains="/commands")


async def test_commands_are_synced_once_and_not_again_when_unchanged(
    emu: DiscordEmulator, tmp_path: Path
) -> None:
    settings = settings_for(emu, tmp_path)
    async with running(settings, emu) as bot:
        assert bot.adapter.commands_synced is True
    # guilds (1) + guild_messages (1 << 9) + dm_messages (1 << 12); nothing privileged.
    assert emu.identify is not None and emu.identify["intents"] == 1 + 512 + 4096
    [put] = command_puts(emu)
    assert put.path == f"/applications/{emu.app_id}/commands"
    synced = {c["name"]: c for c in emu.commands[None]}
    assert set(synced) == EVERY_COMMAND
    assert all(c["description"] for c in synced.values())
    assert synced["ask"]["options"][0]["name"] == "question"
    assert synced["ask"]["options"][0]["required"] is True
    assert synced["answer"]["options"][0]["type"] == 4  # number: integer
    assert synced["pause"]["options"][0]["name"] == "for"
    assert synced["timezone"]["options"][0]["autocomplete"] is True
    coach_only = {n for n, c in synced.items() if c.get("default_member_permissions")}
    assert coach_only == {"inbox", "answer", "stats"}

    async with running(settings, emu) as bot:
        assert bot.adapter.commands_synced is False
    assert len(command_puts(emu)) == 1
    assert len(emu.calls(method="GET", path_contains="/commands")) == 2


async def test_a_changed_definition_is_synced_again(emu: DiscordEmulator, tmp_path: Path) -> None:
    settings = settings_for(emu, tmp_path)
    async with running(settings, emu):
        pass
    emu.commands[None][0]["description"] = "an old description"
    async with running(settings, emu) as bot:
        assert bot.adapter.commands_synced is True
    assert len(command_puts(emu)) == 2


async def test_guild_id_syncs_to_that_guild(emu: DiscordEmulator, tmp_path: Path) -> None:
    settings = settings_for(emu, tmp_path, discord_guild_id=emu.guild_id)
    async with running(settings, emu) as bot:
        [put] = command_puts(emu)
        assert put.path == f"/applications/{emu.app_id}/guilds/{emu.guild_id}/commands"
        member = DiscordUser(emu, MEMBER)
        [reply] = await member.slash("help")
        assert "/hero" in text_of(reply)
        assert bot.adapter.commands_synced


async def run_session(member: DiscordUser, intensity: str, felt: str) -> str:
    messages = await member.slash("hero", count=2 if member.current is None else 1)
    if "Quick check" in text_of(messages[-1]):
        await member.press("All clear")
    await member.press(labels(member.current)[0])
    await member.press("I'm in position")
    for _ in range(3):
        await member.press(labels(member.current)[0])
    await member.press("Tail tucked")
    await member.press("Done holding")
    await member.press(intensity)
    return text_of(await member.press(felt))


async def test_full_hero_session_is_ephemeral_and_next_one_starts_easier(
    emu: DiscordEmulator, bot: Bot
) -> None:
    member = DiscordUser(emu, MEMBER)
    summary = await run_session(member, "9", "Front of thighs")
    assert "Logged" in summary and "intensity 9/10" in summary
    assert member.current is not None and member.current["components"] == []
    ours = emu.channel_messages(emu.channel_id)
    assert ours and all(m["flags"] & EPHEMERAL for m in ours)
    responses = [c.json for c in emu.calls(path_contains="/callback")]
    assert all(r["type"] == 7 for r in responses[1:])

    again = await member.slash("hero")
    assert "Quick check" in text_of(again[-1])
    await member.press("All clear")
    assert labels(member.current)[0].startswith("Just a blanket under my shins (suggested)")
    assert all(m["flags"] & EPHEMERAL for m in emu.channel_messages(emu.channel_id))


async def test_a_strangers_press_is_refused_privately(emu: DiscordEmulator, bot: Bot) -> None:
    member = DiscordUser(emu, MEMBER)
    await member.slash("hero", count=2)
    session = member.current
    assert session is not None
    before = (session["content"], session["components"])
    stranger = DiscordUser(emu, STRANGER)
    stranger.current = session
    refusal = await stranger.press("All clear")
    assert refusal is not session
    assert "belong to someone else" in text_of(refusal)
    assert refusal["flags"] & EPHEMERAL
    assert (session["content"], session["components"]) == before


async def test_idle_session_tells_how_to_resume(emu: DiscordEmulator, bot: Bot) -> None:
    bot.adapter.sessions.timeout = 0.2
    member = DiscordUser(emu, MEMBER)
    await member.slash("hero", count=2)
    session = member.current
    assert session is not None
    await member.press("All clear")
    assert labels(session)
    await emu.wait_for(lambda: not session["components"])
    assert "type /hero to pick up where you left off" in text_of(session)
    resumed = await member.slash("hero")
    assert labels(resumed[-1])[:2] == ["Resume", "Restart"]


async def test_slow_work_is_deferred_then_shown(emu: DiscordEmulator, bot: Bot) -> None:
    bot.adapter.defer_after = 0
    slash = await emu.slash("hero", user_id=MEMBER)
    [welcome, check] = await emu.wait_for(
        lambda: (m := made_by(emu, slash)) and len(m) == 2 and labels(m[-1]) and m
    )
    assert emu.interaction_responses(slash["id"]) == [{"type": 5, "data": {"flags": EPHEMERAL}}]
    assert "Hi user4242" in text_of(welcome) and not welcome["flags"] & LOADING
    assert check["flags"] & EPHEMERAL
    member = DiscordUser(emu, MEMBER)
    member.current = check
    await member.press("All clear", until=lambda m: "What will you sit on" in text_of(m))
    [*_, press] = emu.calls(path_contains="/callback")
    assert press.json == {"type": 6}


async def test_timezone_autocomplete_offers_zone_names(emu: DiscordEmulator, bot: Bot) -> None:
    ask = await emu.autocomplete("timezone", {"zone": "berl"}, "zone", user_id=MEMBER)
    response = await emu.wait_for(lambda: emu.interaction_response(ask["id"]))
    assert response["type"] == 8
    names = [c["value"] for c in response["data"]["choices"]]
    assert "Europe/Berlin" in names and len(names) <= 25
    member = DiscordUser(emu, MEMBER)
    replies = await member.slash("timezone", {"zone": "Europe/Berlin"}, count=2)
    assert "Europe/Berlin" in text_of(replies[-1])


async def test_typed_options_reach_the_core_as_command_args(emu: DiscordEmulator, bot: Bot) -> None:
    member = DiscordUser(emu, MEMBER, in_guild=False)
    setting = {"setting": "every 30m 09:00-17:30 mon-fri"}
    [_, breaks] = await member.slash("breaks", setting, count=2)
    assert "every 30 min, 09:00-17:30, Mon-Fri" in text_of(breaks)
    assert not breaks["flags"] & EPHEMERAL  # in a DM nothing needs hiding
    [remind] = await member.slash("remind", {"time": "07:30", "days": "mon-fri"})
    assert "07:30, Mon-Fri" in text_of(remind)
    [paused] = await member.slash("pause", {"for": "2h"})
    assert text_of(paused).startswith("Paused until")
    [refused] = await member.slash("stats")
    assert "just for the coach" in text_of(refused)


async def test_a_declared_feature_is_synced_as_a_slash_command(
        emu: DiscordEmulator, tmp_path: Path) -> None:
    async with running(settings_for(emu, tmp_path), emu, features=(toy_feature(),)):
        synced = {c["name"]: c for c in emu.commands[None]}
        assert set(synced) == EVERY_COMMAND | {"water"}
        assert synced["water"]["description"] == "A reminder to drink water"
        assert synced["water"]["options"][0]["name"] == "glasses"
        # A newcomer is welcomed first.
        *_, reply = await DiscordUser(emu, MEMBER).slash("water", {"glasses": "3"}, count=2)
        assert text_of(reply) == "Drink 3 glass of water."
