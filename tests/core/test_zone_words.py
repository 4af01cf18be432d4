"""Offsets, abbreviations, countries and short names understood as the zone people mean."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.zone_words import understand_zone, zone_label
from tests.conftest import World

SUMMER = datetime(2026, 7, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "hours"), [
    ("GMT+2", 2), ("UTC+2", 2), ("gmt-3", -3), ("UTC−5", -5), ("UTC+14", 14), ("utc +1", 1),
    ("+05:30", 5.5), ("UTC+5:30", 5.5), ("UTC+0545", 5.75), ("GMT+9:30", 9.5),
])
def test_offsets_give_that_many_hours_ahead_of_utc(typed: str, hours: float) -> None:
    answer = understand_zone(typed)
    assert answer.zone is not None
    assert SUMMER.astimezone(answer.zone).utcoffset() == timedelta(hours=hours)


def test_a_whole_hour_offset_is_labelled_the_way_it_was_typed_and_warns_about_summer() -> None:
    answer = understand_zone("GMT+2")
    assert answer.zone is not None and answer.zone.key == "Etc/GMT-2"
    assert zone_label(answer.zone.key) == "UTC+2"
    assert "daylight saving" in answer.note and "city" in answer.note


def test_an_offset_no_zone_keeps_all_year_asks_for_a_city() -> None:
    answer = understand_zone("UTC-3:30")
    assert answer.zone is None and "city" in answer.note


@pytest.mark.parametrize(("typed", "key"), [
    ("EST", "America/New_York"), ("edt", "America/New_York"), ("PST", "America/Los_Angeles"),
    ("PDT", "America/Los_Angeles"), ("CET", "Europe/Berlin"), ("IST", "Asia/Kolkata"),
    ("AEST", "Australia/Sydney"), ("JST", "Asia/Tokyo"), ("BST", "Europe/London"),
])
def test_abbreviations_mean_their_usual_region_and_say_so(typed: str, key: str) -> None:
    answer = understand_zone(typed)
    assert answer.zone is not None and answer.zone.key == key
    assert key in answer.note


def test_est_follows_summer_time_in_new_york() -> None:
    answer = understand_zone("EST")
    assert answer.zone is not None
    assert SUMMER.astimezone(answer.zone).utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(("typed", "key"), [
    ("India", "Asia/Kolkata"), ("LA", "America/Los_Angeles"), ("Berlin, Germany", "Europe/Berlin"),
    ("Germany", "Europe/Berlin"), ("Japan", "Asia/Tokyo"), ("UK", "Europe/London"),
    ("NYC", "America/New_York"), ("Paris, France", "Europe/Paris"),
    ("Portland, Oregon", "America/Los_Angeles"), ("Austin, Texas", "America/Chicago"),
])
def test_countries_and_short_names_map_to_their_zone(typed: str, key: str) -> None:
    answer = understand_zone(typed)
    assert answer.zone is not None and answer.zone.key == key


@pytest.mark.parametrize("typed", ["United States", "USA", "Australia"])
def test_a_country_with_several_zones_offers_a_choice(typed: str) -> None:
    answer = understand_zone(typed)
    assert answer.zone is None and len(answer.choices) >= 4
    assert "several time zones" in answer.note


async def test_timezone_command_confirms_with_the_local_time(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.say("/timezone Asia/Tokyo")
    assert "It's now 18:00 in Asia/Tokyo." in replies[-1].text  # 09:00 UTC


async def test_timezone_gmt_plus_2_sets_utc_plus_2(world: World) -> None:
    user = world.chat.user("bob")
    replies = await user.say("/timezone GMT+2")
    assert "It's now 11:00 in UTC+2." in replies[-1].text
    settings = await user.say("/settings")
    assert "Time zone: UTC+2" in settings[-1].text


async def test_timezone_abbreviation_says_which_zone_it_picked(world: World) -> None:
    user = world.chat.user("cat")
    replies = await user.say("/timezone PST")
    text = replies[-1].text
    assert "America/Los_Angeles" in text and "EST" not in text
    assert "It's now 01:00 in America/Los_Angeles." in text


async def test_timezone_country_with_several_zones_offers_buttons(world: World) -> None:
    user = world.chat.user("dan")
    replies = await user.say("/timezone USA")
    labels = [c.label for c in replies[-1].choices]
    assert "America/New_York" in labels and "America/Los_Angeles" in labels
    picked = await user.press("America/Chicago")
    assert "It's now 03:00 in America/Chicago." in picked[-1].text
