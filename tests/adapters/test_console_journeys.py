"""The console as a newcomer meets it: quitting, their name, typed values, nudges, two consoles."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from bot.adapters import console as console_module
from bot.adapters.console import ConsoleChat, default_user
from bot.app import build_runtime
from bot.core.context import CoreConfig
from bot.core.events import ButtonPress, Choice, Identity, Outbound
from tests.adapters.test_console import run_console
from tests.conftest import World


def _read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen, deadline = b"", time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_quit_at_once_and_cleanly(key: bytes, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        env.pop(name, None)
    bot = subprocess.Popen([sys.executable, "-m", "bot", "console", "--user", "ann"],
                           stdin=follower, stdout=follower, stderr=follower, env=env,
                           cwd=tmp_path, start_new_session=True,
                           # The pty becomes the bot's terminal, so Ctrl-C there is SIGINT.
                           preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(follower)
    try:
        assert b"you> " in _read_until(leader, b"you> ", 180)
        # The terminal turns the key into SIGINT (Ctrl-C) or end of input (Ctrl-D).
        os.write(leader, key)
        start = time.monotonic()
        code = bot.wait(timeout=20)
        quit_after = time.monotonic() - start
        tail = _read_until(leader, b"\x00", 1)
    finally:
        if bot.poll() is None:
            bot.kill()
        os.close(leader)
    assert code == 0
    assert quit_after < 5, f"took {quit_after:.1f}s to quit"
    assert b"Traceback" not in tail and b"Bye!" in tail


def test_default_name_is_the_os_user_name(tmp_path: Path, monkeypatch) -> None:
    env_user = {"LOGNAME": "zoe", "USER": "zoe", "LNAME": "zoe", "USERNAME": "zoe"}
    for key, value in env_user.items():
        monkeypatch.setenv(key, value)
    done = run_console(tmp_path, "/start\n", "console")
    assert "Hi zoe!" in done.stdout and "Hi you" not in done.stdout


def test_default_name_falls_back_to_guest(monkeypatch) -> None:
    def no_user() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(console_module.getpass, "getuser", no_user)
    assert default_user() == "guest"


@pytest.fixture
def chat(world: World, tmp_path: Path):
    out = (tmp_path / "out.txt").open("w+", encoding="utf-8")
    chat = ConsoleChat(world.runtime.core, "ann", out=out, interactive=False)
    world.runtime.router.register("console", chat)
    yield chat
    out.close()


def printed(chat: ConsoleChat) -> str:
    chat.out.seek(0)
    return chat.out.read()


async def test_a_typed_number_on_the_check_in_scale_is_the_value(chat) -> None:
    scale = [Choice(str(n), f"h:1:i:{n}") for n in range(11)] + [Choice("Stop", "h:1:stop")]
    chat.show("How intense was it?", scale)
    assert "[8] 8" in printed(chat) and "[11] Stop" in printed(chat) and "[12]" not in printed(chat)
    assert chat.to_event("11").payload == "h:1:stop"
    assert chat.to_event("8").payload == "h:1:i:8"
    assert chat.to_event("0").payload == "h:1:i:0"
    assert chat.to_event("5/10").payload == "h:1:i:5"
    assert chat.to_event(" 10 / 10 ").payload == "h:1:i:10"
    assert not isinstance(chat.to_event("12"), ButtonPress)


async def test_a_nudge_mid_session_keeps_the_sessions_numbers(chat, world: World) -> None:
    await chat.handle_line("/hero")
    session_buttons = list(chat.choices)
    assert session_buttons and all(c.payload.startswith("h:") for c in session_buttons)
    nudge = [Choice("Done", "n:7:done"), Choice("Snooze 10 min", "n:7:snooze")]
    assert (await chat.send(Outbound(Identity("console", "ann"), "Time to get up.", nudge))).ok
    out = printed(chat)
    assert "[n1] Done" in out and "[n2] Snooze 10 min" in out
    assert chat.to_event("1").payload == session_buttons[0].payload
    assert chat.to_event("n1").payload == "n:7:done"
    # A message without buttons doesn't take the session's buttons away either.
    await chat.send(Outbound(Identity("console", "ann"), "The coach answered your question: ..."))
    assert chat.to_event("1").payload == session_buttons[0].payload


async def test_no_break_nudge_interrupts_a_console_session(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.core.ports import ManualClock

    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    runtime = await build_runtime(
        database_url=f"sqlite:///{tmp_path / 'c.db'}", clock=clock,
        config=CoreConfig(default_timezone="UTC", min_break_interval=timedelta(minutes=1)))
    out = (tmp_path / "out.txt").open("w+", encoding="utf-8")
    chat = ConsoleChat(runtime.core, "ann", out=out, interactive=False)
    runtime.router.register("console", chat)
    try:
        await chat.handle_line("/breaks every 1m 09:00-17:00 mon-fri")
        await chat.handle_line("/hero")
        first_step = chat.choices[0].payload
        clock.advance(minutes=1, seconds=1)
        await runtime.core.sweep()
        assert chat.side_choices == [] and chat.to_event("1").payload == first_step
        assert "Break logged" not in printed(chat) and "Time to get up" not in printed(chat)
    finally:
        await runtime.close()
        out.close()


async def test_two_consoles_on_one_database_coach_answer_reaches_the_waiting_member(
        tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    config = CoreConfig(default_timezone="UTC", coach_ids=frozenset({"console:coach"}))
    member_side = await build_runtime(database_url=db, config=config)
    coach_side = await build_runtime(database_url=db, config=config)
    member_out = (tmp_path / "member.txt").open("w+", encoding="utf-8")
    coach_out = (tmp_path / "coach.txt").open("w+", encoding="utf-8")
    member = ConsoleChat(member_side.core, "ann", out=member_out, interactive=False)
    coach = ConsoleChat(coach_side.core, "coach", out=coach_out, interactive=False)
    member_side.router.register("console", member)
    coach_side.router.register("console", coach)
    try:
        await member.handle_line("/ask can you recommend a good pizza place in town?")
        assert "to the coach" in printed(member)
        await coach.handle_line("/inbox")
        assert "#1 from ann" in printed(coach)
        await coach.handle_line("/answer 1 Try the one by the station.")
        confirmation = printed(coach).rsplit("bot> ", 1)[-1]
        assert "Saved your answer to #1 for ann" in confirmation
        assert "couldn't" not in confirmation
        # The member's console, waiting at its prompt, finds the answer in the database.
        assert await member.deliver_pending() == 1
        assert "The coach answered your question" in printed(member)
        assert "Try the one by the station." in printed(member)
        assert await member.deliver_pending() == 0  # shown once
    finally:
        await member_side.close()
        await coach_side.close()
        member_out.close()
        coach_out.close()
