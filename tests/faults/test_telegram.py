"""The issue 16 fault table, re-measured: `python -m bot` against a misbehaving Telegram emulator.

Each scenario is bounded in time and asserts the promise (nothing lost, no duplicate, alive,
answered, exits as a process manager expects). Scenarios marked `faults` take a minute or
more and run in `make test-faults`; the rest run in `make test`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from tests.faults.harness import (
    SIGTERM,
    FaultyTelegram,
    nudge_statuses,
    person,
    seed_due_nudges,
    start_bot,
    until,
)
from tests.telegram import updates
from tests.telegram.harness import TOKEN
from tests.telegram.test_polling import poison_poll


async def test_a_poison_update_is_skipped_and_the_next_message_answered(tmp_path: Path) -> None:
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, tmp_path / "bot.db")
        try:
            polls = len(emu.calls_to("getUpdates"))
            emu.inject(poison_poll(person(1)))
            emu.inject(updates.command(person(2), "/start"))
            await until(lambda: emu.answered()[person(2).id], 10, "the /start after the poison")
            await asyncio.sleep(2)
            assert len(emu.calls_to("getUpdates")) - polls < 20  # no busy loop on one batch
            assert emu.update_queue.pending == 0  # the poison was confirmed
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
    assert code == 0, bot.log
    warnings = [line for line in bot.lines if " WARNING " in line or " CRITICAL " in line]
    assert len(warnings) == 1 and "skipped telegram update 1 (message)" in warnings[0], warnings
    assert "Traceback" not in bot.log and "Best pose" not in bot.log


async def test_a_token_revoked_while_running_exits_2_with_one_line(tmp_path: Path) -> None:
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, tmp_path / "bot.db", LOG_LEVEL="WARNING")
        try:
            emu.token = "revoked"
            code = await bot.wait(within=15)
        finally:
            await bot.kill()
    assert code == 2, bot.log
    assert bot.lines == ["herocoach: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather\n"]


async def test_the_token_is_never_in_a_log_line_even_at_debug(tmp_path: Path) -> None:
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, tmp_path / "bot.db", LOG_LEVEL="DEBUG")
        try:
            emu.inject(updates.command(person(1), "/help"))
            emu.inject(poison_poll(person(2)))
            await until(lambda: emu.answered()[person(1).id], 10, "the /help")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
    assert code == 0
    assert " DEBUG " in bot.log and TOKEN not in bot.log
    assert TOKEN.split(":")[1] not in bot.log


async def test_sigterm_mid_sweep_exits_in_time_and_the_restart_sends_the_rest(tmp_path: Path) -> None:
    db, people = tmp_path / "bot.db", 400
    await seed_due_nudges(db, people)
    async with FaultyTelegram() as emu:
        emu.know(people)
        emu.latency = 0.05  # 400 nudges take longer than a stop may
        bot = await start_bot(emu, db)
        try:
            await until(lambda: sum(emu.answered().values()) >= 20, 20, "the sweep sending")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
        first_run = sum(emu.answered().values())
        statuses = nudge_statuses(db)
        restarted = await start_bot(emu, db)
        try:
            await until(lambda: sum(emu.answered().values()) >= people, 60, "the rest after restart")
            await asyncio.sleep(1)
            await restarted.signal(SIGTERM)
        finally:
            await restarted.kill()
        answered = emu.answered()
    assert code == 0 and bot.stopped_in is not None and bot.stopped_in < 10, bot.log[-2000:]
    assert "Traceback" not in bot.log and "not initialized" not in bot.log
    assert 0 < first_run < people and statuses["claimed"] == 0, statuses
    assert statuses["sent"] == first_run
    assert len(answered) == people and set(answered.values()) == {1}  # none lost, no duplicate
    assert nudge_statuses(db) == {"sent": people}


@pytest.mark.faults
async def test_sigterm_with_a_backlog_then_sigkill_loses_no_update(tmp_path: Path) -> None:
    db, backlog = tmp_path / "bot.db", 450
    async with FaultyTelegram() as emu:
        emu.latency = 0.05
        bot = await start_bot(emu, db)
        try:
            for n in range(backlog):
                emu.inject(updates.command(person(n), "/help"))
            await until(lambda: len(emu.answered()) >= 30, 20, "the backlog being worked")
            started = time.monotonic()
            bot.process.send_signal(SIGTERM)
            try:
                await bot.wait(within=10)
            except AssertionError:
                pass
            stopped_in = time.monotonic() - started
            await bot.kill()
            code = bot.process.returncode
            first_run = len(emu.answered())
            restarted = await start_bot(emu, db)
            try:
                await until(lambda: len(emu.answered()) >= backlog, 90, "every update answered")
                await asyncio.sleep(1)
                await restarted.signal(SIGTERM)
            finally:
                await restarted.kill()
        finally:
            await bot.kill()
        answered = emu.answered()
        repeats = sum(len(texts) - len(set(texts)) for texts in (
            [m["text"] for m in emu.sent_messages(person(n).id)] for n in range(backlog)))
    assert code == 0 and stopped_in < 10, bot.log[-2000:]
    assert first_run < backlog
    assert len(answered) == backlog
    # A new member's first /help gets a welcome too; a handled update handled again would
    # repeat a text in its chat.
    assert set(answered.values()) <= {1, 2}, Counter(answered.values())
    assert repeats == 0


async def test_sigkill_mid_sweep_then_restart_duplicates_nothing(tmp_path: Path) -> None:
    db, people = tmp_path / "bot.db", 400
    await seed_due_nudges(db, people)
    async with FaultyTelegram() as emu:
        emu.know(people)
        emu.latency = 0.05
        bot = await start_bot(emu, db)
        try:
            await until(lambda: sum(emu.answered().values()) >= 20, 20, "the sweep sending")
        finally:
            await bot.kill()
        statuses = nudge_statuses(db)
        restarted = await start_bot(emu, db)
        try:
            await asyncio.sleep(3)
            await restarted.signal(SIGTERM)
        finally:
            await restarted.kill()
        answered = emu.answered()
    # The claims the crash cut off stay unsent (the batch size bounds them; see the README).
    lost = people - len(answered)
    print(f"SIGKILL mid-sweep: {statuses['claimed']} claims cut off, {lost} of {people} never sent")  # noqa: T201
    assert set(answered.values()) == {1}


@pytest.mark.faults
async def test_a_429_storm_loses_nothing_and_never_sends_early(tmp_path: Path) -> None:
    db, nudged, talkers = tmp_path / "bot.db", 20, 45
    await seed_due_nudges(db, nudged, due_ago=timedelta(seconds=-8))
    async with FaultyTelegram() as emu:
        emu.know(nudged)
        bot = await start_bot(emu, db)
        try:
            emu.storm_share = 0.3
            for round_ in range(2):
                for n in range(talkers):
                    emu.inject(updates.command(person(100 + n), "/help"))
                    await asyncio.sleep(0.15)
                del round_
            await asyncio.sleep(20)
            emu.storm_share = 0.0
            await until(lambda: all(len(emu.sent_messages(person(100 + n).id)) == 3
                                    for n in range(talkers)), 150, "every reply")
            await until(lambda: nudge_statuses(db)["sent"] == nudged, 150, "every nudge")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
        answered = emu.answered()
    print(f"429 storm: {emu.refused} sends refused, {len(emu.early)} sent early")  # noqa: T201
    assert code == 0
    assert emu.refused > 20 and emu.early == []
    assert all(answered[person(n).id] == 1 for n in range(nudged))
    assert nudge_statuses(db) == {"sent": nudged}


@pytest.mark.faults
async def test_the_api_down_for_a_while_costs_no_nudge_and_polling_resumes(tmp_path: Path) -> None:
    db, nudged = tmp_path / "bot.db", 4
    await seed_due_nudges(db, nudged, due_ago=timedelta(seconds=-10))
    async with FaultyTelegram() as emu:
        emu.know(nudged)
        bot = await start_bot(emu, db)
        try:
            await emu.outage(45)
            back = time.monotonic()
            polls = len(emu.calls_to("getUpdates"))
            await until(lambda: len(emu.calls_to("getUpdates")) > polls, 30, "polling again")
            resumed_in = time.monotonic() - back
            emu.inject(updates.command(person(50), "/start"))
            await until(lambda: emu.answered()[person(50).id] >= 1, 10, "the /start after")
            await until(lambda: nudge_statuses(db)["sent"] == nudged, 40, "the nudges due meanwhile")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
        answered = emu.answered()
    print(f"API down: polling resumed {resumed_in:.1f}s after recovery")  # noqa: T201
    assert code == 0 and resumed_in < 6
    assert all(answered[person(n).id] == 1 for n in range(nudged))


@pytest.mark.faults
async def test_a_start_after_a_flood_is_answered_once_it_reaches_the_front(tmp_path: Path) -> None:
    flood, strangers = 1500, 500
    words = ("hip", "knee", "block", "tail", "asdf", "why", "towel", "sore", "breathe", "pose")
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, tmp_path / "bot.db")
        try:
            started = time.monotonic()
            for n in range(flood):
                who = person(1000 + n % strangers)
                kind = n % 3
                if kind == 0:
                    emu.inject(updates.sticker(who))
                elif kind == 1:
                    emu.inject(updates.command(who, "/help"))
                else:
                    text = " ".join(emu.rng.choice(words) for _ in range(emu.rng.randint(1, 8)))
                    emu.inject(updates.private_message(who, text))
            start = emu.inject(updates.command(person(1), "/start"))["update_id"]
            await until(lambda: emu.answered()[person(1).id] >= 1, 240, "the /start")
            answered_at = time.monotonic()
            await until(lambda: emu.update_queue.pending == 0, 300, "the whole flood")
            worked_in = time.monotonic() - started
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
    waited = answered_at - emu.fetched[start]
    print(f"flood: {flood} updates worked through in {worked_in:.0f}s; the /start after them "  # noqa: T201
          f"answered {waited:.1f}s after it was fetched, {answered_at - started:.0f}s after the flood began")
    assert code == 0 and waited < 5


async def test_long_questions_in_one_chat_hold_up_no_other_chat(tmp_path: Path) -> None:
    clause = "my left knee aches when I kneel on the block but not on the blanket, "
    question = (clause * 40)[:1990]
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, tmp_path / "bot.db")
        try:
            emu.inject(updates.command(person(1), "/start"))
            await until(lambda: emu.answered()[person(1).id] >= 1, 10, "the first /start")
            for _ in range(5):
                emu.inject(updates.private_message(person(1), question))
            start = emu.inject(updates.command(person(2), "/start"))["update_id"]
            await until(lambda: emu.answered()[person(2).id] >= 1, 30, "the other chat's /start")
            waited = time.monotonic() - emu.fetched[start]
            await until(lambda: emu.answered()[person(1).id] >= 6, 120, "the five answers")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
    print(f"five 1,990-character questions: another chat's /start answered in {waited:.1f}s")  # noqa: T201
    assert code == 0 and waited < 3


async def test_500s_and_malformed_json_from_the_api_are_survived_quietly(tmp_path: Path) -> None:
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, tmp_path / "bot.db")
        try:
            emu.broken_polls = 4
            await until(lambda: emu.broken_polls == 0, 20, "four broken polls")
            emu.inject(updates.command(person(3), "/start"))
            await until(lambda: emu.answered()[person(3).id] >= 1, 20, "the /start after the faults")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
    warnings = [line for line in bot.lines if " WARNING " in line or " ERROR " in line]
    assert code == 0 and emu.broken_polls == 0
    # Our one warning for the run of failed polls, and PTB's one error (with its traceback)
    # for the malformed JSON; the repeats are held back.
    assert 1 <= len(warnings) <= 2, warnings


async def test_another_process_locking_the_database_for_15s_costs_no_update(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    async with FaultyTelegram() as emu:
        bot = await start_bot(emu, db)
        try:
            locker = sqlite3.connect(db, isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
            emu.inject(updates.command(person(4), "/start"))
            await asyncio.sleep(15)
            locker.execute("COMMIT")
            locker.close()
            await until(lambda: emu.answered()[person(4).id] >= 1, 20, "the /start after the lock")
            emu.inject(updates.command(person(5), "/start"))
            await until(lambda: emu.answered()[person(5).id] >= 1, 10, "a /start after that")
            code = await bot.signal(SIGTERM)
        finally:
            await bot.kill()
    texts = [m["text"] for m in emu.sent_messages(person(4).id)]
    print(f"database locked 15 s: {len(texts)} replies to the /start sent meanwhile: "  # noqa: T201
          f"{[t[:40] for t in texts]}; {sum(' ERROR ' in line for line in bot.lines)} ERROR lines")
    # Waiting out the lock is the storage's busy timeout; what this promises is that the
    # person hears back (an apology at worst) and the bot goes on answering.
    assert code == 0 and texts
