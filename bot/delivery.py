"""The outbound side: one Delivery for the core over every connected platform.

Rate limits are kept, and 429s waited out, by each platform's own layer (Telegram: the
adapter's rate limiter; Discord: discord.py), the only place that sees every request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.events import DeliveryResult, DeliveryStatus, Identity, Outbound
from bot.core.ports import Delivery
from bot.metrics import PrometheusMetrics

log = logging.getLogger(__name__)

UnreachableHook = Callable[[Identity, str], Awaitable[None]]


class Router:
    """One Delivery for the core, fanning out to each connected platform's sender."""

    def __init__(self, metrics: PrometheusMetrics | None = None) -> None:
        self.metrics = metrics
        self.senders: dict[str, Delivery] = {}
        self.on_unreachable: list[UnreachableHook] = []
        self.holding = False

    def register(self, platform: str, sender: Delivery) -> None:
        """Connect a platform's sender."""
        self.senders[platform] = sender

    def hold(self) -> None:
        """Send nothing more (the bot is stopping): what is asked for comes back NOT_SENT."""
        self.holding = True

    async def send(self, message: Outbound) -> DeliveryResult:
        """Send through the person's platform; report people who can't be reached."""
        result = await self._send(message)
        if self.metrics is not None:
            self.metrics.delivered(message.to.platform, result.status)
        return result

    async def _send(self, message: Outbound) -> DeliveryResult:
        if self.holding:
            return DeliveryResult(DeliveryStatus.NOT_SENT, detail="stopping")
        sender = self.senders.get(message.to.platform)
        if sender is None:
            return DeliveryResult(DeliveryStatus.FAILED, detail=f"{message.to.platform} not connected")
        try:
            result = await sender.send(message)
        except Exception as exc:
            log.exception("delivery to %s failed", message.to.key)
            return DeliveryResult(DeliveryStatus.FAILED, detail=type(exc).__name__)
        if result.status is DeliveryStatus.UNREACHABLE:
            await self.report_unreachable(message.to, result.detail)
        return result

    async def report_unreachable(self, identity: Identity, detail: str) -> None:
        """Tell listeners a person can't be reached (blocked the bot, closed their DMs)."""
        log.info("%s is unreachable: %s", identity.key, detail)
        for hook in self.on_unreachable:
            try:
                await hook(identity, detail)
            except Exception:
                log.exception("unreachable hook failed for %s", identity.key)
