"""Domain records the core reads and writes through storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.events import Identity


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
    step: str
    start_level: str
    level: str
    round: int = 0
    too_intense: bool = False
    intensity: int | None = None
    felt: str | None = None
    outcome: str | None = None
    ended_at: datetime | None = None

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
