"""Friendly parsing of schedule input, with errors that show how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.core.breaks.rules import BreakRule, is_overnight, next_daily, resolve_local

MAX_INTERVAL = timedelta(hours=8)
MAX_PAUSE = timedelta(hours=24)
DEFAULT_EVERY = timedelta(minutes=30)
DEFAULT_WINDOW = (time(9, 0), time(17, 0))
DEFAULT_DAYS = frozenset(range(5))
NOON = time(12)

_INTERVAL_FORMS = "Try 30m, 45 min, 1h or 1h30m."
_CLOCK_FORMS = "Try 07:30, 7:30am or 19:30."
_WINDOW_FORMS = "Try 09:00-17:30, 9-5:30pm or 9am-5pm."
_DAY_FORMS = "Try mon-fri, weekdays, weekends, daily or mon,wed,fri."
_LINE_FORMS = (
    "Write it like: every 30m 09:00-17:30 mon-fri (any order; each part is optional, "
    "the defaults are every 30 min, 09:00-17:00, Mon-Fri)."
)
_PAUSE_FORMS = "Try 30m, 2h, today or until 14:00."
# Longer than any interval or pause we accept; checked before building a timedelta.
_MAX_MINUTES = 7 * 24 * 60
# Words people add around the parts of a `/breaks` line that carry no meaning.
_FILLERS = frozenset({"and", "on", "from"})

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ALIASES: dict[str, int] = {
    **{name: i for i, name in enumerate(_DAY_NAMES)},
    **{name: i for i, name in enumerate(_FULL_NAMES)},
    **{name + "s": i for i, name in enumerate(_FULL_NAMES)},
    **{name[:2]: i for i, name in enumerate(_DAY_NAMES)},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}
_DAY_GROUPS: dict[str, frozenset[int]] = {
    "weekdays": frozenset(range(5)), "weekday": frozenset(range(5)),
    "workdays": frozenset(range(5)), "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}), "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)), "all": frozenset(range(7)),
}
_DASHES = re.compile(r"\s*(?:[-\u2010-\u2015\u2212]|\b(?:to|till|until|through|thru)\b)\s*")

_UNIT_HOURS = r"h|hr|hrs|hour|hours"
_UNIT_MINUTES = r"m|min|mins|minute|minutes"
_NUMBER = r"\d{1,6}(?:[.,]\d{1,3})?"
_INTERVAL_RE = re.compile(
    rf"(?:(?P<h>{_NUMBER})\s*(?:{_UNIT_HOURS}))?\s*(?:and\s+)?"
    rf"(?:(?P<m>{_NUMBER})\s*(?:{_UNIT_MINUTES})?)?"
)
_CLOCK_RE = re.compile(r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?")
_MERIDIEM_RE = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap])\.?\s*m\.?")
_COMPACT_RE = re.compile(r"(?P<h>\d{1,2})(?P<m>\d{2})")


class ScheduleInputError(ValueError):
    """Input the person typed that we cannot use; the message says how to fix it."""


@dataclass(frozen=True)
class BreakSpec:
    """A parsed `/breaks` setting, before it is tied to a time zone."""

    every: timedelta = DEFAULT_EVERY
    start: time = DEFAULT_WINDOW[0]
    end: time = DEFAULT_WINDOW[1]
    days: frozenset[int] = DEFAULT_DAYS

    def __post_init__(self) -> None:
        """Reject settings that could never nudge, explaining how to fix them."""
        if self.end == self.start:
            raise ScheduleInputError(
                f"The window starts and ends at {self.start:%H:%M}. {_WINDOW_FORMS}"
            )
        if not self.days or not self.days <= frozenset(range(7)):
            raise ScheduleInputError(f"Please choose at least one day. {_DAY_FORMS}")
        length = _since_midnight(self.end) - _since_midnight(self.start)
        if length < timedelta(0):
            length += timedelta(days=1)
        if not timedelta(0) < self.every <= length:
            raise ScheduleInputError(
                f"Every {format_interval(self.every)} doesn't fit in "
                f"{self.start:%H:%M}-{self.end:%H:%M}: make the interval shorter or the "
                "window longer."
            )

    def to_rule(self, zone: ZoneInfo) -> BreakRule:
        """Return the schedule rule for this setting in `zone`."""
        return BreakRule(self.every, self.start, self.end, self.days, zone)

    def describe(self) -> str:
        """Return the setting in words, e.g. 'every 30 min, 09:00-17:30, Mon-Fri'."""
        overnight = " overnight" if is_overnight(self.start, self.end) else ""
        return (
            f"every {format_interval(self.every)}, "
            f"{self.start:%H:%M}-{self.end:%H:%M}{overnight}, {format_days(self.days)}"
        )


def format_interval(every: timedelta) -> str:
    """Return an interval in words: '30 min', '1 hour', '1 h 30 min'."""
    minutes = round(every.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    if not rest:
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{hours} h {rest} min"


def _since_midnight(at: time) -> timedelta:
    return timedelta(hours=at.hour, minutes=at.minute, seconds=at.second)


def _shown(text: str) -> str:
    """Return typed text fit to quote back in a message: one line, at most 40 characters."""
    line = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return line if len(line) <= 40 else line[:39] + "…"


def _clean(text: str) -> str:
    return " ".join(text.lower().split())


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _duration(text: str, forms: str) -> timedelta:
    """Parse '30m', '45', '1h30m', '2 hours' into a duration; a bare number is minutes."""
    cleaned = re.sub(r"^(?:every|for)\s+", "", _clean(text))
    match = _INTERVAL_RE.fullmatch(cleaned)
    if not cleaned or match is None or not (match["h"] or match["m"]):
        raise ScheduleInputError(f"I couldn't read '{_shown(text)}' as a length of time. {forms}")
    minutes = _number(match["h"] or "0") * 60 + _number(match["m"] or "0")
    if minutes > _MAX_MINUTES:
        raise ScheduleInputError(f"'{_shown(text)}' is far too long. {forms}")
    return timedelta(seconds=round(minutes * 60))


def parse_interval(text: str, *, minimum: timedelta = timedelta(minutes=10)) -> timedelta:
    """Parse a nudge interval such as '30m', '45', '1h30m' or '2 hours'."""
    every = _duration(text, _INTERVAL_FORMS)
    if every < minimum or every <= timedelta(0):
        raise ScheduleInputError(
            f"Every {format_interval(every)} is too often: the shortest interval is "
            f"{format_interval(minimum)}. {_INTERVAL_FORMS}"
        )
    if every > MAX_INTERVAL:
        raise ScheduleInputError(
            f"Every {format_interval(every)} is too long: the longest interval is 8 hours. "
            f"{_INTERVAL_FORMS}"
        )
    return every


def _clock(text: str) -> tuple[time, bool]:
    """Parse a time of day; also say whether it was written in 12-hour style without a zero.

    24-hour forms: 07:30, 7:30, 7.30, 19:30, 0730 (three or four digits are HMM/HHMM), 7.
    12-hour forms: 7pm, 7:30 pm, 7.30am, 7 p.m.; 12am is midnight and 12pm is noon.
    """
    cleaned = _clean(text)
    named = {"noon": time(12), "midday": time(12), "midnight": time(0)}
    if cleaned in named:
        return named[cleaned], False
    match = _MERIDIEM_RE.fullmatch(cleaned) or _CLOCK_RE.fullmatch(cleaned)
    if match is None:
        match = _COMPACT_RE.fullmatch(cleaned.zfill(4)) if cleaned.isdigit() else None
    if match is None:
        raise ScheduleInputError(f"I couldn't read '{_shown(text)}' as a time. {_CLOCK_FORMS}")
    hour, minute = int(match["h"]), int(match["m"] or 0)
    meridiem = match.groupdict().get("ampm")
    if minute > 59:
        raise ScheduleInputError(
            f"'{_shown(text)}' isn't a valid time: minutes go 0-59. {_CLOCK_FORMS}"
        )
    if meridiem:
        if not 1 <= hour <= 12:
            raise ScheduleInputError(
                f"'{_shown(text)}' isn't a valid time: with am/pm the hour goes from 1 to 12. "
                f"{_CLOCK_FORMS}"
            )
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif hour > 23:
        raise ScheduleInputError(
            f"'{_shown(text)}' isn't a valid time: hours go 0-23. {_CLOCK_FORMS}"
        )
    casual = not meridiem and not cleaned.startswith("0") and len(cleaned) <= 5 and hour < 12
    return time(hour, minute), casual


def parse_clock(text: str) -> time:
    """Parse a time of day in 24-hour or 12-hour form ('07:30', '0730', '7:30 pm', '12am')."""
    return _clock(text)[0]


def parse_window(text: str) -> tuple[time, time]:
    """Parse a window such as '09:00-17:30', '9-5:30pm', '9am–5pm' or '17:00-09:00'.

    When the end is written casually without am/pm ('9-5', '9-5:30') and would fall
    before the start, it is read as pm: nobody means 09:00 until 05:00 the same day.
    A window from the afternoon or evening to the next morning ('17:00-09:00', '22-6')
    runs overnight, for night shifts. '09:00-08:00' is still an error: a leading zero
    means a 24-hour time, and a morning start doesn't end the next morning.
    """
    parts = _DASHES.split(_clean(text))
    if len(parts) != 2 or not all(parts):
        raise ScheduleInputError(
            f"I couldn't read '{_shown(text)}' as a time window. {_WINDOW_FORMS}"
        )
    try:
        start = parse_clock(parts[0])
        end, casual = _clock(parts[1])
    except ScheduleInputError as exc:
        raise ScheduleInputError(f"In the window '{_shown(text)}': {exc}") from None
    if casual and end < start and time(end.hour + 12, end.minute) > start:
        end = time(end.hour + 12, end.minute)
    if end == start:
        raise ScheduleInputError(
            f"The window starts and ends at {start:%H:%M}. {_WINDOW_FORMS}"
        )
    if end < start and not (start >= NOON and end <= NOON):
        raise ScheduleInputError(
            f"The end ({end:%H:%M}) is before the start ({start:%H:%M}). A window can run "
            f"overnight only from the afternoon or evening to the next morning, like "
            f"22:00-06:00. {_WINDOW_FORMS}"
        )
    return start, end


def _day_suggestion(token: str) -> str | None:
    """Return the day name or group closest to a mistyped token, if any is close."""
    names = list(_DAY_NAMES if len(token) <= 3 else (*_FULL_NAMES, *_DAY_GROUPS))
    match = process.extractOne(token, names, scorer=fuzz.ratio, score_cutoff=60)
    return match[0] if match else None


def _unknown_day(token: str) -> ScheduleInputError:
    suggestion = _day_suggestion(token)
    hint = f" Did you mean '{suggestion}'?" if suggestion else ""
    return ScheduleInputError(f"Unknown day '{_shown(token)}'.{hint} {_DAY_FORMS}")


def _day(token: str) -> int:
    index = _DAY_ALIASES.get(token.rstrip("."))
    if index is None:
        raise _unknown_day(token)
    return index


def _day_term(term: str) -> frozenset[int]:
    """Parse one term: a day, a group ('weekdays') or a range that may wrap ('fri-mon')."""
    if term in _DAY_GROUPS:
        return _DAY_GROUPS[term]
    ends = _DASHES.split(term)
    if len(ends) == 1:
        return frozenset({_day(term)})
    if len(ends) != 2 or not all(ends):
        raise ScheduleInputError(f"I couldn't read the days '{_shown(term)}'. {_DAY_FORMS}")
    first, last = _day(ends[0]), _day(ends[1])
    return frozenset((first + step) % 7 for step in range((last - first) % 7 + 1))


def parse_days(text: str) -> frozenset[int]:
    """Parse weekdays ('mon-fri', 'weekdays', 'daily', 'mon,wed,fri', 'fri-mon'); 0 is Monday."""
    cleaned = re.sub(r"\b(?:every|all)\s+days?\b", "daily", _clean(text))
    cleaned = _DASHES.sub("-", cleaned)
    terms = [t for t in re.split(r"[,;/&+\s]+|\band\b", cleaned) if t]
    if not terms:
        raise ScheduleInputError(f"Please say which days. {_DAY_FORMS}")
    days: frozenset[int] = frozenset()
    for term in terms:
        days |= _day_term(term)
    return days


def format_days(days: frozenset[int]) -> str:
    """Return days in words: 'every day', 'Mon-Fri', 'Fri-Mon' or 'Mon, Wed, Fri'."""
    if len(days) == 7:
        return "every day"
    if not days:
        return "no days"
    # Start after a missing day so a run that wraps past Sunday stays in one piece.
    first = next(d for d in range(7) if (d - 1) % 7 not in days and d in days)
    order = [(first + step) % 7 for step in range(7)]
    runs: list[list[int]] = []
    for day in order:
        if day not in days:
            continue
        if runs and (runs[-1][-1] + 1) % 7 == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    labels = [name.title() for name in _DAY_NAMES]
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{labels[run[0]]}-{labels[run[-1]]}")
        else:
            parts.extend(labels[d] for d in run)
    return ", ".join(parts)


def _line_tokens(text: str) -> list[str]:
    """Split a `/breaks` line into tokens, gluing '30 min', '9 am' and '9 - 5' together."""
    cleaned = re.sub(r"\b(?:every|all)\s+days?\b", "daily", _clean(text))
    cleaned = _DASHES.sub("-", cleaned)
    cleaned = re.sub(rf"(\d)\s+(?=(?:{_UNIT_HOURS}|{_UNIT_MINUTES}|[ap]\.?m\.?)\b)", r"\1",
                     cleaned)
    return cleaned.replace(",", " ").split()


def _is_interval(token: str) -> bool:
    return bool(re.fullmatch(rf"{_NUMBER}(?:{_UNIT_HOURS}|{_UNIT_MINUTES})", token))


def parse_breaks_line(text: str, *, minimum: timedelta = timedelta(minutes=10),
                      base: BreakSpec | None = None) -> BreakSpec:
    """Parse the one-line `/breaks` form, e.g. 'every 30m 09:00-17:30 mon-fri', any order.

    A part left out keeps its value from `base` (the current setting), or the default.
    """
    base = base or BreakSpec()
    every: timedelta | None = None
    window: tuple[time, time] | None = None
    day_terms: list[str] = []
    tokens = _line_tokens(text)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "every" or token in _FILLERS:
            # 'every 45' means minutes; 'every weekday' just reads naturally.
            if token == "every" and index + 1 < len(tokens):
                if re.fullmatch(_NUMBER, tokens[index + 1]):
                    tokens[index + 1] += "min"
            index += 1
            continue
        if _is_interval(token):
            # Several unit tokens in a row form one interval: '1h 30m'.
            parts = [token]
            while index + 1 < len(tokens) and _is_interval(tokens[index + 1]):
                index += 1
                parts.append(tokens[index])
            if every is not None:
                raise ScheduleInputError(f"Please give one interval, not two. {_LINE_FORMS}")
            every = parse_interval("".join(parts), minimum=minimum)
        elif token[0].isdigit() or token in ("noon", "midnight"):
            if "-" not in token:
                raise ScheduleInputError(
                    f"I didn't understand '{_shown(token)}'. A window needs a start and an end, "
                    f"like 09:00-17:30. {_LINE_FORMS}"
                )
            if window is not None:
                raise ScheduleInputError(f"Please give one time window, not two. {_LINE_FORMS}")
            window = parse_window(token)
        else:
            day_terms.append(token)
        index += 1
    start, end = window or (base.start, base.end)
    days = _line_days(day_terms) if day_terms else base.days
    return BreakSpec(every or base.every, start, end, days)


def _line_days(terms: list[str]) -> frozenset[int]:
    """Parse the day words of a `/breaks` line, naming any word that is not a day."""
    if not terms:
        return DEFAULT_DAYS
    for word in re.split(r"[,-]", ",".join(terms)):
        if word and word not in _DAY_GROUPS and word.rstrip(".") not in _DAY_ALIASES:
            if _day_suggestion(word):
                raise _unknown_day(word)
            raise ScheduleInputError(f"I didn't understand '{_shown(word)}'. {_LINE_FORMS}")
    return parse_days(" ".join(terms))


def parse_duration_or_until(text: str, now_local: datetime) -> datetime:
    """Return the aware local end of a pause: '30m', '2h', 'today' or 'until 14:00'.

    A duration is real elapsed time (2h is two hours even across a DST change). 'today'
    ends at the next local midnight. 'until 14:00' means the next 14:00 strictly after
    now, so a time that has already passed today means tomorrow: 'until 08:00' said at
    22:00 is a pause for the night, not a mistake.
    """
    zone = now_local.tzinfo
    if not isinstance(zone, ZoneInfo):
        raise ValueError("now_local must be an aware datetime in the person's ZoneInfo zone")
    cleaned = _clean(text)
    if cleaned in ("today", "for today", "rest of today", "the rest of today"):
        midnight = datetime.combine(now_local.date() + timedelta(days=1), time(0), tzinfo=zone)
        return resolve_local(midnight)
    until = re.fullmatch(r"(?:until|till|til|to)\s+(.+)", cleaned)
    if until:
        return next_daily(parse_clock(until[1]), frozenset(range(7)), zone, now_local)
    if not re.match(r"(?:for\s+)?\d", cleaned):
        raise ScheduleInputError(f"I couldn't read '{_shown(text)}' as a pause. {_PAUSE_FORMS}")
    length = _duration(cleaned, _PAUSE_FORMS)
    if length < timedelta(minutes=1):
        raise ScheduleInputError(f"A pause must last at least 1 minute. {_PAUSE_FORMS}")
    if length > MAX_PAUSE:
        raise ScheduleInputError(
            f"A pause can last up to 24 hours; for longer, turn nudges off. {_PAUSE_FORMS}"
        )
    return (now_local.astimezone(UTC) + length).astimezone(zone)
