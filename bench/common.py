"""The shared setting: who the people are, their break rules, and how figures are reported.

Every schedule is a real `breaks` rule whose slot lands on the same UTC minute, DUE
(Wednesday 2026-03-04 13:00 UTC). Across the ten zones that is 07:00 in Chicago, 13:00 in
London, 18:30 in Kolkata and 21:00 in Shanghai: the same minute, each in waking hours so the
planner's quiet hours never hold a nudge back.

Each rule is "every E minutes (E divides 60) from (H0-1):(60-E) to H1:(60-E) local on some
weekdays". Slots are start + k*E with the start excluded and the end included, so they are
exactly the cron "minute */E, hours H0-H1" - which is how APScheduler is given the same rule.
Windows never reach quiet hours and hold at most 20 slots (the daily cap), so the two
systems fire at the same instants.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time as clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DUE = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
BEFORE = DUE - timedelta(minutes=1)
ZONES = (
    "America/Chicago", "America/New_York", "America/Sao_Paulo", "UTC", "Europe/London",
    "Europe/Berlin", "Europe/Helsinki", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai",
)
EVERY = (15, 20, 30, 60)
DAY_SETS = (frozenset(range(5)), frozenset(range(7)), frozenset({0, 2, 4}), frozenset({1, 2, 3}))
PLATFORMS = ("telegram", "discord")
DEFAULT_PEOPLE = 100_000
QUICK_PEOPLE = 10_000
CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Rule:
    """One person's break rule, in the terms both systems can be given."""

    person_id: int
    zone: str
    every: int
    start: time
    end: time
    days: frozenset[int]

    @property
    def platform(self) -> str:
        """Return the person's chat platform."""
        return PLATFORMS[self.person_id % 2]

    @property
    def user_id(self) -> str:
        """Return the person's platform user id (also their private chat id)."""
        return str(10**9 + self.person_id)


def rule_for(person_id: int) -> Rule:
    """Return person `person_id`'s rule, with a slot exactly at DUE."""
    zone = ZONES[person_id % len(ZONES)]
    local = DUE.astimezone(ZoneInfo(zone))
    every = EVERY[(person_id // len(ZONES)) % len(EVERY)]
    if local.minute % every:
        every = 30
    first = max(local.hour - person_id % 3, 6)
    last = min(local.hour + 1 + person_id % 2, 21)
    minute = (60 - every) % 60
    days = DAY_SETS[(person_id // 7) % len(DAY_SETS)]
    return Rule(person_id, zone, every, time(first - 1, minute), time(last, minute), days)


def rules(people: int) -> Iterator[Rule]:
    """Yield every person's rule, ids 1..people."""
    return (rule_for(person_id) for person_id in range(1, people + 1))


def cron_fields(rule: Rule) -> dict[str, object]:
    """Return APScheduler CronTrigger arguments that fire at exactly the rule's slots."""
    return {
        "day_of_week": ",".join(str(day) for day in sorted(rule.days)),
        "hour": f"{rule.start.hour + 1}-{rule.end.hour}",
        "minute": f"*/{rule.every}" if rule.every < 60 else "0",
        "timezone": ZoneInfo(rule.zone),
    }


def rule_from_row(person_id: int, zone: str, every: int, start: str, end: str, mask: int) -> Rule:
    """Rebuild a Rule from a stored `schedules` row's columns."""
    days = frozenset(day for day in range(7) if mask & (1 << day))
    return Rule(person_id, zone, every, time.fromisoformat(start), time.fromisoformat(end), days)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Run an action and return (seconds, result)."""
    started = clock.perf_counter()
    result = action()
    return clock.perf_counter() - started, result


def median(values: list[float]) -> float:
    """Return the median, rounded for printing."""
    return round(statistics.median(values), 4)


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def parse_args(argv: list[str] | None = None, description: str = "") -> argparse.Namespace:
    """Parse --people N / --quick / --repeat / --workdir / --profile, shared by every benchmark module."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--people", type=int, default=None, help=f"default {DEFAULT_PEOPLE}")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PEOPLE} people")
    parser.add_argument("--repeat", type=int, default=3, help="repeats for the cheap timings")
    parser.add_argument("--workdir", default=None, help="where the SQLite files go (temp dir)")
    parser.add_argument("--profile", action="store_true", help="cProfile the claim to stderr")
    args = parser.parse_args(argv)
    if args.people is None:
        args.people = QUICK_PEOPLE if args.quick else DEFAULT_PEOPLE
    if args.people < 1 or args.repeat < 1:
        parser.error("--people and --repeat must be positive")
    return args


def emit(figures: dict[str, object]) -> None:
    """Print the figures as one JSON line, the only thing a benchmark module writes to stdout."""
    figures["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.write(json.dumps(figures) + "\n")
    sys.stdout.flush()
