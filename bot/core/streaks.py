"""Streaks: days in a row of practice or breaks, shared by /hero's progress and the breaks."""

from __future__ import annotations

from datetime import date, timedelta

EVERY_DAY = frozenset(range(7))
# Ten years back: far past any real streak, and an end to the walk when no weekday counts.
_LOOKBACK_DAYS = 3660


def day_streak(days: set[date], today: date, counted: frozenset[int] = EVERY_DAY) -> int:
    """Count consecutive active days ending today (or yesterday, so it isn't lost yet).

    Weekdays outside `counted` (0=Monday) neither add to the streak nor break it.
    """
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    for _ in range(_LOOKBACK_DAYS):
        if day.weekday() in counted:
            if day not in days:
                break
            streak += 1
        day -= timedelta(days=1)
    return streak


def scheduled_streak(done: set[date], scheduled: set[date], today: date) -> int:
    """Count the days in a row, back from today, on which a break was done.

    Only the days something was scheduled then (a nudge went out) or done can break or add
    to it, so changing the schedule's days later neither erases nor invents credit. Today
    breaks nothing until it's over.
    """
    streak = 0
    for day in sorted(done | scheduled, reverse=True):
        if day > today or (day == today and day not in done):
            continue
        if day not in done:
            break
        streak += 1
    return streak
