"""The storage ports: one Protocol per repository the core uses; backends implement them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.core.breaks.states import NudgeKind, ScheduleKind
from bot.core.events import Identity
from bot.core.hero.steps import Step
from bot.core.models import Claim, HeroSession, HeroState, Nudge, Person, Question, Schedule, Send, Timer

# Decides what a due schedule row does now: its new state, and the slot to send (if any).
Planner = Callable[[Schedule, datetime], tuple[Schedule, Send | None]]


class PeopleRepository(Protocol):
    """People: one row per platform identity."""

    async def find(self, identity: Identity) -> Person | None:
        """Return the person with this identity, if known."""
        ...

    async def get(self, person_id: int) -> Person | None:
        """Return the person with this row id, if any."""
        ...

    async def upsert(
        self, identity: Identity, now: datetime, chat_id: str | None, display_name: str
    ) -> Person:
        """Return the person, creating them on first contact and noting their private chat."""
        ...

    async def set_timezone(self, person_id: int, zone: str) -> None:
        """Store the person's IANA time zone."""
        ...

    async def set_unreachable(self, person_id: int, when: datetime | None) -> None:
        """Mark the person unreachable (or reachable again, with None)."""
        ...

    async def note_asked_timezone(self, person_id: int) -> None:
        """Remember that we asked the person for their time zone."""
        ...

    async def forget(self, person_id: int) -> None:
        """Delete the person and every row about them."""
        ...

    async def count(self) -> int:
        """Return how many people the bot knows."""
        ...


class HeroRepository(Protocol):
    """Progression state and the practice log."""

    async def state(self, person_id: int, default_level: str) -> HeroState:
        """Return the person's progression state, or a fresh one at `default_level`."""
        ...

    async def save_state(self, state: HeroState, now: datetime) -> None:
        """Write the progression state."""
        ...

    async def open_session(self, person_id: int) -> HeroSession | None:
        """Return the person's unfinished session, if any."""
        ...

    async def in_session(self, person_ids: Collection[int], started_since: datetime) -> set[int]:
        """Return which of these people have a session open that started since a moment."""
        ...

    async def session(self, session_id: int) -> HeroSession | None:
        """Return a session by id."""
        ...

    async def start_session(self, person_id: int, step: Step, level: str, now: datetime) -> HeroSession:
        """Abandon any open session and start a new one."""
        ...

    async def save_session(self, session: HeroSession) -> bool:
        """Write a session's progress only if it is still at the step it was read at."""
        ...

    async def history(self, person_id: int, limit: int = 5) -> list[HeroSession]:
        """Return the person's most recent ended sessions, newest first."""
        ...

    async def completed_times(self, person_id: int) -> list[datetime]:
        """Return when each completed session ended, newest first."""
        ...

    async def completed(self, person_id: int) -> list[HeroSession]:
        """Return the person's completed sessions, oldest first."""
        ...

    async def completed_since(self, since: datetime) -> list[tuple[int, datetime]]:
        """Return (person id, end time) of everyone's sessions completed since a moment."""
        ...

    async def completed_count(self) -> int:
        """Return how many sessions everyone has completed."""
        ...


class QuestionsRepository(Protocol):
    """Questions, what the bot did with them, feedback and the coach's answers."""

    async def add(self, question: Question) -> int:
        """Store a question and return its id."""
        ...

    async def get(self, question_id: int) -> Question | None:
        """Return a question by id."""
        ...

    async def set_feedback(self, question_id: int, value: int) -> None:
        """Record 👍 (+1) or 👎 (-1) on an answered question."""
        ...

    async def resolve(self, question_id: int, outcome: str, faq_id: str | None) -> None:
        """Record what became of a question after a "did you mean" choice."""
        ...

    async def inbox(self, limit: int = 20) -> list[Question]:
        """Return the questions handed to the coach and not yet answered, oldest first."""
        ...

    async def answer(self, question_id: int, text: str, coach: str, now: datetime) -> bool:
        """Store the coach's answer; False when the question is unknown or already answered."""
        ...

    async def mark_relayed(self, question_id: int, now: datetime) -> None:
        """Note that the coach's answer reached the asker."""
        ...

    async def unrelayed(self, person_id: int) -> list[Question]:
        """Return the coach's answers that have not reached this person yet."""
        ...

    async def asked_since(self, person_id: int, since: datetime) -> int:
        """Return how many questions the person asked since a moment."""
        ...

    async def add_notice(self, question_id: int, coach: Identity, message_id: str) -> None:
        """Remember the coach's notice about a question, so a reply to it finds the question."""
        ...

    async def for_notice(self, coach: Identity, message_id: str) -> int | None:
        """Return the id of the question this coach's notice was about, if it was one."""
        ...

    async def asked_by_since(self, since: datetime) -> list[tuple[int, datetime]]:
        """Return (person id, time) of every question asked since a moment."""
        ...

    async def outcome_counts(self) -> dict[str, int]:
        """Return how many questions ended in each outcome."""
        ...


