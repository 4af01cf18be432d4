"""Preview upcoming sit-break nudges from the command line (`python -m bot schedule preview`)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.breaks.parse import (
    BreakSpec,
    ScheduleInputError,
    parse_days,
    parse_interval,
    parse_window,
)
from bot.core.breaks.rules import resolve_local, upcoming_breaks
from bot.core.timezones import UnknownZone, find_zone

MAX_COUNT = 1000
# The console is for trying schedules out, so allow intervals the bot itself would refuse.
CLI_MINIMUM = timedelta(minutes=1)


def _count(text: str) -> int:
    """Parse --count, an integer from 1 to MAX_COUNT."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_COUNT}, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `schedule` actions to `parser`."""
    actions = parser.add_subparsers(dest="schedule_command", metavar="ACTION")
    add_preview_arguments(actions.add_parser("preview", help="print the next nudge times"))


def run(args: argparse.Namespace) -> int:
    """Run a `schedule` action with parsed arguments."""
    if args.schedule_command != "preview":
        print("usage: herocoach schedule preview --tz ZONE ...", file=sys.stderr)
        return 2
    return preview_from_args(args)


def add_preview_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `schedule preview` options to `parser`."""
    parser.add_argument("--tz", default="UTC", help="time zone, e.g. Europe/Berlin or 'berlin'")
    parser.add_argument("--every", default="30m", help="interval, e.g. 30m, 45, 1h30m")
    parser.add_argument("--window", default="09:00-17:00", help="local hours, e.g. 9am-5:30pm")
    parser.add_argument("--days", default="mon-fri", help="e.g. mon-fri, weekends, mon,wed,fri")
    parser.add_argument(
        "--from", dest="start", default=None, metavar="DATETIME",
        help="local start time in the zone, e.g. 2026-03-27T08:00 (default: now)",
    )
    parser.add_argument("--count", type=_count, default=5, help=f"how many (1-{MAX_COUNT})")


def preview_from_args(args: argparse.Namespace) -> int:
    """Run the preview with options parsed by `add_preview_arguments`."""
    return run_preview(
        tz=args.tz, every=args.every, window=args.window, days=args.days,
        start=args.start, count=args.count,
    )


def _start_instant(start: str | None, zone: ZoneInfo, now: datetime | None) -> datetime:
    """Return the instant to preview from: `start` read in the zone, or `now`."""
    if start is None:
        return (now or datetime.now(UTC)).astimezone(zone)
    try:
        moment = datetime.fromisoformat(start.strip())
    except ValueError:
        raise ScheduleInputError(
            f"I couldn't read --from '{start}'. Use a local date and time such as "
            "2026-03-27T08:00."
        ) from None
    if moment.tzinfo is None:
        return resolve_local(moment.replace(tzinfo=zone))
    return moment


def run_preview(
    *,
    tz: str,
    every: str,
    window: str,
    days: str,
    start: str | None,
    count: int,
    now: datetime | None = None,
) -> int:
    """Print the next `count` nudges, one ISO-8601 time per line; return 0, or 2 on bad input."""
    try:
        if not 1 <= count <= MAX_COUNT:
            raise ScheduleInputError(f"--count must be from 1 to {MAX_COUNT}, got {count}.")
        zone = find_zone(tz)
        first, last = parse_window(window)
        spec = BreakSpec(parse_interval(every, minimum=CLI_MINIMUM), first, last,
                         parse_days(days))
        after = _start_instant(start, zone, now)
    except (ScheduleInputError, UnknownZone) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    for slot in upcoming_breaks(spec.to_rule(zone), after, count):
        print(slot.isoformat())
    return 0
