"""The repositories, written once in SQL that SQLite and PostgreSQL both run; `open_store` picks one."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path

from bot.core.events import Identity
from bot.core.hero.steps import Ending, Step
from bot.core.models import HeroSession, HeroState, Person, Question, Timer
from bot.storage.base import Base
from bot.storage.private_chats import PrivateChats
from bot.storage.schedules import Schedules
from bot.storage.seen import SeenUpdates
from bot.storage.sql import Database, Row
from bot.storage.uploads import Uploads
from bot.storage.urls import POSTGRESQL, parse_database_url


class People(Base):
    """People: one row per platform identity."""

    def _person(self, row: Row, is_new: bool = False) -> Person:
        return Person(
            id=row["id"], identity=Identity(row["platform"], row["user_id"]),
            display_name=row["display_name"], chat_id=row["chat_id"], timezone=row["timezone"],
            created_at=self.rt(row["created_at"]), is_new=is_new,
            unreachable_at=self.rt(row["unreachable_at"]),
            asked_timezone=bool(row["asked_timezone"]),
        )

    async def find(self, identity: Identity) -> Person | None:
        """Return the person with this identity, if known."""
        row = await self.db.fetchone(
            "SELECT * FROM people WHERE platform = ? AND user_id = ?",
            (identity.platform, identity.user_id),
        )
        return self._person(row) if row else None

    async def get(self, person_id: int) -> Person | None:
        """Return the person with this row id, if any."""
        row = await self.db.fetchone("SELECT * FROM people WHERE id = ?", (person_id,))
        return self._person(row) if row else None

    async def upsert(
        self, identity: Identity, now: datetime, chat_id: str | None, display_name: str
    ) -> Person:
        """Return the person, creating them on first contact and noting their private chat."""
        async with self.db.transaction() as tx:
            created = await tx.execute(
                "INSERT INTO people (platform, user_id, display_name, chat_id, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO NOTHING",
                (identity.platform, identity.user_id, display_name[:100], chat_id, self.t(now)),
            ) == 1
            if not created and chat_id is not None:
                await tx.execute(
                    "UPDATE people SET chat_id = ?, display_name = ? WHERE platform = ? AND user_id = ?",
                    (chat_id, display_name[:100], identity.platform, identity.user_id),
                )
        person = await self.find(identity)
        assert person is not None  # noqa: S101 - inserted or found just above
        person.is_new = created
        return person

    async def set_timezone(self, person_id: int, zone: str) -> None:
        """Store the person's IANA time zone."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE people SET timezone = ? WHERE id = ?", (zone, person_id))

    async def set_unreachable(self, person_id: int, when: datetime | None) -> None:
        """Mark the person unreachable (or reachable again, with None)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE people SET unreachable_at = ? WHERE id = ?", (self.t(when), person_id))

    async def note_asked_timezone(self, person_id: int) -> None:
        """Remember that we asked the person for their time zone."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE people SET asked_timezone = TRUE WHERE id = ?", (person_id,))

    async def forget(self, person_id: int) -> None:
        """Delete the person and every row about them.

        Rows keyed by the person cascade. Their private chat (DM channel, closed DMs) is keyed
        by identity. A coach is also named by identity: in the notices they were sent about
        questions, and as who answered a question (the answer stays, since it belongs to the
        person who asked).
        """
        async with self.db.transaction() as tx:
            row = await tx.fetchone("SELECT platform, user_id FROM people WHERE id = ?", (person_id,))
            if row is None:
                return
            platform, user_id = row[0], row[1]
            await tx.execute("DELETE FROM question_notices WHERE platform = ? AND coach_id = ?",
                             (platform, user_id))
            await tx.execute("DELETE FROM private_chats WHERE platform = ? AND user_id = ?",
                             (platform, user_id))
            await tx.execute("UPDATE questions SET answered_by = NULL WHERE answered_by = ?",
                             (Identity(platform, user_id).key,))
            await tx.execute("DELETE FROM people WHERE id = ?", (person_id,))

    async def count(self) -> int:
        """Return how many people the bot knows."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM people")
        return int(row[0]) if row else 0


class Hero(Base):
    """Progression state and the practice log."""

    async def state(self, person_id: int, default_level: str) -> HeroState:
        """Return the person's progression state, or a fresh one at `default_level`."""
        row = await self.db.fetchone("SELECT * FROM progression WHERE person_id = ?", (person_id,))
        if row is None:
            return HeroState(person_id, default_level)
        return HeroState(
            person_id, row["level"], row["comfortable_streak"], bool(row["needs_safety_check"])
        )

    async def save_state(self, state: HeroState, now: datetime) -> None:
        """Write the progression state."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO progression (person_id, level, comfortable_streak, needs_safety_check,"
                " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET"
                " level = excluded.level, comfortable_streak = excluded.comfortable_streak,"
                " needs_safety_check = excluded.needs_safety_check, updated_at = excluded.updated_at",
                (state.person_id, state.level, state.comfortable_streak,
                 bool(state.needs_safety_check), self.t(now)),
            )

    def _session(self, row: Row) -> HeroSession:
        return HeroSession(
            id=row["id"], person_id=row["person_id"], started_at=self.rt(row["started_at"]),
            step=Step(row["step"]), start_level=row["start_level"], level=row["level"],
            round=row["round"], too_intense=bool(row["too_intense"]), intensity=row["intensity"],
            felt=row["felt"], outcome=Ending(row["outcome"]) if row["outcome"] else None,
            ended_at=self.rt(row["ended_at"]),
            read_at_step=(row["step"], row["round"]),
        )

    async def open_session(self, person_id: int) -> HeroSession | None:
        """Return the person's unfinished session, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM hero_sessions WHERE person_id = ? AND ended_at IS NULL"
            " ORDER BY id DESC LIMIT 1", (person_id,),
        )
        return self._session(row) if row else None

    async def in_session(self, person_ids: Collection[int], started_since: datetime) -> set[int]:
        """Return which of these people have a session open that started since a moment."""
        if not person_ids:
            return set()
        ids = list(person_ids)
        rows = await self.db.fetchall(
            "SELECT DISTINCT person_id FROM hero_sessions WHERE ended_at IS NULL AND started_at > ?"
            f" AND person_id IN ({', '.join('?' * len(ids))})", (self.t(started_since), *ids),
        )
        return {int(row[0]) for row in rows}

    async def session(self, session_id: int) -> HeroSession | None:
        """Return a session by id."""
        row = await self.db.fetchone("SELECT * FROM hero_sessions WHERE id = ?", (session_id,))
        return self._session(row) if row else None

    async def start_session(self, person_id: int, step: str, level: str, now: datetime) -> HeroSession:
        """Abandon any open session and start a new one."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE hero_sessions SET ended_at = ?, outcome = 'abandoned'"
                " WHERE person_id = ? AND ended_at IS NULL", (self.t(now), person_id),
            )
            row = await tx.fetchone(
                "INSERT INTO hero_sessions (person_id, started_at, step, start_level, level)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id", (person_id, self.t(now), step, level, level),
            )
        session = await self.session(int(row[0]))
        assert session is not None  # noqa: S101 - inserted just above
        return session

    async def save_session(self, session: HeroSession) -> bool:
        """Write a session's progress only if it is still open at the step it was read at."""
        step, round_ = session.read_at_step or (session.step, session.round)
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE hero_sessions SET step = ?, round = ?, level = ?, too_intense = ?,"
                " intensity = ?, felt = ?, outcome = ?, ended_at = ?"
                " WHERE id = ? AND step = ? AND round = ? AND ended_at IS NULL",
                (session.step, session.round, session.level, bool(session.too_intense),
                 session.intensity, session.felt, session.outcome, self.t(session.ended_at),
                 session.id, step, round_),
            )
        if changed == 1:
            session.read_at_step = (session.step, session.round)
        return changed == 1

    async def history(self, person_id: int, limit: int = 5) -> list[HeroSession]:
        """Return the person's most recent ended sessions, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM hero_sessions WHERE person_id = ? AND ended_at IS NOT NULL"
            " ORDER BY id DESC LIMIT ?", (person_id, limit),
        )
        return [self._session(row) for row in rows]

    async def completed_times(self, person_id: int) -> list[datetime]:
        """Return when each completed session ended, newest first."""
        rows = await self.db.fetchall(
            "SELECT ended_at FROM hero_sessions WHERE person_id = ? AND outcome = 'completed'"
            " ORDER BY ended_at DESC", (person_id,),
        )
        return [self.rt(row[0]) for row in rows]

    async def completed(self, person_id: int) -> list[HeroSession]:
        """Return the person's completed sessions, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM hero_sessions WHERE person_id = ? AND outcome = 'completed'"
            " ORDER BY ended_at", (person_id,),
        )
        return [self._session(row) for row in rows]

    async def completed_since(self, since: datetime) -> list[tuple[int, datetime]]:
        """Return (person id, end time) of everyone's sessions completed since a moment."""
        rows = await self.db.fetchall(
            "SELECT person_id, ended_at FROM hero_sessions WHERE outcome = 'completed'"
            " AND ended_at >= ?", (self.t(since),),
        )
        return [(int(row[0]), self.rt(row[1])) for row in rows]

    async def completed_count(self) -> int:
        """Return how many sessions everyone has completed."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM hero_sessions WHERE outcome = 'completed'")
        return int(row[0]) if row else 0


class Questions(Base):
    """Questions, what the bot did with them, feedback and the coach's answers."""

    def _question(self, row: Row) -> Question:
        return Question(
            id=row["id"], person_id=row["person_id"], asked_at=self.rt(row["asked_at"]),
            text=row["text"], faq_id=row["faq_id"], confidence=row["confidence"],
            outcome=row["outcome"], chat_id=row["chat_id"], message_id=row["message_id"],
            feedback=row["feedback"], answer=row["answer"],
            answered_at=self.rt(row["answered_at"]),
        )

    async def add(self, question: Question) -> int:
        """Store a question and return its id."""
        confidence = None if question.confidence is None else float(question.confidence)
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO questions (person_id, asked_at, text, faq_id, confidence, outcome,"
                " chat_id, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (question.person_id, self.t(question.asked_at), question.text, question.faq_id,
                 confidence, question.outcome, question.chat_id, question.message_id),
            )
        return int(row[0])

    async def get(self, question_id: int) -> Question | None:
        """Return a question by id."""
        row = await self.db.fetchone("SELECT * FROM questions WHERE id = ?", (question_id,))
        return self._question(row) if row else None

    async def set_feedback(self, question_id: int, value: int) -> None:
        """Record 👍 (+1) or 👎 (-1) on an answered question."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE questions SET feedback = ? WHERE id = ?", (value, question_id))

    async def resolve(self, question_id: int, outcome: str, faq_id: str | None) -> None:
        """Record what became of a question after a "did you mean" choice."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE questions SET outcome = ?, faq_id = ? WHERE id = ?",
                (outcome, faq_id, question_id),
            )

    async def inbox(self, limit: int = 20) -> list[Question]:
        """Return the questions handed to the coach and not yet answered, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM questions WHERE outcome = 'escalate' AND answered_at IS NULL"
            " ORDER BY id LIMIT ?", (limit,),
        )
        return [self._question(row) for row in rows]

    async def answer(self, question_id: int, text: str, coach: str, now: datetime) -> bool:
        """Store the coach's answer; False when the question is unknown or already answered."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "UPDATE questions SET answer = ?, answered_by = ?, answered_at = ?"
                " WHERE id = ? AND answered_at IS NULL", (text, coach, self.t(now), question_id),
            ) == 1

    async def mark_relayed(self, question_id: int, now: datetime) -> None:
        """Note that the coach's answer reached the asker."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE questions SET relayed_at = ? WHERE id = ?", (self.t(now), question_id))

    async def unrelayed(self, person_id: int) -> list[Question]:
        """Return the coach's answers that have not reached this person yet."""
        rows = await self.db.fetchall(
            "SELECT * FROM questions WHERE person_id = ? AND answered_at IS NOT NULL"
            " AND relayed_at IS NULL ORDER BY id", (person_id,),
        )
        return [self._question(row) for row in rows]

    async def asked_since(self, person_id: int, since: datetime) -> int:
        """Return how many questions the person asked since a moment."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM questions WHERE person_id = ? AND asked_at >= ?",
            (person_id, self.t(since)),
        )
        return int(row[0]) if row else 0

    async def add_notice(self, question_id: int, coach: Identity, message_id: str) -> None:
        """Remember the coach's notice about a question, so a reply to it finds the question."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO question_notices (question_id, platform, coach_id, message_id)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (platform, coach_id, message_id) DO NOTHING",
                (question_id, coach.platform, coach.user_id, message_id),
            )

    async def for_notice(self, coach: Identity, message_id: str) -> int | None:
        """Return the id of the question this coach's notice was about, if it was one."""
        row = await self.db.fetchone(
            "SELECT question_id FROM question_notices"
            " WHERE platform = ? AND coach_id = ? AND message_id = ?",
            (coach.platform, coach.user_id, message_id),
        )
        return int(row[0]) if row else None

    async def asked_by_since(self, since: datetime) -> list[tuple[int, datetime]]:
        """Return (person id, time) of every question asked since a moment."""
        rows = await self.db.fetchall(
            "SELECT person_id, asked_at FROM questions WHERE asked_at >= ?", (self.t(since),)
        )
        return [(int(row[0]), self.rt(row[1])) for row in rows]

    async def outcome_counts(self) -> dict[str, int]:
        """Return how many questions ended in each outcome."""
        rows = await self.db.fetchall("SELECT outcome, COUNT(*) FROM questions GROUP BY outcome")
        return {row[0]: int(row[1]) for row in rows}


