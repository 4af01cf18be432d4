"""`python -m bot` as a user runs it: environment variables in, the emulator as Telegram."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, TOKEN

SETTINGS_PREFIXES = ("TELEGRAM_", "DISCORD_", "COACH_", "DATABASE_", "LOG_", "CONTENT_", "DEFAULT_")


def bot_env(emulator: TelegramEmulator, tmp_path: Path, token: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    return env | {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'herocoach.db'}",
        **extra,
    }


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_hero_round_trip_then_clean_sigterm(tmp_path: Path) -> None:
    async with TelegramEmulator(TOKEN) as emu:
        process = await start_bot(bot_env(emu, tmp_path, TOKEN), tmp_path)
        try:
            await emu.wait_for("getUpdates", timeout=20)
            assert emu.calls_to("setMyCommands")
            emu.inject(updates.command(ALICE, "/hero"))
            await emu.wait_for("sendMessage", lambda p: "reply_markup" in p)
            keyboard = emu.sent_messages(ALICE.id)[-1]
            first = keyboard["reply_markup"]["inline_keyboard"][0][0]
            assert first["text"] == "All clear, let's start"
            emu.inject(updates.callback_query(ALICE, keyboard, first["callback_data"]))
            await emu.wait_for("answerCallbackQuery")
            edit = await emu.wait_for("editMessageText")
            assert edit.params["message_id"] == keyboard["message_id"]
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log and TOKEN not in log
    assert "telegram connected as @herocoach_bot" in log and "shutting down" in log


async def test_bad_token_exits_2_with_one_line(tmp_path: Path) -> None:
    async with TelegramEmulator(TOKEN) as emu:
        env = bot_env(emu, tmp_path, "42:not-the-right-token", LOG_LEVEL="WARNING")
        process = await start_bot(env, tmp_path)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    assert stderr.decode().splitlines() == [
        "herocoach: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
    ]
    assert stdout == b""
