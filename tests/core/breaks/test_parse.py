from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.breaks.parse import (
    BreakSpec,
    ScheduleInputError,
    format_days,
    format_interval,
    parse_breaks_line,
    parse_clock,
    parse_days,
    parse_duration_or_until,
    parse_interval,
    parse_window,
)
from bot.core.breaks.rules import BreakRule

BERLIN = ZoneInfo("Europe/Berlin")
MINUTES = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30), ("30 min", 30), ("30 mins", 30), ("45", 45), ("1h", 60), ("1h30m", 90),
        ("1h 30m", 90), ("1 hour 30 minutes", 90), ("90 minutes", 90), ("2 hours", 120),
        ("1.5h", 90), ("2hrs", 120), ("every 20 min", 20), ("  10M ", 10), ("8h", 480),
    ],
)
def test_parse_interval_accepts(text: str, minutes: int) -> None:
    assert parse_interval(text) == minutes * MINUTES


def test_parse_interval_minimum() -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_interval("5m")
    assert str(err.value) == (
        "Every 5 min is too often: the shortest interval is 10 min. "
        "Try 30m, 45 min, 1h or 1h30m."
    )
    assert parse_interval("1m", minimum=MINUTES) == MINUTES
    with pytest.raises(ScheduleInputError, match="shortest interval is 1 min"):
        parse_interval("0", minimum=MINUTES)


def test_parse_interval_maximum() -> None:
    with pytest.raises(ScheduleInputError, match="Every 9 hours is too long: the longest"):
        parse_interval("9h")
    with pytest.raises(ScheduleInputError, match="far too long"):
        parse_interval("999999h")


@pytest.mark.parametrize("text", ["", "abc", "30s", "m30", "1h30x", "99999999h", "-5m"])
def test_parse_interval_rejects(text: str) -> None:
    with pytest.raises(ScheduleInputError, match="Try 30m, 45 min, 1h or 1h30m"):
        parse_interval(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)), ("7:30", time(7, 30)), ("0730", time(7, 30)),
        ("730", time(7, 30)), ("19:30", time(19, 30)), ("7pm", time(19)),
        ("7:30 pm", time(19, 30)), ("7.30am", time(7, 30)), ("7 p.m.", time(19)),
        ("12am", time(0)), ("12pm", time(12)), ("12:15am", time(0, 15)), ("noon", time(12)),
        ("midnight", time(0)), ("0", time(0)), ("23:59", time(23, 59)), ("7", time(7)),
        ("7.30", time(7, 30)), ("7h30", time(7, 30)), ("7PM", time(19)),
    ],
)
def test_parse_clock_accepts(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", "hours go 0-23"), ("24:00", "hours go 0-23"), ("7:75", "minutes go 0-59"),
        ("13pm", "with am/pm the hour goes from 1 to 12"), ("0am", "from 1 to 12"),
        ("abc", "I couldn't read 'abc' as a time"), ("", "as a time"), ("7m", "as a time"),
        ("12345", "as a time"),
    ],
)
def test_parse_clock_errors_show_accepted_forms(text: str, reason: str) -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_clock(text)
    assert reason in str(err.value)
    assert str(err.value).endswith("Try 07:30, 7:30am or 19:30.")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("09:00-17:30", time(9), time(17, 30)), ("9-5:30pm", time(9), time(17, 30)),
        ("9am-5pm", time(9), time(17)), ("9am\u20135pm", time(9), time(17)),
        ("09:00 \u2013 17:30", time(9), time(17, 30)), ("9-17", time(9), time(17)),
        ("9 to 5", time(9), time(17)), ("9-5", time(9), time(17)),
        ("8:30 - 12", time(8, 30), time(12)), ("7.30am-4.30pm", time(7, 30), time(16, 30)),
    ],
)
def test_parse_window_accepts(text: str, start: time, end: time) -> None:
    assert parse_window(text) == (start, end)


def test_parse_window_end_before_start() -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_window("09:00-08:00")
    assert str(err.value).startswith("The end (08:00) is before the start (09:00)")
    assert "Try 09:00-17:30, 9-5:30pm or 9am-5pm." in str(err.value)
    assert parse_window("9pm-5") == (time(21), time(5))  # overnight, for a night shift


@pytest.mark.parametrize("text", ["9", "9-", "-5", "9-5-6", "", "morning"])
def test_parse_window_rejects(text: str) -> None:
    with pytest.raises(ScheduleInputError, match="as a time window. Try 09:00-17:30"):
        parse_window(text)


