"""Pure, daylight-saving-safe schedule arithmetic for sit-break nudges and daily reminders.

Times are anchored to the person's wall clock. Two DST rules apply everywhere:

* A local time that does not exist (the spring-forward gap) happens at the first instant
  after the gap, e.g. 02:30 becomes 03:00 in Europe/Berlin on 2026-03-29. If another slot
  already falls on that instant it is dropped, never doubled.
* A local time that happens twice (the fall-back overlap) fires once, at its first
  occurrence (fold=0).

So across a DST change nothing is skipped or doubled, and 09:30 stays 09:30 local.

A break window whose end is before its start runs overnight: it opens on a chosen day and
closes the next morning (17:00-09:00 Mon-Fri opens Monday evening, closes Tuesday morning).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

_ALL_DAYS = frozenset(range(7))


@dataclass(frozen=True)
class BreakRule:
    """Nudge every `every` within start..end local time on the chosen weekdays (0=Monday).

    The first nudge comes one interval after the window opens (start excluded, end included):
    a break after the first stretch of sitting, not the moment you sit down.
    """

    every: timedelta
    start: time
    end: time
    days: frozenset[int]
    zone: ZoneInfo

    def __post_init__(self) -> None:
        """Reject rules that could never produce a slot."""
        if self.every <= timedelta(0):
            raise ValueError("the interval must be positive")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("window times are local wall-clock times and must be naive")
        if self.end == self.start:
            raise ValueError("the window must end after it starts")
        if _window(self) < self.every:
            raise ValueError("the interval is longer than the window")
        _check_days(self.days)

    @cached_property
    def slots_per_day(self) -> int:
        """Return how many nudges a chosen day holds (start excluded, end included)."""
        return _window(self) // self.every


def _window(rule: BreakRule) -> timedelta:
    length = _as_offset(rule.end) - _as_offset(rule.start)
    return length if length > timedelta(0) else length + timedelta(days=1)


def is_overnight(start: time, end: time) -> bool:
    """Return True for a window that closes the morning after it opens."""
    return end < start


def _as_offset(at: time) -> timedelta:
    return timedelta(hours=at.hour, minutes=at.minute, seconds=at.second,
                     microseconds=at.microsecond)


def _check_days(days: frozenset[int]) -> None:
    if not days or not days <= _ALL_DAYS:
        raise ValueError("days must be a non-empty set of weekdays 0 (Monday) .. 6 (Sunday)")


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime (with a time zone), got a naive one")


def resolve_local(wall: datetime) -> datetime:
    """Return the real instant for a wall-clock time in its zone, applying the DST rules."""
    _require_aware(wall)
    return _resolve(wall.replace(fold=0))


def _resolve(first: datetime) -> datetime:
    """Resolve an aware wall time with fold=0: gaps move forward, overlaps take fold=0."""
    later = first.replace(fold=1)
    if first.utcoffset() == later.utcoffset():
        # The fast path: away from transitions both folds agree and the time is unique.
        return first
    instant = first.astimezone(UTC)
    normal = instant.astimezone(first.tzinfo)
    if normal.replace(tzinfo=None) == first.replace(tzinfo=None):
        return normal
    return _gap_end(first.tzinfo, later.astimezone(UTC), instant)


def _gap_end(zone: tzinfo | None, before: datetime, after: datetime) -> datetime:
    """Return the first instant, in `zone`, whose UTC offset differs from the one at `before`.

    For a wall time inside a gap, fold=1 maps to an instant before the transition and fold=0
    to one after it, so the transition lies in (before, after]. Offsets change on whole
    seconds and a gap is at most a day long, so bisecting whole seconds takes under 18 steps.
    """
    offset = before.astimezone(zone).utcoffset()
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, tz=zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, tz=zone)


def _next_on_days(
    days: frozenset[int],
    zone: ZoneInfo,
    after: datetime,
    first_on: Callable[[date, datetime, datetime], datetime | None],
    days_back: int = 0,
) -> datetime:
    """Return the first `first_on(day, wall_after, after_utc)` over chosen days from `after`.

    `wall_after` is `after` as a naive wall-clock time in `zone`; `after_utc` is `after` in
    UTC. Comparisons must use `after_utc`: Python compares two datetimes that share a
    tzinfo by wall time, ignoring fold, which is wrong inside a fall-back overlap.

    A slot on an earlier local date than `after` is never later than `after`: gaps only
    move a slot forward to the end of the gap, which `after` (a real instant) is past.
    """
    _require_aware(after)
    _check_days(days)
    after_utc = after.astimezone(UTC)
    wall_after = after_utc.astimezone(zone).replace(tzinfo=None)
    # An overnight window opened the evening before may still be running.
    day = wall_after.date() - timedelta(days=days_back)
    while True:
        if day.weekday() in days:
            found = first_on(day, wall_after, after_utc)
            if found is not None:
                return found
        day += timedelta(days=1)


def next_break(rule: BreakRule, after: datetime) -> datetime:
    """Return the first nudge strictly after `after`, an aware datetime in the rule's zone."""
    count = rule.slots_per_day

    def first_on(day: date, wall_after: datetime, after_utc: datetime) -> datetime | None:
        base = datetime.combine(day, rule.start.replace(fold=0))
        elapsed = wall_after - base
        # The wall-clock estimate is exact except within a DST overlap, where `after` may be
        # the second occurrence of a wall time; the loop then walks past the few slots
        # of the repeated hour that already happened.
        index = elapsed // rule.every + 1 if elapsed >= timedelta(0) else 1
        while index <= count:
            slot = _resolve((base + index * rule.every).replace(tzinfo=rule.zone))
            if slot > after_utc:
                return slot
            index += 1
        return None

    return _next_on_days(rule.days, rule.zone, after, first_on,
                         days_back=1 if is_overnight(rule.start, rule.end) else 0)


def upcoming_breaks(rule: BreakRule, after: datetime, count: int) -> list[datetime]:
    """Return the next `count` nudges after `after`, strictly increasing."""
    if count < 0:
        raise ValueError("count must not be negative")
    slots: list[datetime] = []
    moment = after
    for _ in range(count):
        moment = next_break(rule, moment)
        slots.append(moment)
    return slots


def next_daily(at: time, days: frozenset[int], zone: ZoneInfo, after: datetime) -> datetime:
    """Return the next daily reminder at local time `at` on `days`, strictly after `after`."""
    if at.tzinfo is not None:
        raise ValueError("the reminder time is a local wall-clock time and must be naive")

    def first_on(day: date, _wall_after: datetime, after_utc: datetime) -> datetime | None:
        slot = _resolve(datetime.combine(day, at.replace(fold=0), tzinfo=zone))
        return slot if slot > after_utc else None

    return _next_on_days(days, zone, after, first_on)
