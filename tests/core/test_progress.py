"""The day-streak rule shared by /hero practice and break nudges."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.streaks import day_streak

MON = date(2026, 11, 23)
WEEKDAYS = frozenset(range(5))


def test_streak_counts_back_from_today_or_yesterday() -> None:
    days = {MON - timedelta(days=n) for n in range(3)}
    assert day_streak(days, MON) == 3
    assert day_streak(days, MON + timedelta(days=1)) == 3  # not broken until a day is missed
    assert day_streak(days, MON + timedelta(days=2)) == 0


def test_days_outside_the_schedule_neither_count_nor_break() -> None:
    weekdays_only = {MON - timedelta(days=n) for n in (0, 3, 4, 5, 6, 7)}  # two working weeks
    assert day_streak(weekdays_only, MON, WEEKDAYS) == 6
    friday_to_monday = {MON - timedelta(days=3), MON}
    assert day_streak(friday_to_monday, MON, WEEKDAYS) == 2
    assert day_streak(friday_to_monday, MON) == 1
