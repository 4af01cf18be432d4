"""A break nudge never lands in the middle of a /hero session."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import World
from tests.core.breaks.test_nudges import BERLIN


def at(world: World, local: str) -> None:
    world.clock.set(datetime.fromisoformat(local).replace(tzinfo=BERLIN))


async def nudge_rows(world: World) -> list[tuple[str, str | None]]:
    return await world.rows("SELECT status, response FROM nudges ORDER BY id")


async def test_break_slots_during_an_open_hero_session_are_skipped_not_sent(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T10:29:30")
    await user.say("/hero")
    for minute in ("10:30", "11:00"):  # two slots while the session is open
        at(world, f"2026-11-24T{minute}:01")
        assert await world.runtime.core.sweep() == 1
    assert world.chat.inbox_of("ann") == []
    # Skipped because the person was busy with the bot, so they don't count as ignored.
    assert await nudge_rows(world) == [("held", "held")] * 2
    # An hour on, the open session no longer counts as in progress: the next slot is an
    # ordinary nudge, not "I'll stop for now" after a run of unanswered ones.
    at(world, "2026-11-24T11:30:01")
    assert await world.runtime.core.sweep() == 1
    [nudge] = world.chat.inbox_of("ann")
    assert nudge.text.startswith("Time to get up")
    assert "paused" not in (await user.say("/settings"))[-1].text.lower()


async def test_a_session_abandoned_long_ago_does_not_silence_nudges(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T09:05:00")
    await user.say("/hero")
    at(world, "2026-11-24T10:30:01")
    assert await world.runtime.core.sweep() == 1
    [nudge] = world.chat.inbox_of("ann")
    assert "Time to get up" in nudge.text


async def test_nudges_resume_once_the_session_ends(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/breaks every 30m 09:00-17:00 mon-fri")
    at(world, "2026-11-24T10:25:00")
    await user.say("/hero")
    await user.press("Stop")
    at(world, "2026-11-24T10:30:01")
    assert await world.runtime.core.sweep() == 1
    assert len(world.chat.inbox_of("ann")) == 1
