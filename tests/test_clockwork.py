"""The APScheduler clock: it ticks on its own, wakes up for near timers, and stops cleanly."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.clockwork import Clockwork


async def test_ticks_wake_ups_and_a_clean_stop() -> None:
    calls: list[float] = []
    release = asyncio.Event()

    async def sweep() -> int:
        calls.append(asyncio.get_running_loop().time())
        if len(calls) == 3:
            await release.wait()
        return 1

    clock = Clockwork(every=timedelta(seconds=30))
    clock.attach(sweep)
    clock.start()
    await asyncio.sleep(0.2)
    assert len(calls) == 1  # the first tick runs at start, catching up on anything overdue
    clock.wake_at(datetime.now(UTC) + timedelta(milliseconds=100))
    await asyncio.sleep(0.5)
    assert len(calls) == 2
    clock.wake_at(datetime.now(UTC))
    await asyncio.sleep(0.3)
    assert len(calls) == 3  # this sweep is now stuck until released
    stopping = asyncio.create_task(clock.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()
    release.set()
    await asyncio.wait_for(stopping, 2)


async def test_a_failing_sweep_does_not_stop_the_others() -> None:
    ran = []

    async def broken() -> int:
        raise RuntimeError("boom")

    async def fine() -> int:
        ran.append(1)
        return 2

    clock = Clockwork()
    clock.attach(broken)
    clock.attach(fine)
    assert await clock.tick() == 2 and ran == [1]


async def test_sender_only_sweeps_run_only_while_this_process_leads() -> None:
    ran: list[str] = []
    leading = [False]

    async def leads() -> bool:
        ran.append("asked")
        return leading[0]

    async def timers() -> int:
        ran.append("timers")
        return 1

    async def nudges() -> int:
        ran.append("nudges")
        return 5

    clock = Clockwork(every=timedelta(seconds=30), leads=leads)
    clock.attach(timers)
    clock.attach(nudges, sender_only=True)
    assert await clock.tick() == 1
    assert ran == ["timers", "asked"]
    leading[0] = True
    ran.clear()
    assert await clock.tick() == 6
    assert ran == ["timers", "asked", "nudges"]
