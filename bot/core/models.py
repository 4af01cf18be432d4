"""Domain records the core reads and writes through storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from bot.core.breaks.states import NudgeKind, PausedReason, ScheduleKind
from bot.core.events import Identity
from bot.core.hero.steps import Ending, Step


@dataclass(slots=True)
class Person:
    """One platform identity and its preferences."""

    id: int
    identity: Identity
    display_name: str
    chat_id: str | None
    timezone: str | None
    created_at: datetime
    is_new: bool = False
    unreachable_at: datetime | None = None
    asked_timezone: bool = False


@dataclass(slots=True)
class HeroState:
    """What the level rules carry from one `/hero` session to the next."""

    person_id: int
    level: str
    comfortable_streak: int = 0
    needs_safety_check: bool = True


@dataclass(slots=True)
class HeroSession:
    """One `/hero` session in the practice log."""

    id: int
    person_id: int
    started_at: datetime
    step: Step
    start_level: str
    level: str
    round: int = 0
    too_intense: bool = False
    intensity: int | None = None
    felt: str | None = None
    outcome: Ending | None = None
    ended_at: datetime | None = None
    # The (step, round) this copy was read at: a save only lands if the row is still there,
    # so the second of two simultaneous button presses changes nothing.
    read_at_step: tuple[str, int] | None = field(default=None, compare=False, repr=False)

    @property
    def is_open(self) -> bool:
        """Return True while the session has not ended."""
        return self.ended_at is None


@dataclass(slots=True)
class Question:
    """A question someone asked, what the bot did with it, and the coach's answer."""

    id: int
    person_id: int
    asked_at: datetime
    text: str
    faq_id: str | None
    confidence: float | None
    outcome: str
    chat_id: str | None = None
    message_id: str | None = None
    feedback: int | None = None
    answer: str | None = None
    answered_at: datetime | None = None


@dataclass(slots=True)
class Timer:
    """A one-shot timer claimed from storage when it falls due."""

    id: int
    person_id: int
    kind: str
    ref: int | None
    due_at: datetime


@dataclass(slots=True)
class Schedule:
    """A person's sit-break nudges (`breaks`) or daily practice reminder (`reminder`)."""

    id: int
    person_id: int
    kind: ScheduleKind
    start: time
    days: frozenset[int]
    zone: str
    every_minutes: int | None = None
    end: time | None = None
    active: bool = True
    next_due_at: datetime | None = None
    paused_until: datetime | None = None
    paused_reason: PausedReason | None = None
    ignored_streak: int = 0
    sent_count: int = 0
    day_count: int = 0
    count_day: str | None = None


@dataclass(frozen=True, slots=True)
class Send:
    """What the planner decided to send for one due slot."""

    kind: NudgeKind
    due_at: datetime
    movement_id: str | None = None


@dataclass(slots=True)
class Claim:
    """A nudge claimed for sending: the row, and where it goes."""

    nudge_id: int
    schedule_id: int
    person_id: int
    kind: NudgeKind
    due_at: datetime
    identity: Identity
    chat_id: str | None
    movement_id: str | None


@dataclass(slots=True)
class Nudge:
    """One claimed slot and what the person did with it."""

    id: int
    schedule_id: int
    person_id: int
    kind: NudgeKind
    due_at: datetime
    status: str
    response: str | None
    movement_id: str | None
