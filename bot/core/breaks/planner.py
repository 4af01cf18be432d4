"""Decide, for one due schedule row, what to send and when it is next due. Pure: no I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from bot.core.breaks.rules import BreakRule, is_overnight, next_break, next_daily
from bot.core.breaks.states import NudgeKind, PausedReason, ScheduleKind
from bot.core.models import Schedule, Send

GRACE = timedelta(minutes=10)
REMINDER_CATCH_UP = timedelta(hours=3)
DAILY_CAP = 20
IGNORED_BEFORE_PAUSE = 3
QUIET_START, QUIET_END = time(22, 0), time(6, 0)


@cache
def _zone(name: str) -> ZoneInfo:
    # ZoneInfo keeps only its 8 latest zones alive; a sweep cycling through more zones would
    # otherwise re-read a tz file for nearly every row.
    return ZoneInfo(name)


def zone_of(schedule: Schedule) -> ZoneInfo:
    """Return the schedule's zone (stored names were validated when saved)."""
    return _zone(schedule.zone)


def break_rule(schedule: Schedule) -> BreakRule:
    """Return the break rule a `breaks` row describes."""
    assert schedule.end is not None and schedule.every_minutes  # noqa: S101 - checked on save
    return _rule(schedule.every_minutes, schedule.start, schedule.end, schedule.days, schedule.zone)


@lru_cache(maxsize=4096)
def _rule(every_minutes: int, start: time, end: time, days: frozenset[int], zone: str) -> BreakRule:
    # Rules are frozen and most people share a handful, so a sweep validates each one once
    # and keeps its slots_per_day instead of rebuilding it for every row.
    return BreakRule(timedelta(minutes=every_minutes), start, end, days, _zone(zone))


def next_slot(schedule: Schedule, after: datetime) -> datetime:
    """Return the schedule's first slot strictly after `after`."""
    if schedule.kind == ScheduleKind.BREAKS:
        return next_break(break_rule(schedule), after)
    return next_daily(schedule.start, schedule.days, zone_of(schedule), after)


def is_paused(schedule: Schedule, now: datetime) -> bool:
    """Return True while a schedule is paused: by the person, after ignored nudges, or unreachable."""
    if schedule.paused_reason == PausedReason.USER:
        return schedule.paused_until is not None and schedule.paused_until > now
    return schedule.paused_reason is not None


def in_quiet_hours(local: time) -> bool:
    """Return True between 22:00 and 06:00 local time, when no catch-up is sent.

    Quiet hours keep the night free of what the person didn't choose the time of (a catch-up
    after downtime). A break window or a reminder time they set themselves is theirs: a
    night-shift window or a 22:30 reminder is sent as asked.
    """
    return local >= QUIET_START or local < QUIET_END


def in_window(schedule: Schedule, local: datetime) -> bool:
    """Return True when a local moment lies inside a break window on a chosen day."""
    assert schedule.end is not None  # noqa: S101 - breaks rows always have an end
    start, end, at = schedule.start, schedule.end, local.time()
    if is_overnight(start, end):
        opened_yesterday = (local.weekday() - 1) % 7 in schedule.days
        return (local.weekday() in schedule.days and at >= start) or (opened_yesterday and at <= end)
    return local.weekday() in schedule.days and start <= at <= end


def movement_for(schedule: Schedule, movement_ids: tuple[str, ...]) -> str | None:
    """Rotate through the movements, each person from their own starting point."""
    if not movement_ids:
        return None
    return movement_ids[(schedule.person_id * 7 + schedule.sent_count) % len(movement_ids)]


def plan(
    schedule: Schedule, now: datetime, movement_ids: tuple[str, ...] = ()
) -> tuple[Schedule, Send | None]:
    """Return the row's new state and what (if anything) to send for the slot that fell due."""
    due = schedule.next_due_at
    if due is None:
        return schedule, None
    s = replace(schedule, paused_until=None if schedule.paused_until and schedule.paused_until <= now
                else schedule.paused_until)
    if s.paused_reason == PausedReason.USER and s.paused_until is None:
        s.paused_reason = None
    if s.kind == ScheduleKind.BREAKS and s.ignored_streak >= IGNORED_BEFORE_PAUSE:
        s.next_due_at, s.paused_reason = None, PausedReason.IGNORED
        return s, Send(NudgeKind.NOTE, due)
    # Always move on to the first slot after now: after downtime this skips the missed
    # slots in one step instead of replaying them.
    s.next_due_at = next_slot(s, max(due, now))
    local_now = now.astimezone(zone_of(s))
    today = local_now.date().isoformat()
    if s.count_day != today:
        s.count_day, s.day_count = today, 0
    if s.day_count >= DAILY_CAP:
        return s, None
    kind = NudgeKind.BREAK if s.kind == ScheduleKind.BREAKS else NudgeKind.REMINDER
    if now - due > GRACE:
        if in_quiet_hours(local_now.time()):
            return s, None
        if s.kind == ScheduleKind.BREAKS and not in_window(s, local_now):
            return s, None
        if s.kind == ScheduleKind.REMINDER and now - due > REMINDER_CATCH_UP:
            return s, None
        kind = NudgeKind.CATCHUP if s.kind == ScheduleKind.BREAKS else NudgeKind.REMINDER
    s.sent_count += 1
    s.day_count += 1
    if s.kind == ScheduleKind.BREAKS:
        s.ignored_streak += 1
    return s, Send(kind, due, movement_for(schedule, movement_ids) if s.kind == ScheduleKind.BREAKS else None)
