"""Breaks and reminders as a newcomer meets them: snoozes, partial changes, streaks, words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import World

BERLIN = ZoneInfo("Europe/Berlin")


def at(world: World, local: str) -> None:
    world.clock.set(datetime.fromisoformat(local).replace(tzinfo=BERLIN))


async def snoozed(world: World, user) -> None:
    """Turn on breaks, get the 10:30 nudge and snooze it (due again at 10:40)."""
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T10:30:00")
    assert await world.runtime.core.sweep() == 1
    await user.press("Snooze 10 min", world.chat.inbox_of(user.identity.user_id)[-1].choices)


async def test_a_pause_cancels_a_pending_snooze(world: World) -> None:
    user = world.chat.user("ann")
    await snoozed(world, user)
    await user.say("/pause 2h")
    at(world, "2026-11-24T10:41:00")
    await world.runtime.core.sweep()
    assert len(world.chat.inbox_of("ann")) == 1  # only the first nudge


async def test_the_automatic_pause_cancels_a_pending_snooze(world: World) -> None:
    user = world.chat.user("bob")
    await snoozed(world, user)
    store = world.runtime.store.schedules
    person = await world.runtime.store.people.find(user.identity)
    [schedule] = await store.active_for(person.id)
    schedule.next_due_at, schedule.paused_reason = None, "ignored"  # as after three ignored
    await store.update_state([schedule])
    at(world, "2026-11-24T10:41:00")
    await world.runtime.core.sweep()
    assert len(world.chat.inbox_of("bob")) == 1


async def test_a_snooze_still_comes_when_nothing_is_paused(world: World) -> None:
    user = world.chat.user("cat")
    await snoozed(world, user)
    at(world, "2026-11-24T10:41:00")
    await world.runtime.core.sweep()
    assert len(world.chat.inbox_of("cat")) == 2


async def test_a_partial_breaks_line_changes_only_what_it_names(world: World) -> None:
    user = world.chat.user("dan")
    await user.say("/breaks every 2h")
    hours = await user.say("/breaks 07:00-15:00")
    assert "every 2 hours, 07:00-15:00, Mon-Fri" in hours[-1].text
    days = await user.say("/breaks weekends")
    assert "every 2 hours, 07:00-15:00, Sat, Sun" in days[-1].text
    every = await user.say("/breaks every 45m")
    assert "every 45 min, 07:00-15:00, Sat, Sun" in every[-1].text


async def test_the_guided_hint_keeps_the_interval_just_chosen(world: World) -> None:
    user = world.chat.user("eve")
    await user.say("/breaks every 2h")
    await user.say("/breaks")
    hours = await user.press("Every 45 min")
    assert "/breaks every 45m 07:00-15:00" in hours[-1].text
    typed = await user.say("/breaks every 45m 07:00-15:00")
    assert "every 45 min, 07:00-15:00" in typed[-1].text


async def done_at(world: World, user, local: str) -> None:
    at(world, local)
    assert await world.runtime.core.sweep() == 1
    await user.press("Done", world.chat.inbox_of(user.identity.user_id)[-1].choices)


async def test_changing_the_days_keeps_the_break_streak(world: World) -> None:
    user = world.chat.user("fay")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    for day in ("24", "25", "26"):  # Tue, Wed, Thu
        await done_at(world, user, f"2026-11-{day}T10:30:00")
    await user.say("/breaks sat")
    progress = (await user.say("/progress"))[-1].text
    assert "Break streak: 3 days" in progress
    await user.say("/breaks daily")
    progress = (await user.say("/progress"))[-1].text
    assert "Break streak: 3 days" in progress


async def test_a_nudged_day_without_a_break_ends_the_streak(world: World) -> None:
    user = world.chat.user("gus")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    await done_at(world, user, "2026-11-24T10:30:00")
    at(world, "2026-11-25T10:30:00")
    assert await world.runtime.core.sweep() == 1  # Wednesday: nudged, nothing done
    await done_at(world, user, "2026-11-26T10:30:00")
    progress = (await user.say("/progress"))[-1].text
    assert "Break streak: 1 day" in progress


async def test_a_far_off_next_nudge_says_when_and_why(world: World) -> None:
    user = world.chat.user("hal")
    at(world, "2026-11-28T20:00:00")  # a Saturday evening
    reply = (await user.say("/breaks every 30m"))[-1].text
    assert "Next nudges: Mon 09:30" in reply
    assert "your window is 09:00-17:00, Mon-Fri, in Europe/Berlin time" in reply
    assert "it's Sat 20:00 there now" in reply and "/timezone" in reply
    assert "The first comes 30 min into your window" in reply
    preview = (await user.say("/breaks preview"))[-1].text
    assert "a while off" in preview


async def test_a_next_nudge_soon_needs_no_explanation(world: World) -> None:
    user = world.chat.user("ida")
    reply = (await user.say("/breaks every 30m"))[-1].text  # Tue 10:00 Berlin
    assert "a while off" not in reply


async def test_a_late_reminder_is_set_and_sent(world: World) -> None:
    user = world.chat.user("jo")
    reply = (await user.say("/remind 22:00"))[-1].text
    assert "Practice reminder set: 22:00" in reply
    at(world, "2026-11-24T22:00:00")
    assert await world.runtime.core.sweep() == 1
    assert "Hero pose practice" in world.chat.inbox_of("jo")[-1].text


async def test_an_overnight_window_nudges_through_the_night(world: World) -> None:
    user = world.chat.user("kim")
    reply = (await user.say("/breaks every 1h 17:00-09:00 mon-fri"))[-1].text
    assert "17:00-09:00 overnight, Mon-Fri" in reply
    assert "Next nudges: Tue 18:00, Tue 19:00" in reply
    sent = []
    for hour in range(17, 17 + 24):  # Tue 17:00 to Wed 16:00, sweeping every hour
        world.clock.set(datetime(2026, 11, 24, 0, tzinfo=BERLIN) + timedelta(hours=hour))
        if await world.runtime.core.sweep():
            sent.append(f"{world.clock.now().astimezone(BERLIN):%a %H:%M}")
            await user.press("Done", world.chat.inbox_of("kim")[-1].choices)
        if sent and sent[-1] == "Wed 03:00":
            preview = (await user.say("/breaks preview"))[-1].text
            assert preview.startswith("Next nudges: Wed 04:00, Wed 05:00")
    assert sent == [f"Tue {h:02d}:00" for h in range(18, 24)] + [
        f"Wed {h:02d}:00" for h in range(0, 10)]


async def test_pause_and_settings_speak_plainly(world: World) -> None:
    user = world.chat.user("lee")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    nothing = (await user.say("/resume"))[-1].text
    assert "Nothing was paused" in nothing and "back on" not in nothing
    today = (await user.say("/pause today"))[-1].text
    assert "Paused for the rest of today" in today and "00:00" not in today
    assert "Next one: tomorrow at 09:30" in today
    settings = (await user.say("/settings"))[-1].text
    assert "(paused for the rest of today)" in settings and "paused: user" not in settings
    assert "back on" in (await user.say("/resume"))[-1].text
    at(world, "2026-11-24T10:15:00")
    until = (await user.say("/pause until 14:00"))[-1].text
    assert "Paused until 14:00" in until
    assert "(paused until 14:00)" in (await user.say("/settings"))[-1].text


async def test_new_hours_keep_a_pause(world: World) -> None:
    user = world.chat.user("max")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    await user.say("/pause 2h")  # until 12:00 Berlin
    changed = (await user.say("/breaks 08:00-16:00"))[-1].text
    assert "Next nudges: Tue 12:00" in changed
    assert "(paused until 12:00)" in (await user.say("/settings"))[-1].text
