"""The console chat as a person uses it: `python -m bot console` with a script on stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleChat
from bot.core.events import ButtonPress, Choice, Command, Identity, Outbound, Text
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def run_console(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=script, capture_output=True, text=True,
        timeout=60, env=env, cwd=tmp_path,
    )


def test_scripted_hero_session_by_pressing_1_and_a_question(tmp_path: Path) -> None:
    script = "/start\n/hero\n" + "1\n" * 10 + "why do i need to tuck my tail\n"
    done = run_console(tmp_path, script, "console", "--user", "ann")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "not a clinician" in out
    assert "Set up: High seat" in out and "round 3 of 3" in out and "hold still for" in out
    # On the 0-10 check-in a typed number is the value: "1" is 1/10, not the first button.
    assert "Logged: High seat, intensity 1/10, felt most: front of thighs." in out
    assert "tuck the tail" in out.lower() and "[1] 👍 Helpful" in out
    assert "Traceback" not in done.stderr


def test_make_run_path_opens_console_without_tokens(tmp_path: Path) -> None:
    done = run_console(tmp_path, "/help\n")
    assert done.returncode == 0, done.stderr
    assert "/hero - a guided" in done.stdout


def test_progress_survives_a_restart(tmp_path: Path) -> None:
    run_console(tmp_path, "/hero\n" + "1\n" * 10, "console", "--user", "bo")
    again = run_console(tmp_path, "/progress\n", "console", "--user", "bo")
    assert "Sessions completed: 1" in again.stdout


@pytest.fixture
def console(world: World, tmp_path: Path):
    out = (tmp_path / "out.txt").open("w+", encoding="utf-8")
    chat = ConsoleChat(world.runtime.core, "ann", out=out, interactive=False)
    world.runtime.router.register("console", chat)
    yield chat, out
    out.close()


async def test_numbers_and_labels_press_the_latest_buttons(console) -> None:
    chat, _ = console
    chat.choices = [Choice("Done holding", "h:1:hold:ok"), Choice("Stop", "h:1:hold:stop")]
    assert isinstance(chat.to_event("2"), ButtonPress)
    assert chat.to_event("done HOLDING").payload == "h:1:hold:ok"
    assert isinstance(chat.to_event("3"), Text)
    assert isinstance(chat.to_event("/hero now"), Command)
    assert chat.to_event("   ") is None


async def test_messages_sent_on_its_own_are_printed(console) -> None:
    chat, out = console
    result = await chat.send(Outbound(Identity("console", "ann"), "Time's up.",
                                      [Choice("Check in", "h:1:hold:ok")]))
    assert result.ok
    assert not (await chat.send(Outbound(Identity("console", "bob"), "hi"))).ok
    out.seek(0)
    printed = out.read()
    assert "bot> Time's up." in printed and "[1] Check in" in printed
    assert chat.choices[0].label == "Check in"


async def test_scripted_console_session_gets_a_nudge_and_presses_done(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.app import build_runtime
    from bot.core.context import CoreConfig
    from bot.core.ports import ManualClock

    clock = ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    runtime = await build_runtime(
        database_url=f"sqlite:///{tmp_path / 'c.db'}", clock=clock,
        config=CoreConfig(default_timezone="UTC", min_break_interval=timedelta(minutes=1)))
    out = (tmp_path / "out.txt").open("w+", encoding="utf-8")
    chat = ConsoleChat(runtime.core, "ann", out=out, interactive=False)
    runtime.router.register("console", chat)
    try:
        for line in ("/breaks every 1m 09:00-17:00 mon-fri",):
            await chat.handle_line(line)
        clock.advance(minutes=1, seconds=1)
        assert await runtime.core.sweep() == 1
        await chat.handle_line("n1")
        await chat.handle_line("/progress")
    finally:
        await runtime.close()
    out.seek(0)
    printed = out.read()
    assert "Break nudges on: every 1 min" in printed
    assert "bot> Time to get up" in printed and "[n1] Done" in printed
    assert "Break logged" in printed and "Breaks done this week: 1" in printed


def test_pictures_print_their_path_and_no_images_silences_them(tmp_path: Path) -> None:
    script = "/hero\n" + "1\n" * 10 + "/progress\n"
    done = run_console(tmp_path, script, "console", "--user", "cy")
    assert done.returncode == 0, done.stderr
    pictures = [line.strip() for line in done.stdout.splitlines() if "[picture: " in line]
    shown = [line.removeprefix("[picture: ").removesuffix("]") for line in pictures]
    assert shown[:2] == [str(ROOT / "content" / "images" / "high.png"),
                         str(ROOT / "content" / "images" / "tail-tuck.png")]
    chart = Path(shown[-1])
    assert chart.name.endswith("progress.png") and "herocoach-charts-" in str(chart.parent)
    assert not chart.exists()  # the chart was only kept while the chat ran
    assert "Chart: 1 session in the last 12 weeks" in done.stdout

    quiet = run_console(tmp_path, script, "console", "--user", "di", "--no-images")
    assert quiet.returncode == 0, quiet.stderr
    assert "[picture: " not in quiet.stdout and "Set up: High seat" in quiet.stdout
