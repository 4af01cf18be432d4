from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.breaks.rules import (
    BreakRule,
    next_break,
    next_daily,
    resolve_local,
    upcoming_breaks,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))


def rule(every: int = 30, start: time = time(9), end: time = time(17, 30),
         days: frozenset[int] = WEEKDAYS, zone: ZoneInfo = BERLIN) -> BreakRule:
    return BreakRule(timedelta(minutes=every), start, end, days, zone)


def stamps(slots: list[datetime]) -> list[str]:
    return [slot.strftime("%H:%M%z") for slot in slots]


def day_of(r: BreakRule, day: date) -> list[datetime]:
    """All nudges of one local day, via the public API."""
    after = datetime.combine(day, time(0), tzinfo=r.zone)
    slots = upcoming_breaks(r, after, r.slots_per_day + 1)
    return [s for s in slots if s.date() == day]


# --- DST: night windows across the change -------------------------------------------------

@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # Spring forward: 02:00 and 02:30 do not exist; both move to 03:00, where a slot
        # already falls, so they are dropped rather than doubled.
        (BERLIN, date(2026, 3, 29), ["01:30+0100", "03:00+0200", "03:30+0200", "04:00+0200"]),
        (NEW_YORK, date(2026, 3, 8), ["01:30-0500", "03:00-0400", "03:30-0400", "04:00-0400"]),
        # Fall back: 02:00 and 02:30 happen twice in Berlin; each fires once, the first time.
        (BERLIN, date(2026, 10, 25),
         ["01:30+0200", "02:00+0200", "02:30+0200", "03:00+0100", "03:30+0100", "04:00+0100"]),
        # New York repeats 01:00-01:59: 01:30 fires once, in EDT.
        (NEW_YORK, date(2026, 11, 1),
         ["01:30-0400", "02:00-0500", "02:30-0500", "03:00-0500", "03:30-0500", "04:00-0500"]),
    ],
)
def test_night_window_across_dst(zone: ZoneInfo, day: date, expected: list[str]) -> None:
    r = rule(30, time(1), time(4), EVERY_DAY, zone)
    slots = day_of(r, day)
    assert stamps(slots) == expected
    utc = [s.astimezone(UTC) for s in slots]
    assert utc == sorted(set(utc))


def test_gap_slot_moves_to_end_of_gap_when_free() -> None:
    r = rule(45, time(1), time(4), EVERY_DAY)
    assert stamps(day_of(r, date(2026, 3, 29))) == [
        "01:45+0100", "03:00+0200", "03:15+0200", "04:00+0200",
    ]


def test_several_gap_slots_collapse_into_one() -> None:
    r = rule(20, time(1), time(2, 50), EVERY_DAY)
    assert stamps(day_of(r, date(2026, 3, 29))) == ["01:20+0100", "01:40+0100", "03:00+0200"]


def test_after_second_occurrence_of_repeated_hour_skips_slots_already_fired() -> None:
    r = rule(30, time(1), time(4), EVERY_DAY)
    second_0215 = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)  # 01:15 UTC
    nxt = next_break(r, second_0215)
    assert nxt.astimezone(UTC) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    assert nxt.strftime("%H:%M%z") == "03:00+0100"


def test_after_between_two_occurrences_does_not_refire() -> None:
    r = rule(30, time(1), time(4), EVERY_DAY)
    first_0230 = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    assert stamps([next_break(r, first_0230)]) == ["03:00+0100"]


@pytest.mark.parametrize(
    ("zone", "day"),
    [(BERLIN, date(2026, 3, 29)), (BERLIN, date(2026, 10, 25)),
     (NEW_YORK, date(2026, 3, 8)), (NEW_YORK, date(2026, 11, 1))],
)
def test_working_window_on_dst_day_keeps_local_times(zone: ZoneInfo, day: date) -> None:
    r = rule(30, time(9), time(17, 30), EVERY_DAY, zone)
    on_dst_day = day_of(r, day)
    week_before = day_of(r, day - timedelta(days=7))
    assert [s.strftime("%H:%M") for s in on_dst_day] == [
        s.strftime("%H:%M") for s in week_before
    ]
    assert len(on_dst_day) == 17
    assert on_dst_day[0].strftime("%H:%M") == "09:30"
    assert on_dst_day[-1].strftime("%H:%M") == "17:30"
    assert on_dst_day[0].utcoffset() != week_before[0].utcoffset()


