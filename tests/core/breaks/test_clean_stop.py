"""A clean stop mid-sweep: what was sent is recorded, what wasn't is sent after the restart."""

from __future__ import annotations

import asyncio

from bot.adapters.memory import MemoryChat
from bot.app import build_runtime
from bot.core.context import CoreConfig
from bot.core.events import DeliveryResult, DeliveryStatus, Outbound
from tests.conftest import World
from tests.core.breaks.test_nudges import at


class SlowChat(MemoryChat):
    """A platform that takes 1.5 seconds per message, so a sweep of many is still sending at a stop."""

    async def send(self, message: Outbound) -> DeliveryResult:
        await asyncio.sleep(1.5)
        return await super().send(message)


async def test_stop_mid_sweep_releases_the_unsent_and_the_restart_sends_them(world: World) -> None:
    people = 120
    for n in range(people):
        await world.chat.user(f"p{n}").say("/breaks every 30m 09:00-17:00 mon-fri")
    slow = SlowChat(world.runtime.core)
    world.runtime.router.register("memory", slow)
    at(world, "2026-11-24T10:30:00")
    world.runtime.clockwork.start()
    await asyncio.sleep(0.3)  # the first tick has claimed every slot and is sending
    await world.runtime.stop_sending(grace=0.2)
    await world.runtime.close()
    before = {m.to.user_id for m in slow.outbox}
    assert 0 < len(before) < people

    restarted = await build_runtime(database_url=world.database_url,
                                    config=CoreConfig(default_timezone="Europe/Berlin"),
                                    clock=world.clock)
    chat = MemoryChat(restarted.core)
    restarted.router.register("memory", chat)
    try:
        world.clock.advance(minutes=2)
        assert await restarted.core.sweep() == people - len(before)
        after = [m.to.user_id for m in chat.outbox]
        statuses = [row[0] for row in await restarted.store.db.fetchall(
            "SELECT status FROM nudges", ())]
    finally:
        await restarted.close()
        world.runtime = restarted
    assert sorted(before | set(after)) == sorted(f"p{n}" for n in range(people))
    assert len(after) == len(set(after)) and not before & set(after)
    assert statuses == ["sent"] * people


class Refusing:
    """A platform that refuses every message for good (not a 429: those are waited out)."""

    async def send(self, message: Outbound) -> DeliveryResult:
        return DeliveryResult(DeliveryStatus.FAILED, detail="Bad Request")


async def test_nudges_that_could_not_be_sent_are_counted_in_stats(world: World) -> None:
    await world.chat.user("ann").say("/breaks every 30m 09:00-17:00 mon-fri")
    world.runtime.router.register("memory", Refusing())
    at(world, "2026-11-24T10:30:00")
    assert await world.runtime.core.sweep() == 1
    world.runtime.router.register("memory", world.chat)
    stats = (await world.chat.user("coach").say("/stats"))[-1].text
    assert "Nudges sent: 0" in stats and "could not be sent: 1" in stats
