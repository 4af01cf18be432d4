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