# --- window edges and days -----------------------------------------------------------------

FRIDAY = date(2026, 1, 16)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def test_no_nudge_at_window_start() -> None:
    assert next_break(rule(), at(FRIDAY, 8)) == at(FRIDAY, 9, 30)
    assert next_break(rule(), at(FRIDAY, 9)) == at(FRIDAY, 9, 30)


def test_after_exactly_on_a_slot_gives_the_next_one() -> None:
    assert next_break(rule(), at(FRIDAY, 10)) == at(FRIDAY, 10, 30)
    assert next_break(rule(), at(FRIDAY, 10) - timedelta(microseconds=1)) == at(FRIDAY, 10)


def test_slot_exactly_at_end_is_included_and_nothing_after() -> None:
    thursday = FRIDAY - timedelta(days=1)
    assert next_break(rule(), at(thursday, 17, 1)) == at(thursday, 17, 30)
    assert next_break(rule(), at(thursday, 17, 30)) == at(FRIDAY, 9, 30)


def test_end_not_on_the_grid_stops_at_last_slot_before_it() -> None:
    r = rule(45, time(9), time(10, 20))
    monday = FRIDAY + timedelta(days=3)
    assert upcoming_breaks(r, at(FRIDAY, 0), 2) == [at(FRIDAY, 9, 45), at(monday, 9, 45)]


def test_weekend_is_skipped() -> None:
    monday = FRIDAY + timedelta(days=3)
    assert next_break(rule(), at(FRIDAY, 17, 30)) == at(monday, 9, 30)
    assert next_break(rule(), at(FRIDAY + timedelta(days=1), 12)) == at(monday, 9, 30)


def test_weekend_and_spring_forward_together() -> None:
    friday = at(date(2026, 3, 27), 17, 30)
    assert next_break(rule(), friday).isoformat() == "2026-03-30T09:30:00+02:00"


def test_single_day_rule() -> None:
    wednesday_only = rule(days=frozenset({2}))
    thursday = FRIDAY - timedelta(days=1)
    got = next_break(wednesday_only, at(thursday, 12))
    assert got == at(thursday + timedelta(days=6), 9, 30)
    assert got.weekday() == 2


def test_after_in_another_zone_returns_rule_zone() -> None:
    got = next_break(rule(), datetime(2026, 1, 16, 8, 45, tzinfo=UTC))  # 09:45 Berlin
    assert got == at(FRIDAY, 10)
    assert got.tzinfo is BERLIN


def test_upcoming_breaks_counts() -> None:
    assert upcoming_breaks(rule(), at(FRIDAY, 8), 0) == []
    assert len(upcoming_breaks(rule(), at(FRIDAY, 8), 40)) == 40
    with pytest.raises(ValueError, match="negative"):
        upcoming_breaks(rule(), at(FRIDAY, 8), -1)


def test_naive_after_is_rejected() -> None:
    naive = datetime(2026, 1, 16, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="aware"):
        next_break(rule(), naive)
    with pytest.raises(ValueError, match="aware"):
        next_daily(time(7), EVERY_DAY, BERLIN, naive)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": 0}, "positive"),
        ({"start": time(10), "end": time(10)}, "end after"),
        ({"every": 120, "start": time(9), "end": time(10)}, "longer than the window"),
        ({"days": frozenset()}, "days"),
        ({"days": frozenset({7})}, "days"),
    ],
)
def test_invalid_rules(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rule(**kwargs)


# --- daily reminders -------------------------------------------------------------------------

def test_daily_at_nonexistent_time_moves_to_end_of_gap() -> None:
    got = next_daily(time(2, 30), EVERY_DAY, BERLIN, at(date(2026, 3, 29), 0))
    assert got.isoformat() == "2026-03-29T03:00:00+02:00"
    following = next_daily(time(2, 30), EVERY_DAY, BERLIN, got)
    assert following.isoformat() == "2026-03-30T02:30:00+02:00"


def test_daily_at_ambiguous_time_fires_once() -> None:
    start = datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK)
    first = next_daily(time(1, 30), EVERY_DAY, NEW_YORK, start)
    assert first.isoformat() == "2026-11-01T01:30:00-04:00"
    second = next_daily(time(1, 30), EVERY_DAY, NEW_YORK, first)
    assert second.isoformat() == "2026-11-02T01:30:00-05:00"
    # Even asked from inside the repeated hour, after 01:30 EDT, it does not fire at 01:30 EST.
    inside = datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=NEW_YORK)
    assert next_daily(time(1, 30), EVERY_DAY, NEW_YORK, inside) == second


