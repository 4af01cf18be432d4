"""Telegram's rate limits, and the one place that waits out its 429s (PTB's rate-limiter hook).

Every Bot API call the bot makes passes here: replies, edits, nudges and relays alike. It keeps
about 30 messages a second overall and 20 a minute per group, and after a 429 it sends nothing
to that chat until the `retry_after` Telegram gave has passed, then tries again, for up to two
minutes, before the error goes to the caller. PTB's AIORateLimiter gave up after a few retries
and let other calls to the same chat through while one was waiting.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

PATIENCE = 120.0
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
# Telegram's own answers, not ours: a retry a bit after the time it gave stays clear of it.
MARGIN = 0.1


class SendingStopped(TelegramError):
    """The bot is stopping, so a call still waiting out a 429 was not made."""

    def __init__(self) -> None:
        super().__init__("not sent: the bot is stopping")


class Patience(BaseRateLimiter[int]):
    """Pace calls to Telegram's limits and retry each after a 429 until `patience` runs out."""

    def __init__(
        self, *, patience: float = PATIENCE, holding: Callable[[], bool] = lambda: False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.patience = patience
        self.holding = holding
        self.monotonic = monotonic
        self._overall = AsyncLimiter(OVERALL_PER_SECOND, 1)
        self._groups: dict[str, AsyncLimiter] = {}
        self._not_before: dict[str, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,  # noqa: ANN401 - passed through to PTB's request unchanged
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Make the call once the chat may be sent to; after a 429 wait and try again."""
        chat = str(data.get("chat_id") or "")
        give_up = self.monotonic() + self.patience
        while True:
            await self._wait_for_turn(chat)
            async with AsyncExitStack() as limits:
                if chat:
                    await limits.enter_async_context(self._overall)
                if chat.startswith("-") or (chat and not chat.lstrip("-").isdigit()):
                    await limits.enter_async_context(self._group(chat))
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    refused, wait = exc, retry_seconds(exc)
            until = self.monotonic() + wait + MARGIN
            self._not_before[chat] = max(self._not_before.get(chat, 0.0), until)
            if until > give_up:
                log.warning("Telegram kept refusing %s to chat %s for over %.0fs; giving up",
                            endpoint, chat or "-", self.patience)
                raise refused
            log.info("Telegram asked to wait %.0fs before %s to chat %s", wait, endpoint, chat or "-")

    async def _wait_for_turn(self, chat: str) -> None:
        """Sleep until the chat's retry_after has passed; stop waiting when the bot stops."""
        while True:
            if self.holding():
                raise SendingStopped
            left = self._not_before.get(chat, 0.0) - self.monotonic()
            if left <= 0:
                self._not_before.pop(chat, None)
                return
            await asyncio.sleep(min(left, 0.25))

    def _group(self, chat: str) -> AsyncLimiter:
        limiter = self._groups.get(chat)
        if limiter is None:
            if len(self._groups) > 10_000:
                self._groups.clear()
            limiter = self._groups[chat] = AsyncLimiter(GROUP_PER_MINUTE, 60)
        return limiter


def retry_seconds(exc: RetryAfter) -> float:
    """Return how long Telegram asked to wait, in seconds."""
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; either is read here.
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)