class TimersRepository(Protocol):
    """One-shot timers, claimed before they fire so no process fires one twice."""

    async def add(self, person_id: int, kind: str, ref: int | None, due_at: datetime) -> int:
        """Store a timer and return its id."""
        ...

    async def cancel(self, kind: str, ref: int) -> None:
        """Drop the pending timers of one kind for one thing (a session's "time's up")."""
        ...

    async def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        """Mark up to `limit` due timers fired and return them; each is claimed exactly once."""
        ...


class SchedulesRepository(Protocol):
    """Schedule rows, the claim sweep, and each nudge's response."""

    async def get(self, person_id: int, kind: ScheduleKind) -> Schedule | None:
        """Return the person's schedule of one kind."""
        ...

    async def for_person(self, person_id: int) -> list[Schedule]:
        """Return all of a person's schedules."""
        ...

    async def active_for(self, person_id: int) -> list[Schedule]:
        """Return the person's schedules that are switched on."""
        ...

    async def save(self, s: Schedule, now: datetime) -> None:
        """Create or replace a person's schedule of one kind, settings and state together."""
        ...

    async def update_state(self, schedules: Sequence[Schedule]) -> None:
        """Write the clock state (due time, pause, counters) of several schedules."""
        ...

    async def switch_off(self, person_id: int, kind: ScheduleKind) -> bool:
        """Turn a schedule off, keeping its settings; False when there was none."""
        ...

    async def claim_batch(self, now: datetime, planner: Planner, limit: int) -> tuple[list[Claim], int]:
        """Claim up to `limit` due rows in one commit; return the claims and the rows seen."""
        ...

    async def record_outcomes(self, outcomes: list[tuple[str, int]]) -> None:
        """Store how each claimed nudge's delivery went: (status, nudge id)."""
        ...

    async def mark_lost(self, claimed_before: datetime) -> int:
        """Mark claims still unsent since before a moment as lost (never resent); return how many."""
        ...

    async def release(self, claims: Sequence[Claim]) -> None:
        """Undo claims that were never sent, so their slots fall due again (after a restart)."""
        ...

    async def add_nudge(self, schedule_id: int, person_id: int, kind: NudgeKind, due_at: datetime,
                        now: datetime, movement_id: str | None) -> int | None:
        """Claim one extra slot (a snooze); None when that slot was claimed already."""
        ...

    async def nudge(self, nudge_id: int) -> Nudge | None:
        """Return one nudge."""
        ...

    async def respond(self, nudge_id: int, response: str, now: datetime) -> bool:
        """Record the person's first answer to a nudge and reset the ignored streak."""
        ...

    async def done_times(self, person_id: int, since: datetime) -> list[datetime]:
        """Return when the person answered Done to a break nudge, since a moment."""
        ...

    async def nudged_times(self, person_id: int, since: datetime) -> list[datetime]:
        """Return the slot of each break nudge delivered to the person since a moment."""
        ...

    async def counts(self) -> dict[str, int]:
        """Return nudges sent, done, snoozed, skipped, paused, ignored and lost, for /stats."""
        ...


class UploadsRepository(Protocol):
    """Platform references to pictures already uploaded (Telegram file_id, Discord URL)."""

    async def get(self, platform: str, media_key: str) -> tuple[str, datetime] | None:
        """Return the stored reference and when it was stored, if the picture was uploaded."""
        ...

    async def put(self, platform: str, media_key: str, ref: str, now: datetime) -> None:
        """Remember (or replace) the reference to an uploaded picture."""
        ...

    async def drop(self, platform: str, media_key: str) -> None:
        """Forget a reference the platform no longer accepts."""
        ...


class SeenUpdatesRepository(Protocol):
    """The ids of updates a platform pushed to us, so one pushed twice is handled once."""

    async def first_time(self, platform: str, update_id: int, now: datetime) -> bool:
        """Record the update and return True, or return False when it was recorded before."""
        ...

    async def prune(self, before: datetime) -> int:
        """Forget the ids recorded before a moment; return how many were forgotten."""
        ...


class Storage(Protocol):
    """Everything the core stores, one repository per feature."""

    people: PeopleRepository
    hero: HeroRepository
    questions: QuestionsRepository
    timers: TimersRepository
    schedules: SchedulesRepository
    uploads: UploadsRepository
    seen_updates: SeenUpdatesRepository

    async def close(self) -> None:
        """Release the connections."""
        ...
