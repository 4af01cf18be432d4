"""The delivery layer: one Delivery over the platforms, unreachable people, holding back at a stop."""

from __future__ import annotations

from bot.core.events import DeliveryResult, DeliveryStatus, Identity, Outbound
from bot.delivery import Router


class Recorder:
    def __init__(self, script: list[DeliveryResult] | None = None) -> None:
        self.calls: list[str] = []
        self.script = list(script or [])

    async def send(self, message: Outbound) -> DeliveryResult:
        self.calls.append(message.to.user_id)
        if self.script:
            return self.script.pop(0)
        return DeliveryResult(DeliveryStatus.SENT, "1")


def out(user: str) -> Outbound:
    return Outbound(Identity("x", user), "hi")


async def test_unreachable_is_reported_and_not_retried() -> None:
    sender = Recorder(script=[DeliveryResult(DeliveryStatus.UNREACHABLE, detail="blocked")])
    router = Router()
    router.register("x", sender)
    reported = []

    async def hook(identity: Identity, detail: str) -> None:
        reported.append((identity.user_id, detail))

    router.on_unreachable.append(hook)
    result = await router.send(out("a"))
    assert result.status is DeliveryStatus.UNREACHABLE
    assert sender.calls == ["a"] and reported == [("a", "blocked")]


async def test_unknown_platform_and_crashing_sender_fail_softly() -> None:
    router = Router()
    assert (await router.send(out("a"))).status is DeliveryStatus.FAILED

    class Broken:
        async def send(self, message: Outbound) -> DeliveryResult:
            raise RuntimeError("boom")

    router.register("x", Broken())
    assert (await router.send(out("a"))).status is DeliveryStatus.FAILED


async def test_once_held_nothing_more_is_sent() -> None:
    sender = Recorder()
    router = Router()
    router.register("x", sender)
    assert (await router.send(out("a"))).ok
    router.hold()
    assert (await router.send(out("b"))).status is DeliveryStatus.NOT_SENT
    assert sender.calls == ["a"]