def test_daily_respects_days_and_local_time() -> None:
    mondays = frozenset({0})
    got = next_daily(time(7, 30), mondays, BERLIN, at(FRIDAY, 12))
    assert got.isoformat() == "2026-01-19T07:30:00+01:00"
    saturday = FRIDAY + timedelta(days=1)
    assert next_daily(time(7, 30), EVERY_DAY, BERLIN, at(FRIDAY, 7, 30)) == at(saturday, 7, 30)


def test_resolve_local() -> None:
    assert resolve_local(datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN)).isoformat() == (
        "2026-03-29T03:00:00+02:00"
    )
    repeated = resolve_local(datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN))
    assert repeated.isoformat() == "2026-10-25T02:30:00+02:00"
    # Samoa skipped 30 Dec 2011 entirely: that whole day moves to the start of 31 Dec.
    apia = ZoneInfo("Pacific/Apia")
    assert resolve_local(datetime(2011, 12, 30, 12, tzinfo=apia)).isoformat() == (
        "2011-12-31T00:00:00+14:00"
    )


# --- properties --------------------------------------------------------------------------------

def reference_instant(wall: datetime) -> datetime:
    """Independent model of the DST rules: scan forward to the end of a gap."""
    utc = wall.astimezone(UTC)
    if utc.astimezone(wall.tzinfo).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return utc
    moment = wall.replace(fold=1).astimezone(UTC)
    before = moment.astimezone(wall.tzinfo).utcoffset()
    while (moment + timedelta(minutes=1)).astimezone(wall.tzinfo).utcoffset() == before:
        moment += timedelta(minutes=1)
    while moment.astimezone(wall.tzinfo).utcoffset() == before:
        moment += timedelta(seconds=1)
    return moment


def reference_breaks(r: BreakRule, after: datetime, count: int) -> list[datetime]:
    after_utc = after.astimezone(UTC)
    day = after_utc.astimezone(r.zone).date() - timedelta(days=1)
    found: set[datetime] = set()
    last_day = None
    while last_day is None or day <= last_day:
        if day.weekday() in r.days:
            base = datetime.combine(day, r.start, tzinfo=r.zone)
            for k in range(1, r.slots_per_day + 1):
                instant = reference_instant(base + k * r.every)
                if instant > after_utc:
                    found.add(instant)
        if len(found) >= count and last_day is None:
            last_day = day + timedelta(days=2)
        day += timedelta(days=1)
    return sorted(found)[:count]


