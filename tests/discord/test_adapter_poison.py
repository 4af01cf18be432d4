"""Gateway events discord.py can't parse don't stop the bot answering."""

from __future__ import annotations

import asyncio

from tests.discord.conftest import MEMBER, Bot, DiscordUser, text_of
from tests.discord.emulator import DiscordEmulator
from tests.discord.payloads import JSON


async def answered_help(emu: DiscordEmulator) -> JSON:
    """Once the bot is back on the gateway, run /help and return its answer."""
    await emu.wait_for(lambda: len(emu.gateway_queries) >= 2 and emu.connected)
    person = DiscordUser(emu, MEMBER)
    [message] = await asyncio.wait_for(person.slash("help"), 15)
    return message


async def test_an_unreadable_message_event_is_skipped(emu: DiscordEmulator, bot: Bot) -> None:
    channel = emu.dm_channel_id(MEMBER)
    # An author without an id: discord.py's parser raises on it.
    await emu.dispatch("MESSAGE_CREATE", {"id": "1", "channel_id": str(channel), "author": {},
                                          "content": "hello", "attachments": [], "embeds": []})
    assert "/hero" in text_of(await answered_help(emu))


async def test_an_interaction_with_unknown_and_broken_fields_is_skipped(
    emu: DiscordEmulator, bot: Bot
) -> None:
    await emu.dispatch("INTERACTION_CREATE", {"id": "not-a-number", "type": 2, "token": "t",
                                              "version": 1, "application_id": str(emu.app_id),
                                              "surprise": {"new": "field"}, "data": {}})
    assert "/hero" in text_of(await answered_help(emu))
