"""The composition root's collaborators, the core's settings, and the turn a feature answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.loader import Content
from bot.core.events import Origin
from bot.core.models import Person
from bot.core.ports import Clock, Delivery, Metrics, NoMetrics, Wakeup
from bot.core.questions.matching import BackgroundMatcher
from bot.core.repositories import Storage


@dataclass(frozen=True)
class CoreConfig:
    """The settings the core needs, already parsed."""

    coach_ids: frozenset[str] = frozenset()
    default_timezone: str = "UTC"
    max_text_length: int = 2000
    questions_per_minute: int = 10
    min_break_interval: timedelta = timedelta(minutes=10)

    def zone_for(self, person: Person) -> ZoneInfo:
        """Return the person's time zone, or the default one (UTC if that cannot load)."""
        try:
            return ZoneInfo(person.timezone or self.default_timezone)
        except (ValueError, KeyError):
            return ZoneInfo("UTC")


@dataclass
class Services:
    """The core's collaborators, given to it by whoever starts the bot; features get only their part."""

    store: Storage
    content: Content
    matcher: BackgroundMatcher
    delivery: Delivery
    clock: Clock
    wakeup: Wakeup
    config: CoreConfig = field(default_factory=CoreConfig)
    metrics: Metrics = field(default_factory=NoMetrics)


@dataclass
class Turn:
    """One inbound event's person, origin and time."""

    person: Person
    origin: Origin
    now: datetime

    @property
    def private(self) -> bool:
        """Return True in a one-to-one chat with the bot."""
        return self.origin.is_private