class Timers(Base):
    """One-shot timers, claimed before they fire so a restart or a second process never fires one twice."""

    async def add(self, person_id: int, kind: str, ref: int | None, due_at: datetime) -> int:
        """Store a timer and return its id."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO timers (person_id, kind, ref, due_at) VALUES (?, ?, ?, ?) RETURNING id",
                (person_id, kind, ref, self.t(due_at)),
            )
        return int(row[0])

    async def cancel(self, kind: str, ref: int) -> None:
        """Drop the pending timers of one kind for one thing (a session's "time's up")."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM timers WHERE kind = ? AND ref = ? AND fired_at IS NULL", (kind, ref),
            )

    async def claim_due(self, now: datetime, limit: int) -> list[Timer]:
        """Mark up to `limit` due timers fired and return them; a timer is claimed exactly once."""
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE timers SET fired_at = ? WHERE id IN (SELECT id FROM timers"
                " WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT ?"
                f"{self.db.skip_locked()}) RETURNING id, person_id, kind, ref, due_at",
                (self.t(now), self.t(now), limit),
            )
        return [Timer(r[0], r[1], r[2], r[3], self.rt(r[4])) for r in rows]


class Store:
    """The storage the core is given: one repository per feature over one backend."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.people = People(db)
        self.hero = Hero(db)
        self.questions = Questions(db)
        self.timers = Timers(db)
        self.uploads = Uploads(db)
        self.private_chats = PrivateChats(db)
        self.schedules = Schedules(db)
        self.seen_updates = SeenUpdates(db)

    @classmethod
    async def open(cls, database_url: str, migrations: Path | None = None, pool_size: int = 10) -> Store:
        """Connect to the backend the URL names, migrate, and return a ready store."""
        url = parse_database_url(database_url)
        if url.backend == POSTGRESQL:
            from bot.storage.postgres import open_postgres

            return cls(await open_postgres(url.target, pool_size, migrations))
        from bot.storage.db import open_sqlite

        return cls(await open_sqlite(database_url, migrations))

    async def close(self) -> None:
        """Close the connections."""
        await self.db.close()
