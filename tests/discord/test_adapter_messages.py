"""Questions as replies, the coach hand-off, DMs with buttons, closed DMs, rate limits, logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest

from bot.core.events import Choice, DeliveryStatus, Identity, Outbound
from bot.core.ports import ManualClock
from tests.discord.conftest import (
    COACH,
    MEMBER,
    Bot,
    DiscordUser,
    labels,
    made_by,
    running,
    settings_for,
    text_of,
)
from tests.discord.emulator import EPHEMERAL, DiscordEmulator


async def post_in_channel(bot: Bot, text: str) -> int:
    channel = bot.adapter.client.get_channel(bot.emu.channel_id)
    assert isinstance(channel, discord.TextChannel)
    return (await channel.send(text)).id


def replies_to(emu: DiscordEmulator, channel_id: int, message_id: int | str) -> list[dict]:
    return [
        m for m in emu.channel_messages(channel_id)
        if m.get("message_reference", {}).get("message_id") == str(message_id)
        and m["author"]["id"] == str(emu.app_id)
    ]


async def test_a_reply_to_the_bot_in_a_server_gets_the_faq_answer(
    emu: DiscordEmulator, bot: Bot
) -> None:
    tip = await post_in_channel(bot, "Tip: tuck your tail in Hero pose.")
    question = await emu.dispatch_message(
        "why should i tuck my tail?", user_id=MEMBER, in_guild=True, reply_to=tip
    )
    answers = await emu.wait_for(
        lambda: (r := replies_to(emu, emu.channel_id, question["id"])) and labels(r[-1]) and r
    )
    answer = answers[-1]
    assert "tail" in text_of(answer).lower()
    assert labels(answer) == ["👍 Helpful", "👎 Not quite"]
    sent = emu.calls(method="POST", path_contains=f"/channels/{emu.channel_id}/messages")[-1]
    assert sent.json["allowed_mentions"]["parse"] == []


async def test_a_reply_without_the_mention_gets_a_hint(emu: DiscordEmulator, bot: Bot) -> None:
    tip = await post_in_channel(bot, "Tip of the day")
    hidden = await emu.dispatch_message(
        "what about my knees?", user_id=MEMBER, in_guild=True, reply_to=tip, mention_bot=False
    )
    [hint] = await emu.wait_for(lambda: replies_to(emu, emu.channel_id, hidden["id"]))
    assert "mention" in text_of(hint)
    await emu.dispatch_message("just chatting", user_id=MEMBER, in_guild=True)
    ping = await emu.dispatch_message("hello", user_id=MEMBER)
    await emu.wait_for(lambda: replies_to(emu, emu.dm_channel_id(MEMBER), ping["id"]))
    assert not replies_to(emu, emu.channel_id, emu.channel_messages(emu.channel_id)[-1]["id"])


async def test_question_handed_to_the_coach_answered_and_relayed_by_dm(
    emu: DiscordEmulator, bot: Bot
) -> None:
    tip = await post_in_channel(bot, "Any questions? Reply to this message.")
    asked = await emu.dispatch_message(
        "can you recommend a good lasagne recipe?", user_id=MEMBER, in_guild=True, reply_to=tip
    )
    [passed] = await emu.wait_for(lambda: replies_to(emu, emu.channel_id, asked["id"]))
    assert "to the coach" in text_of(passed)
    coach_dm = emu.dm_channel_id(COACH)
    [notice] = await emu.wait_for(lambda: emu.channel_messages(coach_dm))
    assert text_of(notice).startswith("New question #1 from user4242")

    coach = DiscordUser(emu, COACH)
    await coach.slash("answer", {"number": 1, "text": "Sorry, only hips here!"}, count=2)
    assert "Sent your answer to #1" in text_of(coach.current)
    member_dm = emu.dm_channel_id(MEMBER)
    [relay] = await emu.wait_for(lambda: emu.channel_messages(member_dm))
    assert "only hips here" in text_of(relay) and "lasagne" in text_of(relay)
    assert "message_reference" not in relay  # the question was asked in the server


async def test_coach_answers_by_replying_to_the_notice_and_dm_questions_thread(
    emu: DiscordEmulator, bot: Bot
) -> None:
    asked = await emu.dispatch_message("what's the capital of peru?", user_id=MEMBER)
    member_dm = emu.dm_channel_id(MEMBER)
    await emu.wait_for(lambda: replies_to(emu, member_dm, asked["id"]))
    coach_dm = emu.dm_channel_id(COACH)
    [notice] = await emu.wait_for(lambda: emu.channel_messages(coach_dm))
    await emu.dispatch_message("Lima, but let's talk hips.", user_id=COACH, reply_to=notice["id"])
    relay = await emu.wait_for(
        lambda: [m for m in emu.channel_messages(member_dm) if "Lima" in m["content"]]
    )
    assert relay[0]["message_reference"]["message_id"] == asked["id"]


async def test_dm_with_buttons_reaches_the_core_and_dm_is_opened_once(
    emu: DiscordEmulator, bot: Bot
) -> None:
    to = Identity("discord", str(MEMBER))
    first = await bot.runtime.router.send(
        Outbound(to=to, text="Time to practise?", choices=[Choice("Start", "h:new")])
    )
    second = await bot.runtime.router.send(Outbound(to=to, text="(and a second message)"))
    assert first.status is DeliveryStatus.SENT and second.status is DeliveryStatus.SENT
    assert len(emu.calls(method="POST", path_contains="/users/@me/channels")) == 1
    dm = emu.dm_channel_id(MEMBER)
    nudge = emu.find_message(first.message_id)
    assert nudge is not None and nudge["channel_id"] == str(dm)
    assert labels(nudge) == ["Start"]

    member = DiscordUser(emu, MEMBER)
    member.current = nudge
    started = await member.press("Start")
    assert started is not nudge and started["channel_id"] == str(dm)
    assert "All clear, let's start" in labels(started)
    assert not started["flags"] & EPHEMERAL
    assert len(emu.calls(method="POST", path_contains="/users/@me/channels")) == 1


async def test_closed_dms_are_unreachable_and_the_person_is_told_once(
    emu: DiscordEmulator, bot: Bot
) -> None:
    reported: list[tuple[Identity, str]] = []

    async def hook(identity: Identity, detail: str) -> None:
        reported.append((identity, detail))

    bot.runtime.router.on_unreachable.append(hook)
    emu.block_dms_from(MEMBER)
    to = Identity("discord", str(MEMBER))
    result = await bot.runtime.router.send(Outbound(to=to, text="Time to stand up!"))
    assert result.status is DeliveryStatus.UNREACHABLE
    assert reported == [(to, result.detail)] and "50007" in result.detail

    slash = await emu.slash("help", user_id=MEMBER)
    [welcome, help_text, hint] = await emu.wait_for(
        lambda: (m := made_by(emu, slash)) and len(m) == 3 and m
    )
    assert "Direct Messages" in text_of(hint) and hint["flags"] & EPHEMERAL
    assert "Direct Messages" not in text_of(help_text)

    second = await bot.runtime.router.send(Outbound(to=to, text="Still closed"))
    assert second.status is DeliveryStatus.UNREACHABLE
    member = DiscordUser(emu, MEMBER)
    once_more = await emu.slash("help", user_id=MEMBER)
    await member.slash("progress")
    assert len(made_by(emu, once_more)) == 1


async def test_a_rate_limited_dm_is_delivered_after_the_retry(
    emu: DiscordEmulator, bot: Bot
) -> None:
    dm = emu.dm_channel_id(MEMBER)
    emu.rate_limit_next("POST", f"/channels/{dm}/messages", retry_after=0.2)
    result = await bot.runtime.router.send(
        Outbound(to=Identity("discord", str(MEMBER)), text="eventually")
    )
    assert result.status is DeliveryStatus.SENT
    attempts = emu.calls(method="POST", path_contains=f"/channels/{dm}/messages")
    assert [c.status for c in attempts] == [429, 200]
    assert [text_of(m) for m in emu.channel_messages(dm)] == ["eventually"]


async def test_ignored_events_and_handler_errors_leave_the_bot_running(
    emu: DiscordEmulator,
    bot: Bot,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = len(emu.calls())
    gone = {"id": "1", "channel_id": str(emu.channel_id), "guild_id": str(emu.guild_id)}
    await emu.dispatch("MESSAGE_DELETE", gone)
    await emu.dispatch("SOMETHING_DISCORD_ADDS_LATER", {"x": 1})
    await emu.dispatch_message("just chatting", user_id=MEMBER, in_guild=True)

    async def broken(event: object) -> list:
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.adapter.core, "handle", broken)
    await emu.dispatch_message("hello?", user_id=MEMBER)
    failed = await emu.slash("help", user_id=MEMBER)
    sorry = await emu.wait_for(lambda: emu.interaction_response(failed["id"]))
    assert "something went wrong" in sorry["data"]["content"] and sorry["data"]["flags"] == 64
    await emu.wait_for(lambda: "error in Discord event on_message" in caplog.text)
    assert "slash command help failed" in caplog.text
    monkeypatch.undo()
    assert len(emu.calls()) == before + 1
    [reply] = await DiscordUser(emu, MEMBER).slash("help", count=1)
    assert "/hero" in text_of(reply) or "Hi user4242" in text_of(reply)


async def test_the_token_never_appears_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = "MTA5.secret-discord-token.zzzz"
    emulator = DiscordEmulator(token=token)
    async with emulator as emu, running(settings_for(emu, tmp_path), emu) as bot:
        member = DiscordUser(emu, MEMBER)
        await member.slash("hero", count=2)
        await member.press("All clear")
        await bot.runtime.router.send(Outbound(to=Identity("discord", "99"), text="hi"))
    assert "discord.gateway" in caplog.text or "discord.http" in caplog.text
    assert token not in caplog.text


async def test_nudge_arrives_as_a_dm_and_done_is_logged(emu: DiscordEmulator,
                                                         tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    async with running(settings_for(emu, tmp_path), emu, clock=clock) as bot:
        await _nudge_arrives_and_done_is_logged(emu, bot, clock)


async def _nudge_arrives_and_done_is_logged(emu: DiscordEmulator, bot: Bot,
                                            clock: ManualClock) -> None:
    member = DiscordUser(emu, MEMBER)
    *_, confirm = await member.slash("breaks", {"setting": "every 30m 09:00-17:00 mon-fri"}, count=2)
    assert "Break nudges on: every 30 min, 09:00-17:00, Mon-Fri" in text_of(confirm)
    clock.advance(minutes=30)
    assert await bot.runtime.core.sweep() == 1
    dm = emu.dm_channel_id(MEMBER)
    [nudge] = await emu.wait_for(lambda: emu.channel_messages(dm))
    assert text_of(nudge).startswith("Time to get up")
    assert labels(nudge) == ["Done", "Snooze 10 min", "Skip", "Pause today"]
    member.current = nudge
    done = await member.press("Done", until=lambda m: "Break logged" in text_of(m))
    assert "Break logged" in text_of(done)
    counts = await bot.runtime.store.schedules.counts()
    assert counts["sent"] == 1 and counts["done"] == 1
