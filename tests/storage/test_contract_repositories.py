"""The repositories' contract on SQLite and a real PostgreSQL: notices, timers, uploads, forget, more."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.core.events import Identity
from bot.core.models import Question, Schedule
from bot.storage.store import Store
from tests.storage.test_contract import PLAN

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
COACH = Identity("telegram", "900")


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    yield opened
    await opened.close()


async def _person(store: Store, user_id: str) -> int:
    return (await store.people.upsert(Identity("telegram", user_id), NOW, user_id, user_id)).id


async def _question(store: Store, person_id: int, asked_at: datetime, text: str = "bike?") -> int:
    return await store.questions.add(Question(0, person_id, asked_at, text, None, None, "escalate"))


async def test_a_notice_finds_its_question_once_per_coach_and_message(store: Store) -> None:
    ann = await _person(store, "1")
    first, second = await _question(store, ann, NOW), await _question(store, ann, NOW)
    await store.questions.add_notice(first, COACH, "77")
    await store.questions.add_notice(second, COACH, "77")  # the same message again: kept as first
    await store.questions.add_notice(second, Identity("discord", "900"), "77")
    assert await store.questions.for_notice(COACH, "77") == first
    assert await store.questions.for_notice(Identity("discord", "900"), "77") == second
    assert await store.questions.for_notice(COACH, "78") is None
    assert await store.questions.for_notice(Identity("telegram", "901"), "77") is None


async def test_questions_and_completed_sessions_since_a_moment(store: Store) -> None:
    ann, bob = await _person(store, "1"), await _person(store, "2")
    await _question(store, ann, NOW - timedelta(days=8))
    await _question(store, bob, NOW - timedelta(hours=1))
    assert await store.questions.asked_by_since(NOW - timedelta(days=7)) == [
        (bob, NOW - timedelta(hours=1))]
    for person, days_ago, outcome in ((ann, 9, "completed"), (ann, 2, "completed"),
                                      (bob, 1, "stopped"), (bob, 1, "completed")):
        session = await store.hero.start_session(person, "props", "high", NOW - timedelta(days=days_ago))
        session.step, session.outcome = "done", outcome
        session.ended_at = NOW - timedelta(days=days_ago) + timedelta(minutes=5)
        assert await store.hero.save_session(session)
    done = await store.hero.completed(ann)
    assert [s.ended_at for s in done] == [NOW - timedelta(days=9, minutes=-5),
                                          NOW - timedelta(days=2, minutes=-5)]
    assert all(s.outcome == "completed" and s.person_id == ann for s in done)
    assert sorted(await store.hero.completed_since(NOW - timedelta(days=7))) == [
        (ann, NOW - timedelta(days=2, minutes=-5)), (bob, NOW - timedelta(days=1, minutes=-5))]


async def test_cancel_drops_only_pending_timers_of_that_kind_and_ref(store: Store) -> None:
    ann = await _person(store, "1")
    await store.timers.add(ann, "hold", 5, NOW)
    await store.timers.add(ann, "hold", 6, NOW)
    await store.timers.add(ann, "snooze", 5, NOW)
    await store.timers.cancel("hold", 5)
    left = await store.timers.claim_due(NOW, 200)
    assert sorted((t.kind, t.ref) for t in left) == [("hold", 6), ("snooze", 5)]
    await store.timers.cancel("hold", 6)  # already fired: nothing to drop, nothing fails
    assert await store.timers.claim_due(NOW + timedelta(hours=1), 200) == []


async def test_nudged_times_are_the_break_slots_that_went_out(store: Store) -> None:
    ann = await _person(store, "1")
    await store.schedules.save(Schedule(0, ann, "breaks", time(9), frozenset(range(7)), "UTC",
                                        every_minutes=30, end=time(17), next_due_at=NOW), NOW)
    claims, _ = await store.schedules.claim_batch(NOW, PLAN, 200)
    later = NOW + timedelta(minutes=30)
    more, _ = await store.schedules.claim_batch(later, PLAN, 200)
    await store.schedules.record_outcomes([("sent", claims[0].nudge_id), ("held", more[0].nudge_id)])
    assert await store.schedules.nudged_times(ann, NOW - timedelta(days=1)) == [NOW]
    assert await store.schedules.nudged_times(ann, NOW + timedelta(seconds=1)) == []


async def test_an_upload_is_stored_replaced_and_dropped(store: Store) -> None:
    assert await store.uploads.get("telegram", "high-ab12") is None
    await store.uploads.put("telegram", "high-ab12", "file-1", NOW)
    await store.uploads.put("discord", "high-ab12", "https://cdn.example/a.png", NOW)
    later = NOW + timedelta(days=1)
    await store.uploads.put("telegram", "high-ab12", "file-2", later)
    assert await store.uploads.get("telegram", "high-ab12") == ("file-2", later)
    await store.uploads.drop("telegram", "high-ab12")
    assert await store.uploads.get("telegram", "high-ab12") is None
    assert await store.uploads.get("discord", "high-ab12") == ("https://cdn.example/a.png", NOW)


async def test_an_update_is_taken_in_once_and_old_ids_are_pruned(store: Store) -> None:
    big = 2**40  # Telegram's update ids fit in 52 bits
    assert await store.seen_updates.first_time("telegram", big, NOW)
    assert not await store.seen_updates.first_time("telegram", big, NOW + timedelta(minutes=1))
    assert await store.seen_updates.first_time("discord", big, NOW)
    assert await store.seen_updates.first_time("telegram", 7, NOW + timedelta(hours=25))
    assert await store.seen_updates.prune(NOW + timedelta(hours=1)) == 2
    assert await store.seen_updates.first_time("telegram", big, NOW + timedelta(hours=25))
    assert not await store.seen_updates.first_time("telegram", 7, NOW + timedelta(hours=26))


async def test_an_update_taken_in_at_once_by_many_is_first_for_one(store: Store) -> None:
    firsts = await asyncio.gather(*(store.seen_updates.first_time("telegram", 42, NOW)
                                    for _ in range(8)))
    assert sorted(firsts) == [False] * 7 + [True]


async def test_forget_leaves_no_row_about_the_person_in_any_table(store: Store) -> None:
    ann, bob = await _person(store, "1"), await _person(store, "2")
    coach = (await store.people.upsert(COACH, NOW, "900", "Coach")).id
    for person in (ann, bob):
        question = await _question(store, person, NOW)
        await store.questions.add_notice(question, COACH, f"m{question}")
        await store.questions.answer(question, "a comfy one", COACH.key, NOW)
        await store.timers.add(person, "hold", question, NOW + timedelta(minutes=1))
        await store.hero.start_session(person, "props", "high", NOW)
        state = await store.hero.state(person, "high")
        await store.hero.save_state(state, NOW)
        await store.schedules.save(Schedule(0, person, "breaks", time(9), frozenset(range(7)), "UTC",
                                            every_minutes=30, end=time(17), next_due_at=NOW), NOW)
    await store.schedules.claim_batch(NOW, PLAN, 200)
    await store.uploads.put("telegram", "high-ab12", "file-1", NOW)

    await store.people.forget(ann)
    per_person = ("progression", "hero_sessions", "questions", "timers", "schedules", "nudges")
    for table in per_person:
        rows = await store.db.fetchall(f"SELECT person_id FROM {table}")
        assert {row[0] for row in rows} == {bob}, table
    notices = await store.db.fetchall("SELECT question_id FROM question_notices")
    assert [row[0] for row in notices] == [(await store.questions.unrelayed(bob))[0].id]

    await store.people.forget(coach)  # a coach is named by identity, not by a person key
    assert await store.db.fetchall("SELECT * FROM question_notices") == []
    answered = await store.db.fetchall("SELECT answer, answered_by FROM questions")
    assert [tuple(row) for row in answered] == [("a comfy one", None)]
    assert [row[0] for row in await store.db.fetchall("SELECT id FROM people")] == [bob]
    # Uploads are the bot's own pictures, about nobody: they stay.
    assert await store.uploads.get("telegram", "high-ab12") == ("file-1", NOW)


async def test_who_is_in_a_session_that_started_recently(store: Store) -> None:
    ann, bob, cat = await _person(store, "1"), await _person(store, "2"), await _person(store, "3")
    await store.hero.start_session(ann, "props", "high", NOW - timedelta(minutes=10))
    await store.hero.start_session(bob, "props", "high", NOW - timedelta(hours=2))  # left open long ago
    ended = await store.hero.start_session(cat, "props", "high", NOW - timedelta(minutes=5))
    ended.step, ended.outcome, ended.ended_at = "done", "stopped", NOW
    assert await store.hero.save_session(ended)
    since = NOW - timedelta(hours=1)
    assert await store.hero.in_session({ann, bob, cat}, since) == {ann}
    assert await store.hero.in_session({bob, cat}, since) == set()
    assert await store.hero.in_session(set(), since) == set()
