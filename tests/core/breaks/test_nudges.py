"""Nudges and reminders end to end through the in-memory adapter, with a hand-moved clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.adapters.memory import MemoryChat
from bot.app import build_runtime
from bot.cli.schedule import run_preview
from bot.core.breaks import planner
from bot.core.context import CoreConfig
from bot.core.events import DeliveryResult, DeliveryStatus, Outbound
from bot.core.ports import ManualClock
from tests.conftest import COACH, World

BERLIN = ZoneInfo("Europe/Berlin")


def at(world: World, local: str, zone: ZoneInfo = BERLIN) -> None:
    world.clock.set(datetime.fromisoformat(local).replace(tzinfo=zone))


async def nudges_sent(world: World) -> list[str]:
    return [r[0] for r in await world.rows("SELECT status FROM nudges ORDER BY id")]


async def test_one_line_breaks_and_preview_match_the_cli(world: World, capsys) -> None:
    user = world.chat.user("ann")
    reply = await user.say("/breaks every 30m 09:00-17:30 mon-fri")
    assert "Break nudges on: every 30 min, 09:00-17:30, Mon-Fri (Europe/Berlin time)" in reply[-1].text
    assert "Tell me yours with /timezone" in reply[-1].text
    preview = (await user.say("/breaks preview"))[-1].text
    # The clock is Tue 24 Nov 10:00 Berlin; the CLI uses exactly the same rules.
    run_preview(tz="Europe/Berlin", every="30m", window="09:00-17:30", days="mon-fri",
                start="2026-11-24T10:00", count=5)
    expected = [datetime.fromisoformat(line).strftime("%a %H:%M")
                for line in capsys.readouterr().out.split()]
    assert preview == "Next nudges: " + ", ".join(expected)
    again = await user.say("/breaks every 45m")
    assert "Tell me yours" not in again[-1].text  # asked once only


async def test_guided_setup_with_buttons(world: World) -> None:
    user = world.chat.user("ann")
    first = await user.say("/breaks")
    assert first[-1].choices[0].label == "Every 30 min (recommended)"
    await user.press("Every 30 min")
    await user.press("08:30-17:30")
    done = await user.press("Monday to Friday")
    assert "every 30 min, 08:30-17:30, Mon-Fri" in done[-1].text
    assert "Break nudges: every 30 min, 08:30-17:30, Mon-Fri" in (await user.say("/settings"))[-1].text


async def test_bad_input_never_half_saves(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    for line, expect in (("every 5m", "10 min"), ("every 30m 09:00-08:00", "is before the start"),
                         ("every 30m mon-frj", "Did you mean 'fri'"), ("every 30m sometimes", "didn't")):
        reply = await user.say(f"/breaks {line}")
        assert expect in reply[-1].text, (line, reply[-1].text)
    assert "every 30 min, 09:00-17:00, Mon-Fri" in (await user.say("/settings"))[-1].text
    bad_zone = await user.say("/timezone Mars/Olympus")
    assert "don't know the time zone" in bad_zone[-1].text
    bad_time = await user.say("/remind 25:99")
    assert "/remind 07:30" in bad_time[-1].text
    assert "Practice reminder: off" in (await user.say("/settings"))[-1].text


async def test_nudge_arrives_and_done_is_logged(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T10:29:59")
    assert await world.runtime.core.sweep() == 0
    at(world, "2026-11-24T10:30:05")
    assert await world.runtime.core.sweep() == 1
    [nudge] = world.chat.inbox_of("ann")
    assert [c.label for c in nudge.choices] == ["Done", "Snooze 10 min", "Skip", "Pause today"]
    done = await user.press("Done", nudge.choices)
    assert "Break logged" in done[-1].text
    assert "Already noted" in (await user.press("Done", nudge.choices))[-1].text
    progress = (await user.say("/progress"))[-1].text
    assert "Breaks done this week: 1" in progress and "Break streak: 1 day" in progress
    assert await nudges_sent(world) == ["sent"]


async def test_movements_rotate_without_repeats(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    texts = []
    for slot in range(8):
        world.clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=UTC) + timedelta(minutes=30 * slot))
        await world.runtime.core.sweep()
        message = world.chat.inbox_of("ann")[-1]
        await user.press("Done", message.choices)
        texts.append(message.text)
    assert len(set(texts)) == 8


async def test_snooze_resends_once_and_keeps_the_schedule(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T10:30:00")
    await world.runtime.core.sweep()
    reply = await user.press("Snooze", world.chat.inbox_of("ann")[-1].choices)
    assert "again at 10:40" in reply[-1].text and "regular schedule stays" in reply[-1].text
    at(world, "2026-11-24T10:40:01")
    assert await world.runtime.core.sweep() == 1
    assert len(world.chat.inbox_of("ann")) == 2
    at(world, "2026-11-24T10:59:00")
    assert await world.runtime.core.sweep() == 0
    at(world, "2026-11-24T11:00:00")
    assert await world.runtime.core.sweep() == 1
    assert len(world.chat.inbox_of("ann")) == 3


async def test_three_hours_of_downtime_gives_one_catch_up(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T13:45:00")  # six slots missed while "down"
    assert await world.runtime.core.sweep() == 1
    [message] = world.chat.inbox_of("ann")
    assert "offline" in message.text
    assert await world.runtime.core.sweep() == 0
    at(world, "2026-11-24T14:00:00")
    assert await world.runtime.core.sweep() == 1


async def test_three_ignored_nudges_give_one_note_then_pause(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    for minute in ("10:30", "11:00", "11:30", "12:00", "12:30", "13:00"):
        at(world, f"2026-11-24T{minute}:00")
        await world.runtime.core.sweep()
    messages = world.chat.inbox_of("ann")
    assert len(messages) == 4 and "without hearing back" in messages[-1].text
    assert "paused after three nudges went unanswered" in (await user.say("/settings"))[-1].text
    resumed = await user.press("Resume", messages[-1].choices)
    assert "back on" in resumed[-1].text
    at(world, "2026-11-24T13:30:00")
    assert await world.runtime.core.sweep() == 1


async def test_ignored_pause_lifts_when_the_person_acts(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    for minute in ("10:30", "11:00", "11:30", "12:00"):
        at(world, f"2026-11-24T{minute}:00")
        await world.runtime.core.sweep()
    await user.say("why tuck the tail")  # chatting is not asking for nudges back
    at(world, "2026-11-24T12:30:00")
    assert await world.runtime.core.sweep() == 0
    first = world.chat.inbox_of("ann")[0]
    await user.press("Done", first.choices)  # answering a nudge is
    at(world, "2026-11-24T13:00:00")
    assert await world.runtime.core.sweep() == 1


async def test_unreachable_person_is_paused_and_not_retried(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    world.chat.unreachable.add("ann")
    at(world, "2026-11-24T10:30:00")
    assert await world.runtime.core.sweep() == 1
    assert await nudges_sent(world) == ["unreachable"]
    for minute in ("11:00", "11:30", "12:00"):
        at(world, f"2026-11-24T{minute}:00")
        assert await world.runtime.core.sweep() == 0
    [(reason, due)] = await world.rows("SELECT paused_reason, next_due_at FROM schedules")
    assert reason == "unreachable" and due is None
    assert (await world.rows("SELECT unreachable_at FROM people"))[0][0] is not None
    world.chat.unreachable.clear()
    back = await user.say("hi")
    assert back[0].text.startswith("Welcome back!")


async def test_pause_and_resume(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    reply = await user.say("/pause 2h")
    assert "Paused until 12:00" in reply[-1].text
    for minute in ("10:30", "11:00", "11:30"):
        at(world, f"2026-11-24T{minute}:00")
        assert await world.runtime.core.sweep() == 0
    at(world, "2026-11-24T12:00:00")
    assert await world.runtime.core.sweep() == 1
    await user.press("Pause today", world.chat.inbox_of("ann")[-1].choices)
    at(world, "2026-11-24T12:30:00")
    assert await world.runtime.core.sweep() == 0
    assert "back on" in (await user.say("/resume"))[-1].text
    at(world, "2026-11-24T13:00:00")
    assert await world.runtime.core.sweep() == 1
    assert "Try 30m, 2h, today" in (await user.say("/pause forever"))[-1].text


async def test_daily_reminder_starts_a_session(world: World) -> None:
    user = world.chat.user("ann")
    reply = await user.say("/remind 7:30 am weekdays")
    assert "07:30, Mon-Fri" in reply[-1].text and "Wed 25 Nov 07:30" in reply[-1].text
    # A reminder time the person chose is theirs, even in quiet hours.
    assert "reminder set: 23:00" in (await user.say("/remind 23:00"))[-1].text
    await user.say("/remind 7:30 am weekdays")
    at(world, "2026-11-25T07:30:00")
    assert await world.runtime.core.sweep() == 1
    message = world.chat.inbox_of("ann")[-1]
    assert message.choices[0].label == "Start session"
    started = await user.press("Start session", message.choices)
    assert "Quick check" in started[-1].text
    assert "stops it" not in (await user.say("/remind off"))[-1].text


async def test_daily_cap_and_quiet_hours(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/timezone UTC")
    await user.say("/breaks every 10m 06:00-21:59 daily")
    sent = 0
    for step in range(6 * 16):
        world.clock.set(datetime(2026, 11, 25, 6, 10, tzinfo=UTC) + timedelta(minutes=10 * step))
        sent += await world.runtime.core.sweep()
        for message in world.chat.inbox_of("ann")[-1:]:
            if message.choices and message.choices[0].label == "Done":
                await user.press("Done", message.choices)
    assert sent == 20


async def dst_local_slots(zone: str, start: datetime, days: int) -> list[str]:
    clock = ManualClock(start)
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    runtime = await build_runtime(database_url=f"sqlite:///{folder / 'dst.db'}",
                                  config=CoreConfig(default_timezone=zone), clock=clock)
    chat = MemoryChat(runtime.core)
    runtime.router.register("memory", chat)
    user = chat.user("dst")
    await user.say("/breaks every 30m 09:00-17:30 mon-fri")
    seen = []
    end = start + timedelta(days=days)
    while clock.now() < end:
        clock.advance(minutes=5)
        if await runtime.core.sweep():
            message = chat.outbox[-1]
            seen.append(clock.now().astimezone(ZoneInfo(zone)).strftime("%a %H:%M"))
            await user.press("Done", message.choices)
    await runtime.close()
    return seen


async def test_dst_neither_skips_nor_doubles() -> None:
    for zone, start in (("Europe/Berlin", datetime(2026, 3, 27, 6, 0, tzinfo=UTC)),
                        ("Europe/Berlin", datetime(2026, 10, 23, 6, 0, tzinfo=UTC)),
                        ("America/New_York", datetime(2026, 3, 6, 12, 0, tzinfo=UTC)),
                        ("America/New_York", datetime(2026, 10, 30, 12, 0, tzinfo=UTC))):
        seen = await dst_local_slots(zone, start, 4)
        days = sorted({s.split()[0] for s in seen})
        assert days == ["Fri", "Mon"], (zone, days)
        for day in days:
            times = [s.split()[1] for s in seen if s.startswith(day)]
            expected = [f"{h:02d}:{m:02d}" for h in range(9, 18) for m in (0, 30)][1:]
            assert times == expected, (zone, day, times)


async def test_two_sweepers_on_one_database_send_each_slot_once(world: World) -> None:
    for n in range(30):
        await world.chat.user(f"p{n}").say("/breaks every 30m 09:00-17:00 mon-fri")
    second = await build_runtime(database_url=world.database_url,
                                 config=CoreConfig(default_timezone="Europe/Berlin"), clock=world.clock)
    other = MemoryChat(second.core)
    second.router.register("memory", other)
    try:
        at(world, "2026-11-24T10:30:00")
        counts = await asyncio.gather(world.runtime.core.sweep(), second.core.sweep(),
                                      world.runtime.core.sweep(), second.core.sweep())
        assert sum(counts) == 30
        assert len(world.chat.outbox) + len(other.outbox) == 30
        assert len({m.to.user_id for m in world.chat.outbox + other.outbox}) == 30
    finally:
        await second.close()


class StuckDelivery:
    """A platform that accepts the message and then never returns: the process dies here."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def send(self, message: Outbound) -> DeliveryResult:
        self.entered.set()
        await asyncio.Event().wait()
        return DeliveryResult(DeliveryStatus.SENT)