@st.composite
def rules(draw: st.DrawFn) -> BreakRule:
    every = draw(st.integers(min_value=1, max_value=480))
    start = draw(st.integers(min_value=0, max_value=24 * 60 - 1 - every))
    length = draw(st.integers(min_value=every, max_value=24 * 60 - 1 - start))
    end = start + length
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    zone = draw(st.timezones())
    return BreakRule(timedelta(minutes=every), time(start // 60, start % 60),
                     time(end // 60, end % 60), days, zone)


afters = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - bounds for an aware strategy
    max_value=datetime(2060, 1, 1),  # noqa: DTZ001
    timezones=st.timezones(),
    allow_imaginary=False,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(r=rules(), after=afters, count=st.integers(min_value=1, max_value=25))
def test_upcoming_breaks_properties(r: BreakRule, after: datetime, count: int) -> None:
    slots = upcoming_breaks(r, after, count)
    utc = [s.astimezone(UTC) for s in slots]
    assert len(slots) == count
    assert utc[0] > after
    assert all(a < b for a, b in zip(utc, utc[1:], strict=False))
    for slot in slots:
        assert slot.tzinfo is r.zone
        wall = slot.replace(tzinfo=None)
        shifted = (slot.astimezone(UTC) - timedelta(seconds=1)).astimezone(r.zone)
        if shifted.utcoffset() != slot.utcoffset() and shifted.utcoffset() < slot.utcoffset():
            continue  # a slot moved out of a spring-forward gap; checked by the reference below
        offset = wall - datetime.combine(wall.date(), r.start)
        assert wall.weekday() in r.days
        assert r.start < wall.time() <= r.end
        assert offset % r.every == timedelta(0)
    assert utc == reference_breaks(r, after, count)


DST_ZONES = [
    ("Europe/Berlin", 2026), ("America/New_York", 2026), ("Australia/Lord_Howe", 2026),
    ("America/Santiago", 2026), ("Pacific/Chatham", 2026), ("America/St_Johns", 2026),
    ("America/Havana", 2026), ("Africa/Casablanca", 2026), ("Pacific/Apia", 2011),
]


@cache
def transitions(name: str, year: int) -> list[datetime]:
    """Instants (to the hour) just after each UTC offset change in a year."""
    zone = ZoneInfo(name)
    moment = datetime(year, 1, 1, tzinfo=UTC)
    found = []
    while moment.year == year:
        nxt = moment + timedelta(hours=1)
        if nxt.astimezone(zone).utcoffset() != moment.astimezone(zone).utcoffset():
            found.append(nxt)
        moment = nxt
    return found


@st.composite
def near_transitions(draw: st.DrawFn) -> tuple[ZoneInfo, datetime]:
    name, year = draw(st.sampled_from(DST_ZONES))
    change = draw(st.sampled_from(transitions(name, year)))
    delta = draw(st.integers(min_value=-36 * 60, max_value=6 * 60))
    return ZoneInfo(name), change + timedelta(minutes=delta)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(r=rules(), near=near_transitions(), count=st.integers(min_value=1, max_value=60))
def test_upcoming_breaks_match_reference_near_dst(
    r: BreakRule, near: tuple[ZoneInfo, datetime], count: int
) -> None:
    zone, after = near
    r = BreakRule(r.every, r.start, r.end, r.days, zone)
    slots = upcoming_breaks(r, after, count)
    utc = [s.astimezone(UTC) for s in slots]
    assert all(a < b for a, b in zip(utc, utc[1:], strict=False))
    assert utc[0] > after
    assert utc == reference_breaks(r, after, count)


# --- overnight windows ------------------------------------------------------------------------


def test_an_overnight_window_runs_to_the_next_morning_on_the_day_it_opens() -> None:
    r = BreakRule(timedelta(hours=2), time(22), time(6), frozenset({4}), BERLIN)  # Friday nights
    thursday_noon = datetime(2026, 11, 26, 12, tzinfo=BERLIN)
    slots = [f"{s:%a %d %H:%M}" for s in upcoming_breaks(r, thursday_noon, 5)]
    assert slots == ["Sat 28 00:00", "Sat 28 02:00", "Sat 28 04:00", "Sat 28 06:00", "Sat 05 00:00"]
    assert upcoming_breaks(r, datetime(2026, 11, 28, 3, tzinfo=BERLIN), 1)[0].hour == 4


def test_an_overnight_window_across_fall_back_neither_skips_nor_doubles() -> None:
    r = BreakRule(timedelta(hours=1), time(22), time(6), EVERY_DAY, BERLIN)
    slots = upcoming_breaks(r, datetime(2026, 10, 24, 22, 30, tzinfo=BERLIN), 8)
    utc = [s.astimezone(UTC) for s in slots]
    assert all(a < b for a, b in zip(utc, utc[1:], strict=False))
    assert [f"{s:%H:%M}" for s in slots] == ["23:00", "00:00", "01:00", "02:00", "03:00",
                                             "04:00", "05:00", "06:00"]
