"""Understand the ways people name a time zone that aren't IANA names.

UTC/GMT offsets, abbreviations (EST, CET, IST...), countries and short city names each map to
a zone, with a note saying what was picked and why. Countries come from the tz database's own
tables (zone.tab and iso3166.tab, shipped in the tzdata package).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from bot.core.timezones import UnknownZone, find_zone

# What the abbreviation usually means where people say it, and the notes for the ambiguous ones.
_ABBREVIATIONS = {
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "akst": "America/Anchorage", "akdt": "America/Anchorage", "hst": "Pacific/Honolulu",
    "ast": "America/Halifax", "adt": "America/Halifax", "nst": "America/St_Johns",
    "ndt": "America/St_Johns", "bst": "Europe/London", "wet": "Europe/Lisbon",
    "west": "Europe/Lisbon", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
    "met": "Europe/Berlin", "eet": "Europe/Athens", "eest": "Europe/Athens",
    "msk": "Europe/Moscow", "ist": "Asia/Kolkata", "pkt": "Asia/Karachi",
    "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "jst": "Asia/Tokyo", "kst": "Asia/Seoul",
    "pht": "Asia/Manila", "wib": "Asia/Jakarta", "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney", "acst": "Australia/Adelaide", "acdt": "Australia/Adelaide",
    "awst": "Australia/Perth", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
    "sast": "Africa/Johannesburg", "cat": "Africa/Maputo", "eat": "Africa/Nairobi",
    "wat": "Africa/Lagos", "brt": "America/Sao_Paulo", "art": "America/Argentina/Buenos_Aires",
}
_ALSO_MEANS = {
    "ist": "For Ireland say /timezone Dublin; for Israel, /timezone Jerusalem.",
    "cst": "For China say /timezone Shanghai.",
    "mst": "Arizona keeps MST all year: /timezone Phoenix.",
    "bst": "For Bangladesh say /timezone Dhaka.",
    "ast": "For Arabia say /timezone Riyadh.",
}
# Short names people use for a place: "LA", "NYC", "SF".
_SHORT_NAMES = {
    "la": "America/Los_Angeles", "l.a.": "America/Los_Angeles", "sf": "America/Los_Angeles",
    "nyc": "America/New_York", "ny": "America/New_York", "new york city": "America/New_York",
    "dc": "America/New_York", "washington dc": "America/New_York", "hk": "Asia/Hong_Kong",
    "philly": "America/New_York", "vegas": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles", "san diego": "America/Los_Angeles",
    "dallas": "America/Chicago", "houston": "America/Chicago", "atlanta": "America/New_York",
    "toronto": "America/Toronto", "montreal": "America/Toronto", "kyiv": "Europe/Kyiv",
    "vancouver": "America/Vancouver", "calgary": "America/Edmonton",
    "saigon": "Asia/Ho_Chi_Minh", "ho chi minh city": "Asia/Ho_Chi_Minh",
}
# US states by their usual zone, so "Portland, Oregon" works (Georgia is the country).
_STATE_ZONES = {
    "America/New_York": "connecticut delaware florida maine maryland massachusetts michigan "
                        "new hampshire new jersey north carolina ohio pennsylvania rhode island "
                        "south carolina vermont virginia west virginia indiana kentucky",
    "America/Chicago": "alabama arkansas illinois iowa louisiana minnesota mississippi missouri "
                       "oklahoma wisconsin texas kansas nebraska north dakota south dakota tennessee",
    "America/Denver": "colorado montana new mexico utah wyoming idaho",
    "America/Phoenix": "arizona",
    "America/Los_Angeles": "california oregon washington state nevada",
    "America/Anchorage": "alaska",
    "Pacific/Honolulu": "hawaii",
}
_STATES = {
    state: zone for zone, names in _STATE_ZONES.items()
    for state in re.findall(r"new \w+|north \w+|south \w+|west \w+|rhode island|"
                            r"washington state|\w+", names)
}
# Everyday names for countries whose iso3166.tab name differs.
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
    "united states of america": "US", "the us": "US", "the usa": "US",
    "uk": "GB", "u.k.": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "the uk": "GB",
    "south korea": "KR", "korea": "KR", "north korea": "KP", "holland": "NL",
    "the netherlands": "NL", "uae": "AE", "emirates": "AE", "czechia": "CZ",
    "czech republic": "CZ", "russia": "RU", "vietnam": "VN", "turkey": "TR", "turkiye": "TR",
}
_WELL_KNOWN = frozenset(_ABBREVIATIONS.values()) | frozenset(_SHORT_NAMES.values())
# A country with several zones is offered at most this many, one per distinct clock.
_MAX_CHOICES = 8
_OFFSET_RE = re.compile(
    r"(?:(?:utc|gmt|z)\s*)?(?P<sign>[+\-\u2212])\s*(?P<h>\d{1,2})(?:\s*[:.h]?\s*(?P<m>\d{2}))?"
)


@dataclass(frozen=True)
class ZoneAnswer:
    """What a typed zone means: one zone, or a choice among several, and a note saying why."""

    zone: ZoneInfo | None = None
    note: str = ""
    choices: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(text.lower().replace("(", " ").replace(")", " ").split())


def zone_label(key: str) -> str:
    """Return a zone's name as people read it: Etc/GMT-2 is 'UTC+2' (POSIX turns the sign)."""
    match = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", key)
    if match:
        return f"UTC{'-' if match[1] == '+' else '+'}{int(match[2])}"
    return "UTC" if key in ("Etc/UTC", "Etc/GMT", "UTC", "GMT") else key


