"""Telegram's per-token flood limit, as the emulator enforces it: about 30 messages a second.

Telegram documents the limit ("avoid sending more than 30 messages per second") but not its
exact shape; a token bucket of one second's worth, refilled continuously, lets a steady 30/s
through with the jitter any real sender has, and refuses a sustained 31/s.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# The calls that put a message in a chat, or change one, count against the limit.
MESSAGE_METHODS = frozenset({
    "sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup", "editMessageMedia",
})


class RateCap:
    """Admit at most `per_second` message calls a second, summed over every client of one token."""

    def __init__(self, per_second: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.monotonic = monotonic
        self.tokens = per_second
        self.updated = monotonic()
        self.admitted: list[float] = []
        self.rejected = 0

    def admit(self, method: str) -> bool:
        """Return whether a call of `method` goes through now (refused calls are counted)."""
        if method not in MESSAGE_METHODS:
            return True
        now = self.monotonic()
        self.tokens = min(self.per_second, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens < 1:
            self.rejected += 1
            return False
        self.tokens -= 1
        self.admitted.append(now)
        return True