async def test_crash_mid_sweep_then_restart_sends_no_duplicate(world: World) -> None:
    await world.chat.user("ann").say("/breaks every 30m 09:00-17:00 mon-fri")
    stuck = StuckDelivery()
    world.runtime.router.register("memory", stuck)
    at(world, "2026-11-24T10:30:00")
    sweep = asyncio.create_task(world.runtime.core.sweep())
    await asyncio.wait_for(stuck.entered.wait(), 5)
    sweep.cancel()
    await world.runtime.close()

    restarted = await build_runtime(database_url=world.database_url,
                                    config=CoreConfig(default_timezone="Europe/Berlin"), clock=world.clock)
    chat = MemoryChat(restarted.core)
    restarted.router.register("memory", chat)
    world.runtime = restarted  # the fixture closes it
    world.clock.advance(seconds=30)
    assert await restarted.core.sweep() == 0
    assert chat.outbox == []
    at(world, "2026-11-24T11:00:00")
    assert await restarted.core.sweep() == 1
    assert (await nudges_sent(world))[-1] == "sent"


async def test_changing_time_zone_keeps_local_times(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    await user.say("/timezone America/New_York")
    preview = (await user.say("/breaks preview"))[-1].text
    assert preview.startswith("Next nudges: Tue 09:30")  # 04:00 in New York: next is 09:30 there
    at(world, "2026-11-24T09:30:00", ZoneInfo("America/New_York"))
    assert await world.runtime.core.sweep() == 1


async def test_claims_a_dead_process_left_are_marked_lost_at_start_up_and_counted(world: World) -> None:
    await world.chat.user("ann").say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T10:30:00")
    plan = partial(planner.plan, movement_ids=("walk",))
    # Claimed and committed, then the process died before sending.
    claims, _ = await world.runtime.store.schedules.claim_batch(world.clock.now(), plan, 200)
    assert len(claims) == 1
    await world.runtime.close()
    world.clock.advance(minutes=11)
    restarted = await build_runtime(
        database_url=world.database_url, clock=world.clock,
        config=CoreConfig(coach_ids=frozenset({COACH}), default_timezone="Europe/Berlin"))
    chat = MemoryChat(restarted.core)
    restarted.router.register("memory", chat)
    world.runtime = restarted  # the fixture closes it
    assert await nudges_sent(world) == ["lost"]
    assert await restarted.core.sweep() == 0 and chat.outbox == []  # never resent
    stats = (await chat.user("coach").say("/stats"))[-1].text
    assert "Nudges lost in a crash (claimed, never sent): 1" in stats
