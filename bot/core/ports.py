"""The ports the core talks through; adapters and services implement them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core.events import DeliveryResult, Outbound


class Delivery(Protocol):
    """Send a message the bot decides to send on its own (not a direct reply)."""

    async def send(self, message: Outbound) -> DeliveryResult:
        """Send one message and report what happened."""
        ...


class Clock(Protocol):
    """Tell the time; tests inject a clock they can move by hand."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to, for tests and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the current (frozen) time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to an aware datetime."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta given as keyword arguments."""
        self._now += timedelta(**delta)
        return self._now


class Wakeup(Protocol):
    """Ask the clock owner to run a sweep at (or just after) a given time."""

    def wake_at(self, when: datetime) -> None:
        """Arrange for due timers to be swept at `when`."""
        ...


class Metrics(Protocol):
    """Count what the core does, for an operator's dashboards (bot/metrics.py implements it)."""

    def handled(self, platform: str, kind: str, replies: int) -> None:
        """Count one inbound event of `kind` (its type's name), answered with `replies` replies."""
        ...

    def nudges_claimed(self, count: int) -> None:
        """Count nudges the sweep claimed for sending."""
        ...

    def nudge_outcome(self, status: str) -> None:
        """Count one claimed nudge by what became of it (a NudgeStatus: sent, failed, ...)."""
        ...

    def nudges_released(self, count: int) -> None:
        """Count claimed nudges handed back unsent (stopping, or the platform unreachable)."""
        ...

    def nudges_lost(self, count: int) -> None:
        """Count claims a dead process never sent, found at start-up."""
        ...

    def faq_outcome(self, outcome: str) -> None:
        """Count one question by how the FAQ answered it (answer, suggest, escalate, ...)."""
        ...

    def small_talk(self, kind: str) -> None:
        """Count one bit of small talk, which never reaches the FAQ or the coach."""
        ...

    def matched(self, seconds: float) -> None:
        """Record how long matching one question took (called from the matching thread)."""
        ...


class NoMetrics:
    """Count nothing: the default when no one is watching (tests, the console)."""

    def handled(self, platform: str, kind: str, replies: int) -> None:
        """Count nothing."""

    def nudges_claimed(self, count: int) -> None:
        """Count nothing."""

    def nudge_outcome(self, status: str) -> None:
        """Count nothing."""

    def nudges_released(self, count: int) -> None:
        """Count nothing."""

    def nudges_lost(self, count: int) -> None:
        """Count nothing."""

    def faq_outcome(self, outcome: str) -> None:
        """Count nothing."""

    def small_talk(self, kind: str) -> None:
        """Count nothing."""

    def matched(self, seconds: float) -> None:
        """Count nothing."""