def test_parse_window_bad_part_and_empty_window() -> None:
    with pytest.raises(ScheduleInputError, match="In the window '25-26': '25' isn't a valid"):
        parse_window("25-26")
    with pytest.raises(ScheduleInputError, match="starts and ends at 10:00"):
        parse_window("10:00-10:00")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}), ("weekdays", {0, 1, 2, 3, 4}), ("weekends", {5, 6}),
        ("daily", set(range(7))), ("every day", set(range(7))), ("all", set(range(7))),
        ("mon,wed,fri", {0, 2, 4}), ("mon wed fri", {0, 2, 4}), ("Mon, Wed & Fri", {0, 2, 4}),
        ("Monday, Wednesday", {0, 2}), ("fri-mon", {4, 5, 6, 0}), ("FRI-MON", {4, 5, 6, 0}),
        ("mon to fri", {0, 1, 2, 3, 4}), ("mon and thu", {0, 3}), ("sat\u2013sun", {5, 6}),
        ("tues thurs", {1, 3}), ("mo,we", {0, 2}), ("sundays", {6}), ("weekdays sat", set(range(6))),
    ],
)
def test_parse_days_accepts(text: str, days: set[int]) -> None:
    assert parse_days(text) == frozenset(days)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("frj", "Unknown day 'frj'. Did you mean 'fri'?"),
        ("mon-frj", "Unknown day 'frj'. Did you mean 'fri'?"),
        ("tuseday", "Unknown day 'tuseday'. Did you mean 'tuesday'?"),
        ("weekdys", "Unknown day 'weekdys'. Did you mean 'weekdays'?"),
        ("xyz", "Unknown day 'xyz'. Try"),
        ("", "Please say which days."),
        ("mon--fri", "I couldn't read the days 'mon--fri'."),
    ],
)
def test_parse_days_errors(text: str, message: str) -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_days(text)
    assert str(err.value).startswith(message)
    assert str(err.value).endswith("Try mon-fri, weekdays, weekends, daily or mon,wed,fri.")


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (range(7), "every day"), (range(5), "Mon-Fri"), ({0, 2, 4}, "Mon, Wed, Fri"),
        ({4, 5, 6, 0}, "Fri-Mon"), ({5, 6}, "Sat, Sun"), ({3}, "Thu"),
        ({0, 1, 2, 4, 5}, "Mon-Wed, Fri, Sat"), (set(), "no days"),
    ],
)
def test_format_days(days: set[int], text: str) -> None:
    assert format_days(frozenset(days)) == text


def test_format_days_round_trips() -> None:
    for mask in range(1, 128):
        days = frozenset(d for d in range(7) if mask >> d & 1)
        assert parse_days(format_days(days).replace("every day", "daily")) == days


@pytest.mark.parametrize(
    ("every", "text"), [(30, "30 min"), (60, "1 hour"), (120, "2 hours"), (90, "1 h 30 min")]
)
def test_format_interval(every: int, text: str) -> None:
    assert format_interval(every * MINUTES) == text


@pytest.mark.parametrize(
    ("line", "described"),
    [
        ("every 30m 09:00-17:30 mon-fri", "every 30 min, 09:00-17:30, Mon-Fri"),
        ("every 45m", "every 45 min, 09:00-17:00, Mon-Fri"),
        ("9-17", "every 30 min, 09:00-17:00, Mon-Fri"),
        ("weekdays every 1h", "every 1 hour, 09:00-17:00, Mon-Fri"),
        ("", "every 30 min, 09:00-17:00, Mon-Fri"),
        ("mon-fri 9am-5pm every 1 h 30 min", "every 1 h 30 min, 09:00-17:00, Mon-Fri"),
        ("every 45 weekends", "every 45 min, 09:00-17:00, Sat, Sun"),
        ("Mon Wed Fri every 20 min", "every 20 min, 09:00-17:00, Mon, Wed, Fri"),
        ("every day 8-20", "every 30 min, 08:00-20:00, every day"),
        ("every weekday from 9 to 5:30", "every 30 min, 09:00-17:30, Mon-Fri"),
        ("sat-sun 10:00 \u2013 14:00 every 2 hours", "every 2 hours, 10:00-14:00, Sat, Sun"),
    ],
)
def test_parse_breaks_line(line: str, described: str) -> None:
    assert parse_breaks_line(line).describe() == described


def test_breaks_line_defaults_and_rule() -> None:
    spec = parse_breaks_line("")
    assert spec == BreakSpec(timedelta(minutes=30), time(9), time(17), frozenset(range(5)))
    rule = spec.to_rule(BERLIN)
    assert rule == BreakRule(timedelta(minutes=30), time(9), time(17), frozenset(range(5)), BERLIN)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("every 30m banana", "I didn't understand 'banana'. Write it like: every 30m"),
        ("every 30m 9-17 mon-frj", "Unknown day 'frj'. Did you mean 'fri'?"),
        ("every 2h 9-10", "Every 2 hours doesn't fit in 09:00-10:00"),
        ("every 30m every 45m", "Please give one interval, not two."),
        ("30m 9-17 9-18", "Please give one time window, not two."),
        ("7pm", "I didn't understand '7pm'. A window needs a start and an end"),
        ("every 5m", "Every 5 min is too often: the shortest interval is 10 min."),
        ("9-8am", "The end (08:00) is before the start (09:00)"),
    ],
)
def test_parse_breaks_line_errors(line: str, message: str) -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_breaks_line(line)
    assert str(err.value).startswith(message)


