"""The emulator's terminal (`python -m tests.discord.serve`) drives a running bot as the README says."""

from __future__ import annotations

from tests.discord.conftest import MEMBER, Bot
from tests.discord.serve import USAGE, Terminal


async def test_the_terminal_runs_commands_and_dms_and_lists_sessions(bot: Bot) -> None:
    terminal = Terminal(bot.emu, [bot.emu.channel_id], MEMBER)
    assert "shard 0 of 1" in await terminal.run("sessions")
    assert "1 upload(s)" in await terminal.run("syncs")
    assert "/hero" in await terminal.run("slash help 0")
    assert "no server on shard '3'" in await terminal.run("slash help 3")
    assert "Practice reminder set: 07:30" in await terminal.run("slash remind dm time=07:30")
    assert "bot: " in await terminal.run("dm hello")
    assert "DMs closed" in await terminal.run("block")
    assert await terminal.run("what") == USAGE