def _offsets(zone: ZoneInfo, year: int) -> tuple[timedelta | None, timedelta | None]:
    return (datetime(year, 1, 15, 12, tzinfo=zone).utcoffset(),
            datetime(year, 7, 15, 12, tzinfo=zone).utcoffset())


def _fixed(offset: timedelta) -> ZoneAnswer:
    hours, rest = divmod(abs(int(offset.total_seconds())) // 60, 60)
    sign = "-" if offset < timedelta(0) else "+"
    shown = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    if not rest and -12 <= offset.total_seconds() / 3600 <= 14:
        key = "UTC" if not hours else f"Etc/GMT{'+' if sign == '-' else '-'}{hours}"
        return ZoneAnswer(ZoneInfo(key), (
            f"{shown} is a fixed offset: it doesn't follow daylight saving. If your clocks "
            "change in summer, tell me your city instead, e.g. /timezone Berlin."))
    year = datetime.now(UTC).year
    for name in _zones_by_country_order():
        if _offsets(ZoneInfo(name), year) == (offset, offset):
            return ZoneAnswer(ZoneInfo(name), f"{shown} all year round is {name} time, so I picked that.")
    return ZoneAnswer(note=f"No time zone keeps {shown} all year round. Tell me your city instead.")


def _follows_dst(zone: ZoneInfo) -> bool:
    first, second = _offsets(zone, datetime.now(UTC).year)
    return first != second


def _offset(text: str) -> ZoneAnswer | None:
    match = _OFFSET_RE.fullmatch(text.strip().lower())
    if not match or int(match["h"]) > 14 or int(match["m"] or 0) >= 60:
        return None
    offset = timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0))
    return _fixed(-offset if match["sign"] != "+" else offset)


@lru_cache(maxsize=1)
def _zone_tab() -> tuple[tuple[str, str], ...]:
    """Return (country code, zone) pairs in zone.tab order (the main zone first)."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return tuple((row[0], row[2]) for row in rows if len(row) >= 3)


@lru_cache(maxsize=1)
def _zones_by_country_order() -> tuple[str, ...]:
    return tuple(dict.fromkeys(zone for _, zone in _zone_tab()))


@lru_cache(maxsize=1)
def _countries() -> dict[str, tuple[str, str]]:
    """Map country names (normalised) to (code, the name to show)."""
    text = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text(encoding="utf-8")
    table: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, name = line.split("\t", 1)
        table[_key(name)] = (code, name)
        table.setdefault(_key(re.sub(r"\s*\(.*\)", "", name)), (code, name))
    names = {code: name for code, name in table.values()}
    for alias, code in _COUNTRY_ALIASES.items():
        table[alias] = (code, names.get(code, alias))
    return table


def _country(text: str) -> ZoneAnswer | None:
    found = _countries().get(_key(text))
    if found is None:
        return None
    code, name = found
    zones = [zone for country, zone in _zone_tab() if country == code]
    year = datetime.now(UTC).year
    by_clock: dict[tuple[timedelta | None, timedelta | None], str] = {}
    for zone in zones:
        clock = _offsets(ZoneInfo(zone), year)
        # One zone per clock, the best-known one where there is one (Sydney, not Macquarie).
        if clock not in by_clock or (zone in _WELL_KNOWN and by_clock[clock] not in _WELL_KNOWN):
            by_clock[clock] = zone
    distinct = sorted(by_clock.values(), key=lambda zone: zone not in _WELL_KNOWN)
    if len(distinct) == 1:
        return ZoneAnswer(ZoneInfo(distinct[0]), f"{name}: I picked {distinct[0]}.")
    return ZoneAnswer(note=f"{name} has several time zones. Which one is yours? "
                           "(Or tell me your city.)", choices=distinct[:_MAX_CHOICES])


def _abbreviation(text: str) -> ZoneAnswer | None:
    key = _key(text)
    name = _ABBREVIATIONS.get(key)
    if name is None:
        return None
    note = f"{key.upper()} is usually {name} time, so I picked that."
    if _follows_dst(ZoneInfo(name)):
        note += " It switches to summer time and back for you."
    also = _ALSO_MEANS.get(key)
    return ZoneAnswer(ZoneInfo(name), f"{note} {also}" if also else note)


def understand_zone(text: str) -> ZoneAnswer:
    """Return the zone a person means, or a choice of zones; raise UnknownZone otherwise."""
    typed = text.strip()
    for reading in (_offset, _abbreviation):
        answer = reading(typed)
        if answer is not None:
            return answer
    parts = [part.strip() for part in typed.split(",") if part.strip()] or [typed]
    for part in parts:
        short = _SHORT_NAMES.get(_key(part)) or _STATES.get(_key(part))
        if short is not None:
            return ZoneAnswer(ZoneInfo(short))
        # Countries first: tzdata's old links ("Japan", "Portugal") aren't the names to keep.
        answer = _country(part)
        if answer is not None:
            return answer
        try:
            return ZoneAnswer(find_zone(part))
        except UnknownZone:
            pass
    return ZoneAnswer(find_zone(typed))
