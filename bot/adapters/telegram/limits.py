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
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
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
        monotonic: Callable[[], float] = time.monotonic, on_429: Callable[[], None] = lambda: None,
        on_token_refused: Callable[[Exception], None] = lambda _: None,
    ) -> None:
        self.patience = patience
        self.on_429 = on_429
        # Every call passes here, so a token revoked while running is seen on the next call
        # even without getUpdates (a webhook process, a worker).
        self.on_token_refused = on_token_refused
        self.holding = holding
        self.monotonic = monotonic
        self._next = 0.0
        self._groups: dict[str, deque[float]] = {}
        self._not_before: dict[str, float] = {}
        self._unanswered: tuple[datetime, str] | None = None  # since when, and the last error

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
            await self._sleep_until(self._not_before.get(chat, 0.0))
            if chat:
                # 30 a second overall, evenly spaced; a group may have 20 in any minute.
                turn = self._reserve(1 / OVERALL_PER_SECOND)
                if chat.startswith("-") or not chat.isdigit():
                    turn = max(turn, self._group_turn(chat))
                await self._sleep_until(turn)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._note(None)
                refused, wait = exc, retry_seconds(exc)
                self.on_429()
            except TelegramError as exc:
                self._note(exc)
                if isinstance(exc, InvalidToken):
                    self.on_token_refused(exc)
                raise
            else:
                self._note(None)
                return result
            until = self.monotonic() + wait + MARGIN
            self._not_before[chat] = max(self._not_before.get(chat, 0.0), until)
            if until > give_up:
                log.warning("Telegram kept refusing %s to chat %s for over %.0fs; giving up",
                            endpoint, chat or "-", self.patience)
                raise refused
            log.info("Telegram asked to wait %.0fs before %s to chat %s", wait, endpoint, chat or "-")

    def problem(self) -> str | None:
        """Return None while Telegram answers API calls, else since when it hasn't and why."""
        if self._unanswered is None:
            return None
        since, error = self._unanswered
        return f"no answer from the Bot API since {since:%H:%M:%S} UTC ({error})"

    def _note(self, error: TelegramError | None) -> None:
        """Remember whether the last call reached Telegram (any answer, even a refusal, did)."""
        if not isinstance(error, NetworkError) or isinstance(error, BadRequest):
            self._unanswered = None
        else:
            since = self._unanswered[0] if self._unanswered else datetime.now(UTC)
            self._unanswered = (since, error.message)

    def _reserve(self, interval: float) -> float:
        """Book the next overall start time, `interval` after the one booked before."""
        turn = max(self.monotonic(), self._next)
        self._next = turn + interval
        return turn

    def _group_turn(self, chat: str) -> float:
        """Book a start in a group: the 20th-last one booked there plus a minute, or now."""
        if len(self._groups) > 10_000:
            horizon = self.monotonic() - 60
            self._groups = {k: v for k, v in self._groups.items() if v and v[-1] > horizon}
        booked = self._groups.setdefault(chat, deque(maxlen=GROUP_PER_MINUTE))
        turn = self.monotonic()
        if len(booked) == GROUP_PER_MINUTE:
            turn = max(turn, booked[0] + 60)
        booked.append(turn)
        return turn

    async def _sleep_until(self, moment: float) -> None:
        """Sleep until `moment`; stop waiting (SendingStopped) as soon as the bot stops."""
        while True:
            if self.holding():
                raise SendingStopped
            left = moment - self.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, 0.25))


def retry_seconds(exc: RetryAfter) -> float:
    """Return how long Telegram asked to wait, in seconds."""
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; either is read here.
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)
