"""Pictures on Discord: /hero's set-up shows its picture on the ephemeral message, uploaded once."""

from __future__ import annotations

import io
from datetime import timedelta

import discord
import pytest
from PIL import Image as PillowImage

from bot.core.events import Identity
from tests.discord.conftest import MEMBER, Bot, DiscordUser, labels, text_of
from tests.discord.emulator import EPHEMERAL, DiscordEmulator

OTHER = 6161


async def to_setup(member: DiscordUser) -> dict:
    messages = await member.slash("hero", count=2 if member.current is None else 1)
    if "Quick check" in text_of(messages[-1]):
        await member.press("All clear")
    return await member.press("Bolster", until=lambda m: bool(m.get("embeds")))


def callback_files(emu: DiscordEmulator) -> list:
    return [call.files for call in emu.calls(path_contains="/callback")]


async def test_the_set_up_step_shows_its_picture_then_reuses_the_attachment_url(
    emu: DiscordEmulator, bot: Bot
) -> None:
    member = DiscordUser(emu, MEMBER)
    setup = await to_setup(member)
    assert text_of(setup).startswith("Set up: High seat") and setup["flags"] & EPHEMERAL
    assert labels(setup)[0] == "I'm in position"
    [attachment] = setup["attachments"]
    image = bot.runtime.content.picture("images/high.svg")
    assert attachment["filename"] == "high.png" and attachment["description"] == image.alt
    assert setup["embeds"][0]["image"]["url"] == attachment["url"]
    [upload] = callback_files(emu)[-1]
    with PillowImage.open(io.BytesIO(upload.data)) as picture:
        assert picture.size == (1200, 800)

    ease = await member.press("I'm in position", until=lambda m: not m.get("embeds"))
    assert text_of(ease).startswith("Ease in and out") and ease["attachments"] == []
    stored = await bot.runtime.store.uploads.get("discord", image.key)
    assert stored is not None and stored[0] == attachment["url"]

    other = DiscordUser(emu, OTHER)
    again = await to_setup(other)
    assert again["embeds"][0]["image"]["url"] == attachment["url"]
    assert callback_files(emu)[-1] == []  # shown by URL: nothing uploaded the second time


async def test_an_expired_url_is_uploaded_again(emu: DiscordEmulator, bot: Bot) -> None:
    image = bot.runtime.content.picture("images/high.svg")
    old = bot.runtime.core.clock.now() - timedelta(days=2)
    await bot.runtime.store.uploads.put("discord", image.key, "https://cdn.example/old.png", old)
    setup = await to_setup(DiscordUser(emu, MEMBER))
    assert setup["embeds"][0]["image"]["url"] != "https://cdn.example/old.png"
    assert len(callback_files(emu)[-1]) == 1


async def test_progress_comes_with_a_chart(emu: DiscordEmulator, bot: Bot) -> None:
    store, now = bot.runtime.store, bot.runtime.core.clock.now()
    person = await store.people.upsert(Identity("discord", str(MEMBER)), now, None, "Member")
    for days_ago in (3, 1):
        when = now - timedelta(days=days_ago)
        session = await store.hero.start_session(person.id, "done", "medium", when)
        session.intensity, session.outcome, session.ended_at = 6, "completed", when
        await store.hero.save_session(session)
    [reply] = await DiscordUser(emu, MEMBER).slash("progress")
    # Drawing takes a moment, so the answer may come as an edit of a "thinking" message.
    await emu.wait_for(lambda: reply["content"] and reply["attachments"])
    assert "Chart: 2 sessions in the last 12 weeks" in text_of(reply)
    [attachment] = reply["attachments"]
    assert attachment["filename"] == "progress.png" and "Chart:" in attachment["description"]
    [upload] = [call for call in emu.calls() if call.files][-1].files
    with PillowImage.open(io.BytesIO(upload.data)) as chart:
        assert (chart.format, chart.size) == ("PNG", (1000, 600))
    assert await store.uploads.get("discord", "progress.png") is None


async def test_the_emulator_refuses_what_discord_refuses(emu: DiscordEmulator, bot: Bot) -> None:
    channel = bot.adapter.client.get_partial_messageable(emu.channel_id)
    with pytest.raises(discord.HTTPException) as too_big:
        await channel.send("big", file=discord.File(io.BytesIO(b"\0" * (10 * 1024 * 1024 + 1)), "x.png"))
    assert too_big.value.status == 413
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send(embed=discord.Embed(description="x" * 4097))
    assert too_long.value.status == 400 and too_long.value.code == 50035
    (violation,) = emu.violations.take()
    assert (violation.field, violation.rule) == ("embeds[0].description", "4,097 characters, more than 4,096")
    with pytest.raises(discord.HTTPException) as unknown:
        await channel.send(embed=discord.Embed().set_image(url="attachment://missing.png"))
    assert unknown.value.code == 50035
