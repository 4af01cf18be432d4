"""Start the bot as a user does (`python -m bot`) against the emulator, and stop it with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.app import runtime_from_settings
from tests.discord.conftest import MEMBER, DiscordUser, labels, settings_for, text_of
from tests.discord.emulator import EPHEMERAL, DiscordEmulator

ROOT = Path(__file__).resolve().parents[2]


def bot_env(emu: DiscordEmulator, tmp_path: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "TELEGRAM_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DISCORD_BOT_TOKEN=token,
        DISCORD_API_BASE_URL=emu.base_url,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    return env


async def start_bot(emu: DiscordEmulator, tmp_path: Path, token: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=bot_env(emu, tmp_path, token),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def read_until(stream: asyncio.StreamReader | None, marker: str, seen: list[str]) -> None:
    assert stream is not None
    while marker not in "".join(seen):
        line = await stream.readline()
        assert line, f"the bot exited before logging {marker!r}: {''.join(seen)}"
        seen.append(line.decode())


async def test_python_m_bot_runs_a_hero_round_trip_and_stops_on_sigterm(
    emu: DiscordEmulator, tmp_path: Path
) -> None:
    process = await start_bot(emu, tmp_path, emu.token)
    seen: list[str] = []
    try:
        await asyncio.wait_for(read_until(process.stderr, "discord connected", seen), 20)
        assert emu.commands.get(None)
        member = DiscordUser(emu, MEMBER)
        [welcome, check] = await member.slash("hero", count=2)
        assert welcome["flags"] & EPHEMERAL and check["flags"] & EPHEMERAL
        assert "All clear, let's start" in labels(check)
        after = await member.press("All clear")
        assert after is check and "What will you sit on" in text_of(after)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    _, rest = await process.communicate()
    stderr = "".join(seen) + rest.decode()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert emu.token not in stderr
    assert (tmp_path / "bot.db").exists()


async def test_a_bad_token_exits_2_with_one_line(emu: DiscordEmulator, tmp_path: Path) -> None:
    # An existing database: a fresh one would first log its migrations at INFO.
    runtime = await runtime_from_settings(settings_for(emu, tmp_path))
    await runtime.close()
    process = await start_bot(emu, tmp_path, "not-the-right-token")
    _, stderr = await asyncio.wait_for(process.communicate(), 20)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines == ["herocoach: Discord refused the bot token; check DISCORD_BOT_TOKEN"]
    assert emu.calls(path_contains="/users/@me", status=401)
