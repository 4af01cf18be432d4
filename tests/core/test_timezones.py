from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.timezones import UnknownZone, find_zone, zone_suggestions


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Europe/Berlin", "Europe/Berlin"), ("America/New_York", "America/New_York"),
        ("europe/berlin", "Europe/Berlin"), ("EUROPE/BERLIN", "Europe/Berlin"),
        ("  Europe/Berlin ", "Europe/Berlin"), ("america/new york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("US/Eastern", "US/Eastern"),
    ],
)
def test_exact_and_case_insensitive(name: str, key: str) -> None:
    assert find_zone(name) == ZoneInfo(key)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("berlin", "Europe/Berlin"), ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"), ("new_york", "America/New_York"),
        ("New-York", "America/New_York"), ("los angeles", "America/Los_Angeles"),
        ("buenos aires", "America/Argentina/Buenos_Aires"), ("tokyo", "Asia/Tokyo"),
        ("port au prince", "America/Port-au-Prince"), ("mumbai", "Asia/Kolkata"),
    ],
)
def test_city_names(name: str, key: str) -> None:
    assert find_zone(name).key == key


@pytest.mark.parametrize(("name", "key"), [("UTC", "UTC"), ("utc", "UTC"), ("GMT", "GMT")])
def test_utc_and_gmt(name: str, key: str) -> None:
    assert find_zone(name).key == key


def test_typo_suggests_the_zone() -> None:
    with pytest.raises(UnknownZone) as err:
        find_zone("Europe/Berln")
    assert err.value.name == "Europe/Berln"
    assert err.value.suggestions == ["Europe/Berlin"]
    assert str(err.value) == "I don't know the time zone 'Europe/Berln'. Did you mean Europe/Berlin?"
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("name", "first"),
    [("berln", "Europe/Berlin"), ("Amerca/New_Yrok", "America/New_York"),
     ("newyork", "America/New_York"), ("londn", "Europe/London"), ("sidney", "Australia/Sydney")],
)
def test_typo_suggestions(name: str, first: str) -> None:
    with pytest.raises(UnknownZone) as err:
        find_zone(name)
    assert err.value.suggestions[0] == first
    assert len(err.value.suggestions) <= 3


def test_several_suggestions_are_listed() -> None:
    with pytest.raises(UnknownZone) as err:
        find_zone("pst")
    assert 1 < len(err.value.suggestions) <= 3
    assert str(err.value).startswith("I don't know the time zone 'pst'. Did you mean ")
    assert " or " in str(err.value)


@pytest.mark.parametrize(
    "name", ["", "   ", "../etc", "../../etc/passwd", "zzzz", "12345", "x\x00y", "\x00", "a" * 10000,
             "localtime", "Factory", "/etc/localtime", "Europe/", "/"],
)
def test_garbage_raises_unknown_zone(name: str) -> None:
    with pytest.raises(UnknownZone) as err:
        find_zone(name)
    text = str(err.value)
    assert "\x00" not in text
    assert len(text) < 200


def test_empty_name_asks_for_a_zone() -> None:
    with pytest.raises(UnknownZone, match="Please give a time zone"):
        find_zone("")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes(name: str) -> None:
    try:
        zone = find_zone(name)
    except UnknownZone as err:
        assert len(err.suggestions) <= 3
        assert all(find_zone(s).key == s for s in err.suggestions)
    else:
        assert isinstance(zone, ZoneInfo)
    assert len(zone_suggestions(name)) <= 25


def test_autocomplete_prefix_first() -> None:
    got = zone_suggestions("europe/be")
    assert got[:3] == ["Europe/Belfast", "Europe/Belgrade", "Europe/Berlin"]
    assert zone_suggestions("berl")[0] == "Europe/Berlin"
    assert "America/New_York" in zone_suggestions("new")


def test_autocomplete_substring_then_fuzzy() -> None:
    got = zone_suggestions("york")
    assert got[0] == "America/New_York"
    assert zone_suggestions("berln") == ["Europe/Berlin"]


def test_autocomplete_limits_and_empty() -> None:
    assert len(zone_suggestions("a")) == 25
    assert len(zone_suggestions("a", limit=5)) == 5
    assert zone_suggestions("a", limit=0) == []
    popular = zone_suggestions("")
    assert "UTC" in popular
    assert all(find_zone(name).key == name for name in popular)
