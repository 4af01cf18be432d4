import argparse
from datetime import UTC, datetime

import pytest

from bot.cli.schedule import add_preview_arguments, preview_from_args, run_preview

BERLIN_ARGS = {"tz": "Europe/Berlin", "every": "30m", "window": "09:00-17:30", "days": "mon-fri"}


def lines(capsys: pytest.CaptureFixture[str]) -> tuple[list[str], str]:
    out, err = capsys.readouterr()
    return out.splitlines(), err


def test_friday_preview(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_preview(**BERLIN_ARGS, start="2026-03-27T08:00", count=5)
    out, err = lines(capsys)
    assert code == 0
    assert err == ""
    assert out == [
        "2026-03-27T09:30:00+01:00",
        "2026-03-27T10:00:00+01:00",
        "2026-03-27T10:30:00+01:00",
        "2026-03-27T11:00:00+01:00",
        "2026-03-27T11:30:00+01:00",
    ]


def test_preview_crosses_weekend_and_dst(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_preview(**BERLIN_ARGS, start="2026-03-27T16:00", count=6)
    out, _ = lines(capsys)
    assert code == 0
    assert out == [
        "2026-03-27T16:30:00+01:00",
        "2026-03-27T17:00:00+01:00",
        "2026-03-27T17:30:00+01:00",
        "2026-03-30T09:30:00+02:00",
        "2026-03-30T10:00:00+02:00",
        "2026-03-30T10:30:00+02:00",
    ]


def test_preview_defaults_to_now_and_accepts_aware_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = datetime(2026, 3, 27, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    assert run_preview(**BERLIN_ARGS, start=None, count=2, now=now) == 0
    assert lines(capsys)[0] == ["2026-03-27T09:30:00+01:00", "2026-03-27T10:00:00+01:00"]
    assert run_preview(**BERLIN_ARGS, start="2026-03-27T09:40:00+01:00", count=1) == 0
    assert lines(capsys)[0] == ["2026-03-27T10:00:00+01:00"]


def test_preview_city_zone_and_short_interval(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_preview(tz="new york", every="1m", window="9-5", days="daily",
                       start="2026-11-01T16:58", count=3)
    assert code == 0
    assert lines(capsys)[0] == [
        "2026-11-01T16:59:00-05:00", "2026-11-01T17:00:00-05:00", "2026-11-02T09:01:00-05:00",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tz": "Europe/Berln"}, "Did you mean Europe/Berlin?"),
        ({"every": "30s"}, "I couldn't read '30s' as a length of time."),
        ({"every": "20h"}, "too long"),
        ({"window": "09:00-08:00"}, "is before the start"),
        ({"days": "mon-frj"}, "Did you mean 'fri'?"),
        ({"every": "2h", "window": "09:00-10:00"}, "doesn't fit"),
        ({"start": "last tuesday"}, "I couldn't read --from 'last tuesday'"),
        ({"count": 0}, "--count must be from 1 to 1000"),
        ({"count": 1001}, "--count must be from 1 to 1000"),
    ],
)
def test_errors_print_one_line_and_return_2(
    capsys: pytest.CaptureFixture[str], overrides: dict, message: str
) -> None:
    kwargs = {**BERLIN_ARGS, "start": "2026-03-27T08:00", "count": 5, **overrides}
    assert run_preview(**kwargs) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1


def test_arguments_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_preview_arguments(parser)
    args = parser.parse_args([])
    assert (args.tz, args.every, args.window, args.days, args.start, args.count) == (
        "UTC", "30m", "09:00-17:00", "mon-fri", None, 5
    )
    args = parser.parse_args(["--tz", "Europe/Berlin", "--every", "30m", "--window",
                              "09:00-17:30", "--days", "mon-fri", "--from", "2026-03-27T08:00",
                              "--count", "2"])
    assert preview_from_args(args) == 0
    assert lines(capsys)[0] == ["2026-03-27T09:30:00+01:00", "2026-03-27T10:00:00+01:00"]


@pytest.mark.parametrize("count", ["0", "1001", "many"])
def test_count_is_checked_by_argparse(count: str) -> None:
    parser = argparse.ArgumentParser()
    add_preview_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--count", count])