def test_breaks_line_minimum_is_configurable() -> None:
    assert parse_breaks_line("every 2m", minimum=MINUTES).every == 2 * MINUTES


def test_break_spec_validates() -> None:
    with pytest.raises(ScheduleInputError, match="at least one day"):
        BreakSpec(days=frozenset())
    with pytest.raises(ScheduleInputError, match="starts and ends at 10:00"):
        BreakSpec(start=time(10), end=time(10))
    assert "overnight" in BreakSpec(start=time(17), end=time(9)).describe()


# --- /pause -----------------------------------------------------------------------------------

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)  # half an hour before clocks spring forward


def test_pause_duration_is_real_elapsed_time() -> None:
    end = parse_duration_or_until("30m", NOW)
    assert end.isoformat() == "2026-03-29T03:00:00+02:00"
    assert end.astimezone(UTC) - NOW.astimezone(UTC) == timedelta(minutes=30)
    assert parse_duration_or_until("2h", NOW).isoformat() == "2026-03-29T04:30:00+02:00"
    assert parse_duration_or_until("for 1h", NOW).isoformat() == "2026-03-29T03:30:00+02:00"


def test_pause_today_ends_at_local_midnight() -> None:
    assert parse_duration_or_until("today", NOW).isoformat() == "2026-03-30T00:00:00+02:00"
    evening = datetime(2026, 10, 24, 23, 59, tzinfo=BERLIN)
    assert parse_duration_or_until("Today", evening).isoformat() == "2026-10-25T00:00:00+02:00"


def test_pause_until_nonexistent_midnight_moves_past_gap() -> None:
    santiago = ZoneInfo("America/Santiago")  # clocks go from 24:00 to 01:00 on 6 Sep 2026
    now = datetime(2026, 9, 5, 20, tzinfo=santiago)
    assert parse_duration_or_until("today", now).isoformat() == "2026-09-06T01:00:00-03:00"


def test_pause_until_time() -> None:
    assert parse_duration_or_until("until 14:00", NOW).isoformat() == (
        "2026-03-29T14:00:00+02:00"
    )
    # Already passed today: it means the next one, tomorrow.
    assert parse_duration_or_until("until 01:00", NOW).isoformat() == (
        "2026-03-30T01:00:00+02:00"
    )
    assert parse_duration_or_until("till 2:30am", NOW).isoformat() == (
        "2026-03-29T03:00:00+02:00"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "I couldn't read 'tomorrow' as a pause."),
        ("25h", "A pause can last up to 24 hours"),
        ("0m", "A pause must last at least 1 minute."),
        ("until 25:00", "'25:00' isn't a valid time"),
        ("", "I couldn't read '' as a pause."),
    ],
)
def test_pause_errors(text: str, message: str) -> None:
    with pytest.raises(ScheduleInputError) as err:
        parse_duration_or_until(text, NOW)
    assert str(err.value).startswith(message)


def test_pause_needs_zoned_now() -> None:
    with pytest.raises(ValueError, match="ZoneInfo"):
        parse_duration_or_until("30m", datetime(2026, 1, 1, 12))  # noqa: DTZ001


PARSERS = [parse_interval, parse_clock, parse_window, parse_days, parse_breaks_line,
           lambda text: parse_duration_or_until(text, NOW)]
schedule_words = st.lists(
    st.sampled_from(["every", "30m", "1h", "9-17", "9am", "-", "mon", "fri", "weekdays", ",",
                     "until", "today", "pm", "12", ":", "daily", "to", "\u2013", "x"]),
    max_size=8,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=60), schedule_words))
def test_parsers_only_raise_schedule_input_errors(text: str) -> None:
    for parse in PARSERS:
        try:
            parse(text)
        except ScheduleInputError as err:
            assert str(err)
            assert "\n" not in str(err)


def test_very_long_input_is_quick_and_quoted_short() -> None:
    text = "1" * 5000 + "h " + "mon," * 5000
    for parse in PARSERS:
        with pytest.raises(ScheduleInputError) as err:
            parse(text)
        assert len(str(err.value)) < 400


@st.composite
def specs(draw: st.DrawFn) -> BreakSpec:
    every = draw(st.integers(min_value=10, max_value=480))
    start = draw(st.integers(min_value=0, max_value=24 * 60 - 1 - every))
    end = start + draw(st.integers(min_value=every, max_value=24 * 60 - 1 - start))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return BreakSpec(every * MINUTES, time(start // 60, start % 60), time(end // 60, end % 60),
                     days)


@settings(max_examples=300, deadline=None)
@given(spec=specs())
def test_describe_reads_back(spec: BreakSpec) -> None:
    assert parse_breaks_line(spec.describe()) == spec
