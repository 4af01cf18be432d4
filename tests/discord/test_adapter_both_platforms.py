"""Discord and Telegram in one process and one database, run as `python -m bot` runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import Settings
from bot.platforms import run_platforms
from tests.discord.conftest import COACH, MEMBER, DiscordUser, labels, text_of
from tests.discord.emulator import DiscordEmulator
from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, TOKEN


async def test_a_telegram_question_is_answered_by_the_coach_on_discord(tmp_path: Path) -> None:
    async with DiscordEmulator() as discord_emu, TelegramEmulator(TOKEN) as telegram_emu:
        settings = Settings(
            _env_file=None,
            discord_bot_token=discord_emu.token,
            discord_api_base_url=discord_emu.base_url,
            discord_gateway_url=discord_emu.gateway_url,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=telegram_emu.base_url,
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            coach_ids=f"discord:{COACH}",
        )
        stop = asyncio.Event()
        run = asyncio.create_task(run_platforms(settings, stop))
        try:
            await discord_emu.wait_ready(timeout=10)
            await telegram_emu.wait_for("getUpdates", timeout=10)

            telegram_emu.inject(updates.command(ALICE, "/ask can you recommend a lasagne recipe?"))
            passed = await telegram_emu.wait_for(
                "sendMessage", lambda p: "to the coach" in p.get("text", "")
            )
            assert passed.params["chat_id"] == ALICE.id
            coach_dm = discord_emu.dm_channel_id(COACH)
            [notice] = await discord_emu.wait_for(lambda: discord_emu.channel_messages(coach_dm))
            assert text_of(notice).startswith("New question #1 from Alice (telegram)")

            await discord_emu.dispatch_message(
                "Sorry Alice, only hips here!", user_id=COACH, reply_to=notice["id"]
            )
            relay = await telegram_emu.wait_for(
                "sendMessage", lambda p: "only hips here" in p.get("text", "")
            )
            assert relay.params["chat_id"] == ALICE.id

            member = DiscordUser(discord_emu, MEMBER)
            await member.slash("hero", count=2)
            assert "All clear, let's start" in labels(member.current)
        finally:
            stop.set()
            code = await asyncio.wait_for(run, 15)
    assert code == 0
