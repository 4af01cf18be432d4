"""Look up IANA time zones from what people type, with friendly typo suggestions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

# Names a user types for one well-known place; a city key derived from these wins.
_REGIONS = frozenset(
    {
        "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic",
        "Australia", "Europe", "Indian", "Pacific",
    }
)
# "localtime" depends on the host and "Factory" is a placeholder: neither is a real choice.
_EXCLUDED = frozenset({"localtime", "Factory"})
# Offered for an empty autocomplete box, before the person has typed anything.
_POPULAR = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
)
# Longer input cannot name a zone; trimming keeps fuzzy matching cheap on hostile strings.
_MAX_QUERY = 64
_SUGGEST_CUTOFF = 60.0
# A suggestion much worse than the best one is noise ("Europe/Berln" is not "Europe/Dublin").
_SUGGEST_SPREAD = 10.0
# Big cities that are not zone names themselves, so "mumbai" works like "kolkata".
_CITY_ALIASES = {
    "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "beijing": "Asia/Shanghai", "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "washington": "America/New_York",
    "boston": "America/New_York", "miami": "America/New_York", "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin", "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome", "geneva": "Europe/Zurich", "manchester": "Europe/London",
    "edinburgh": "Europe/London", "melbourne": "Australia/Melbourne",
}


class UnknownZone(ValueError):
    """A time zone name that matches no IANA zone, with close suggestions."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        """Keep the typed name and up to three suggestions."""
        self.name = name
        self.suggestions = suggestions
        super().__init__(self._message())

    def _message(self) -> str:
        shown = _printable(self.name)
        if not shown:
            return "Please give a time zone, for example Europe/Berlin or America/New_York."
        head = f"I don't know the time zone '{shown}'."
        if not self.suggestions:
            return (
                f"{head} Use a name like Europe/Berlin or America/New_York, "
                "or just a city such as 'london'."
            )
        if len(self.suggestions) == 1:
            return f"{head} Did you mean {self.suggestions[0]}?"
        options = ", ".join(self.suggestions[:-1]) + f" or {self.suggestions[-1]}"
        return f"{head} Did you mean {options}?"

    def __str__(self) -> str:
        """Return the friendly message."""
        return self._message()


def _printable(text: str, limit: int = 40) -> str:
    """Return `text` without control characters, shortened for an error message."""
    cleaned = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _key(text: str) -> str:
    """Normalise a zone or city name: lower case, with spaces, '_' and '-' alike."""
    return re.sub(r"[\s_\-]+", " ", text.lower()).strip()


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    """Return every selectable zone name, sorted."""
    return tuple(sorted(available_timezones() - _EXCLUDED))


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """Map normalised full names and city names to zone names."""
    table: dict[str, str] = {}
    cities: dict[str, str] = {}
    # Deeper paths first: America/Argentina/Buenos_Aires is the canonical zone, not the link.
    for name in sorted(_zone_names(), key=lambda n: (-n.count("/"), n)):
        table[_key(name)] = name
        region, _, rest = name.partition("/")
        if rest and region in _REGIONS:
            cities.setdefault(_key(rest.rsplit("/", 1)[-1]), name)
    for city, name in (cities | _CITY_ALIASES).items():
        table.setdefault(city, name)
    return table


@lru_cache(maxsize=1)
def _keyed_names() -> tuple[tuple[str, str], ...]:
    """Return each zone name with its normalised key."""
    return tuple((name, _key(name)) for name in _zone_names())


@lru_cache(maxsize=1)
def _choices() -> tuple[list[str], list[str]]:
    """Return parallel lists of lookup keys and the zones they name, for fuzzy matching."""
    table = _lookup()
    return list(table), list(table.values())


def _fuzzy(query: str, limit: int, cutoff: float) -> list[str]:
    """Return up to `limit` distinct zones whose name or city resembles `query`."""
    keys, zones = _choices()
    found: list[str] = []
    matches = process.extract(
        query, keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=cutoff
    )
    best = matches[0][1] if matches else 0.0
    for _, score, index in matches:
        if score < best - _SUGGEST_SPREAD:
            break
        zone = zones[index]
        if zone not in found:
            found.append(zone)
        if len(found) == limit:
            break
    return found


def find_zone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name, a city or UTC/GMT, or raise UnknownZone."""
    query = _key(name)
    if len(query) <= _MAX_QUERY:
        match = _lookup().get(query)
        if match is not None:
            return ZoneInfo(match)
    suggestions = _fuzzy(query[:_MAX_QUERY], 3, _SUGGEST_CUTOFF) if query else []
    raise UnknownZone(name, suggestions)


def zone_suggestions(prefix: str, limit: int = 25) -> list[str]:
    """Return zone names for autocomplete: prefix matches, then substrings, then fuzzy."""
    if limit <= 0:
        return []
    query = _key(prefix)[:_MAX_QUERY]
    if not query:
        return list(_POPULAR[:limit])
    keyed = _keyed_names()
    starts = [n for n, k in keyed if k.startswith(query) or _city(k).startswith(query)]
    contains = [n for n, k in keyed if query in k and n not in starts]
    ordered = starts + contains
    if len(ordered) < limit:
        ordered += [n for n in _fuzzy(query, limit, _SUGGEST_CUTOFF) if n not in ordered]
    return ordered[:limit]


def _city(key: str) -> str:
    """Return the last path component of a normalised zone key."""
    return key.rsplit("/", 1)[-1]
