"""The outbound side: pacing per platform, retries after rate limits, unreachable people."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass

from bot.core.events import DeliveryResult, DeliveryStatus, Identity, Outbound
from bot.core.ports import Delivery

log = logging.getLogger(__name__)

UnreachableHook = Callable[[Identity, str], Awaitable[None]]
MAX_RETRY_WAIT = 60.0
RETRIES = 3


@dataclass(frozen=True)
class Limits:
    """How fast one platform may be sent to: overall, and per chat."""

    per_second: float
    per_chat_interval: float = 0.0
    max_retries: int = RETRIES


# Telegram's limits are kept by PTB's AIORateLimiter inside the adapter, so none here.
DISCORD_LIMITS = Limits(per_second=45.0)


class Pacer:
    """Pace sends: evenly spaced overall, and at least `per_chat_interval` apart per chat.

    The overall rate is kept by reserving evenly spaced start times. Per chat, sends are
    serialised and spaced from when the previous one actually started, so a late wake-up
    can never squeeze two messages to one chat closer together. Waiting for one chat never
    holds up another.
    """

    def __init__(self, limits: Limits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.monotonic = monotonic
        self._lock = asyncio.Lock()
        self._next_any = 0.0
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, chat: str) -> AsyncIterator[None]:
        """Wait until this chat may be sent to, and hold its turn while sending."""
        chat_lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        async with chat_lock:
            earliest = self._last_start.get(chat, -1e18) + self.limits.per_chat_interval
            async with self._lock:
                now = self.monotonic()
                start = max(now, self._next_any, earliest)
                self._next_any = start + 1.0 / self.limits.per_second
            if start > now:
                await asyncio.sleep(start - now)
            self._last_start[chat] = self.monotonic()
            yield
        if not chat_lock.locked() and len(self._chat_locks) > 10_000:
            self._forget_idle_chats()

    def _forget_idle_chats(self) -> None:
        horizon = self.monotonic() - self.limits.per_chat_interval
        for chat in [c for c, t in self._last_start.items() if t < horizon]:
            lock = self._chat_locks.get(chat)
            if lock is not None and not lock.locked():
                del self._chat_locks[chat], self._last_start[chat]


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
        retries = pacer.limits.max_retries if pacer else RETRIES
        for attempt in range(retries + 1):
            turn: AbstractAsyncContextManager[None] = (
                pacer.turn(message.chat_id or message.to.user_id) if pacer else nullcontext())
            try:
                async with turn:
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
