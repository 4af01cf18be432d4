"""The delivery layer: pacing, concurrency, retry after a rate limit, unreachable people."""

from __future__ import annotations

import asyncio
import time

from bot.core.events import DeliveryResult, DeliveryStatus, Identity, Outbound
from bot.delivery import Limits, Router


class Recorder:
    def __init__(self, slow: set[str] = frozenset(), script: list[DeliveryResult] | None = None):
        self.calls: list[tuple[str, float]] = []
        self.slow = slow
        self.script = list(script or [])

    async def send(self, message: Outbound) -> DeliveryResult:
        self.calls.append((message.to.user_id, time.monotonic()))
        if message.to.user_id in self.slow:
            await asyncio.sleep(0.5)
        if self.script:
            return self.script.pop(0)
        return DeliveryResult(DeliveryStatus.SENT, "1")


def out(user: str) -> Outbound:
    return Outbound(Identity("x", user), "hi")


async def test_one_chat_is_spaced_and_others_are_not_held_up() -> None:
    sender = Recorder(slow={"slow"})
    router = Router()
    router.register("x", sender, Limits(per_second=200, per_chat_interval=0.1))
    started = time.monotonic()
    done: list[str] = []

    async def send(user: str) -> None:
        await router.send(out(user))
        done.append(user)

    await asyncio.gather(*(send(u) for u in ["slow", "a", "a", "a", *[f"c{i}" for i in range(10)]]))
    a_times = [t for user, t in sender.calls if user == "a"]
    assert all(later - earlier >= 0.1 for earlier, later in zip(a_times, a_times[1:], strict=False))
    # the slow chat (0.5 s per send) finishes last: nobody waited behind it
    assert done[-1] == "slow" and done.count("a") == 3
    assert time.monotonic() - started < 3.0


async def test_overall_rate_is_respected() -> None:
    sender = Recorder()
    router = Router()
    router.register("x", sender, Limits(per_second=50))
    started = time.monotonic()
    await asyncio.gather(*(router.send(out(f"u{i}")) for i in range(26)))
    assert time.monotonic() - started >= 0.48


async def test_rate_limited_is_retried_after_retry_after() -> None:
    sender = Recorder(script=[DeliveryResult(DeliveryStatus.RATE_LIMITED, retry_after=0.2),
                              DeliveryResult(DeliveryStatus.SENT, "9")])
    router = Router()
    router.register("x", sender, Limits(per_second=100))
    result = await router.send(out("a"))
    assert result.ok and result.message_id == "9"
    assert len(sender.calls) == 2 and sender.calls[1][1] - sender.calls[0][1] >= 0.19


async def test_unreachable_is_reported_and_not_retried() -> None:
    sender = Recorder(script=[DeliveryResult(DeliveryStatus.UNREACHABLE, detail="blocked")])
    router = Router()
    router.register("x", sender, Limits(per_second=100))
    reported = []

    async def hook(identity: Identity, detail: str) -> None:
        reported.append((identity.user_id, detail))

    router.on_unreachable.append(hook)
    result = await router.send(out("a"))
    assert result.status is DeliveryStatus.UNREACHABLE
    assert len(sender.calls) == 1 and reported == [("a", "blocked")]


async def test_unknown_platform_and_crashing_sender_fail_softly() -> None:
    router = Router()
    assert (await router.send(out("a"))).status is DeliveryStatus.FAILED

    class Broken:
        async def send(self, message: Outbound) -> DeliveryResult:
            raise RuntimeError("boom")

    router.register("x", Broken())
    assert (await router.send(out("a"))).status is DeliveryStatus.FAILED
