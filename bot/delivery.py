"""The outbound side: pacing per platform, retries after rate limits, unreachable people."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.events import DeliveryResult, DeliveryStatus, Identity, Outbound
from bot.core.ports import Delivery

log = logging.getLogger(__name__)

UnreachableHook = Callable[[Identity, str], Awaitable[None]]
MAX_RETRY_WAIT = 60.0


@dataclass(frozen=True)
class Limits:
    """How fast one platform may be sent to: overall, and per chat."""

    per_second: float
    per_chat_interval: float = 0.0
    max_retries: int = 3


# Telegram's limits are kept by PTB's AIORateLimiter inside the adapter, so none here.
DISCORD_LIMITS = Limits(per_second=45.0)


class Pacer:
    """Hand out send times: evenly spaced overall, and spaced per chat.

    Each caller reserves its slot under a lock and then sleeps outside it, so a chat that
    must wait delays only its own messages, never other chats'.
    """

    def __init__(self, limits: Limits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.monotonic = monotonic
        self._lock = asyncio.Lock()
        self._next_any = 0.0
        self._next_chat: dict[str, float] = {}

    async def wait_turn(self, chat: str) -> None:
        """Sleep until this chat may be sent to."""
        async with self._lock:
            now = self.monotonic()
            start = max(now, self._next_any, self._next_chat.get(chat, 0.0))
            self._next_any = start + 1.0 / self.limits.per_second
            if self.limits.per_chat_interval:
                self._next_chat[chat] = start + self.limits.per_chat_interval
                if len(self._next_chat) > 10_000:
                    self._next_chat = {k: v for k, v in self._next_chat.items() if v > now}
        if start > now:
            await asyncio.sleep(start - now)


class Router:
    """One Delivery for the core, fanning out to each connected platform's sender."""

    def __init__(self) -> None:
        self.senders: dict[str, Delivery] = {}
        self.pacers: dict[str, Pacer] = {}
        self.on_unreachable: list[UnreachableHook] = []

    def register(self, platform: str, sender: Delivery, limits: Limits | None = None) -> None:
        """Connect a platform's sender, optionally paced to the platform's limits."""
        self.senders[platform] = sender
        if limits is not None:
            self.pacers[platform] = Pacer(limits)
        else:
            self.pacers.pop(platform, None)

    async def send(self, message: Outbound) -> DeliveryResult:
        """Send through the person's platform, retrying after rate limits; report unreachable people."""
        sender = self.senders.get(message.to.platform)
        if sender is None:
            return DeliveryResult(DeliveryStatus.FAILED, detail=f"{message.to.platform} not connected")
        pacer = self.pacers.get(message.to.platform)
        retries = pacer.limits.max_retries if pacer else Limits(1.0).max_retries
        for attempt in range(retries + 1):
            if pacer:
                await pacer.wait_turn(message.chat_id or message.to.user_id)
            try:
                result = await sender.send(message)
            except Exception as exc:
                log.exception("delivery to %s failed", message.to.key)
                return DeliveryResult(DeliveryStatus.FAILED, detail=type(exc).__name__)
            if result.status is not DeliveryStatus.RATE_LIMITED or attempt == retries:
                break
            wait = min(max(result.retry_after, 0.05), MAX_RETRY_WAIT)
            log.info("rate limited sending to %s; retrying in %.2fs", message.to.key, wait)
            await asyncio.sleep(wait)
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
