"""Schedules and nudges: the rows the clock sweeps, claimed before anything is sent."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, time
from functools import cache

import aiosqlite

from bot.core.events import Identity
from bot.core.models import Claim, Nudge, Schedule, Send
from bot.storage.base import Base, maybe_time
from bot.storage.db import from_db, to_db

Planner = Callable[[Schedule, datetime], tuple[Schedule, Send | None]]

_FIELDS = ("next_due_at", "paused_until", "paused_reason", "ignored_streak", "sent_count",
           "day_count", "count_day")


def days_to_mask(days: frozenset[int]) -> int:
    """Pack weekdays (0=Monday) into a bitmask."""
    return sum(1 << day for day in days)


def mask_to_days(mask: int) -> frozenset[int]:
    """Unpack a weekday bitmask."""
    return frozenset(day for day in range(7) if mask & (1 << day))


def _clock(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def schedule_from_row(row: sqlite3.Row | aiosqlite.Row) -> Schedule:
    """Build a Schedule from a `schedules` row."""
    return Schedule(
        id=row["id"], person_id=row["person_id"], kind=row["kind"],
        start=time.fromisoformat(row["start_time"]), end=_clock(row["end_time"]),
        days=mask_to_days(row["days"]), zone=row["zone"], every_minutes=row["every_minutes"],
        active=bool(row["active"]), next_due_at=maybe_time(row["next_due_at"]),
        paused_until=maybe_time(row["paused_until"]), paused_reason=row["paused_reason"],
        ignored_streak=row["ignored_streak"], sent_count=row["sent_count"],
        day_count=row["day_count"], count_day=row["count_day"],
    )


def _state(s: Schedule, fmt: Callable[[datetime], str] = to_db) -> tuple:
    return (fmt(s.next_due_at) if s.next_due_at else None,
            fmt(s.paused_until) if s.paused_until else None,
            s.paused_reason, s.ignored_streak, s.sent_count, s.day_count, s.count_day)


class Schedules(Base):
    """Schedule rows, the claim sweep, and each nudge's response."""

    def __init__(self, db: aiosqlite.Connection, lock: asyncio.Lock, path: str = "") -> None:
        super().__init__(db, lock)
        self.path = path
        self._sweeper: sqlite3.Connection | None = None
        self._sweeper_lock = threading.Lock()

    async def get(self, person_id: int, kind: str) -> Schedule | None:
        """Return the person's schedule of one kind."""
        row = await self.fetchone(
            "SELECT * FROM schedules WHERE person_id = ? AND kind = ?", (person_id, kind))
        return schedule_from_row(row) if row else None

    async def for_person(self, person_id: int) -> list[Schedule]:
        """Return all of a person's schedules."""
        rows = await self.fetchall("SELECT * FROM schedules WHERE person_id = ?", (person_id,))
        return [schedule_from_row(row) for row in rows]

    async def save(self, s: Schedule, now: datetime) -> None:
        """Create or replace a person's schedule of one kind, settings and state together."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO schedules (person_id, kind, every_minutes, start_time, end_time, days,"
                " zone, active, created_at, next_due_at, paused_until, paused_reason, ignored_streak,"
                " sent_count, day_count, count_day) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (person_id, kind) DO UPDATE SET every_minutes = excluded.every_minutes,"
                " start_time = excluded.start_time, end_time = excluded.end_time,"
                " days = excluded.days, zone = excluded.zone, active = excluded.active,"
                " next_due_at = excluded.next_due_at, paused_until = excluded.paused_until,"
                " paused_reason = excluded.paused_reason, ignored_streak = excluded.ignored_streak",
                (s.person_id, s.kind, s.every_minutes, s.start.strftime("%H:%M"),
                 s.end.strftime("%H:%M") if s.end else None, days_to_mask(s.days), s.zone,
                 int(s.active), to_db(now), *_state(s)),
            )

    async def update_state(self, schedules: Sequence[Schedule]) -> None:
        """Write the clock state (due time, pause, counters) of several schedules."""
        async with self.transaction() as db:
            await db.executemany(
                f"UPDATE schedules SET {', '.join(f'{f} = ?' for f in _FIELDS)} WHERE id = ?",
                [(*_state(s), s.id) for s in schedules],
            )

    async def switch_off(self, person_id: int, kind: str) -> bool:
        """Turn a schedule off, keeping its settings; False when there was none."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE schedules SET active = 0, next_due_at = NULL, paused_until = NULL,"
                " paused_reason = NULL WHERE person_id = ? AND kind = ? AND active = 1",
                (person_id, kind),
            )
            return cursor.rowcount == 1

    def _connection(self) -> sqlite3.Connection:
        if self._sweeper is None:
            con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA busy_timeout=5000")
            con.execute("PRAGMA foreign_keys=ON")
            self._sweeper = con
        return self._sweeper

    def close_sweeper(self) -> None:
        """Close the sweep's own connection."""
        with self._sweeper_lock:
            if self._sweeper is not None:
                self._sweeper.close()
                self._sweeper = None

    def _claim_batch(self, now: datetime, planner: Planner, limit: int) -> tuple[list[Claim], int]:
        # One IMMEDIATE transaction per batch: a second sweeper waits, then finds the rows
        # already moved on, and UNIQUE (schedule_id, due_at) refuses any slot claimed twice.
        with self._sweeper_lock:
            con = self._connection()
            now_text = to_db(now)
            con.execute("BEGIN IMMEDIATE")
            try:
                rows = con.execute(
                    "SELECT s.*, p.platform, p.user_id AS uid, p.chat_id FROM schedules s"
                    " JOIN people p ON p.id = s.person_id WHERE s.next_due_at IS NOT NULL"
                    " AND s.next_due_at <= ? ORDER BY s.next_due_at LIMIT ?", (now_text, limit),
                ).fetchall()
                claims, updates = [], []
                # A batch holds many rows due at the same instants: format each one once.
                text = cache(to_db)

                pending: dict[int, tuple[Send, sqlite3.Row, int]] = {}
                inserts = []
                for row in rows:
                    schedule, send = planner(schedule_from_row(row), now)
                    updates.append((*_state(schedule, text), schedule.id))
                    if send is not None:
                        pending[schedule.id] = (send, row, schedule.person_id)
                        inserts.append((schedule.id, schedule.person_id, send.kind,
                                        text(send.due_at), now_text, send.movement_id))
                # This transaction is the only writer, so every nudge id above the old maximum
                # is one inserted here; a slot refused by UNIQUE simply has no new row.
                before = con.execute("SELECT COALESCE(MAX(id), 0) FROM nudges").fetchone()[0]
                con.executemany(
                    "INSERT OR IGNORE INTO nudges (schedule_id, person_id, kind, due_at,"
                    " claimed_at, movement_id) VALUES (?, ?, ?, ?, ?, ?)", inserts,
                )
                for nudge_id, schedule_id in con.execute(
                    "SELECT id, schedule_id FROM nudges WHERE id > ? ORDER BY id", (before,)
                ):
                    send, row, person_id = pending[schedule_id]
                    claims.append(Claim(
                        nudge_id, schedule_id, person_id, send.kind, send.due_at,
                        Identity(row["platform"], row["uid"]), row["chat_id"], send.movement_id,
                    ))
                con.executemany(
                    f"UPDATE schedules SET {', '.join(f'{f} = ?' for f in _FIELDS)} WHERE id = ?",
                    updates,
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return claims, len(rows)

    async def claim_due(self, now: datetime, planner: Planner, limit: int = 5000) -> list[Claim]:
        """Claim every slot due by `now`, letting `planner` decide each row's fate."""
        claimed: list[Claim] = []
        while True:
            batch, seen = await asyncio.to_thread(self._claim_batch, now, planner, limit)
            claimed.extend(batch)
            if seen < limit:
                return claimed

    def _record_sync(self, outcomes: list[tuple[str, int]]) -> None:
        with self._sweeper_lock:
            con = self._connection()
            con.execute("BEGIN IMMEDIATE")
            con.executemany("UPDATE nudges SET status = ? WHERE id = ?", outcomes)
            con.execute("COMMIT")

    async def record_outcomes(self, outcomes: list[tuple[str, int]]) -> None:
        """Store how each claimed nudge's delivery went: (status, nudge id)."""
        if outcomes:
            await asyncio.to_thread(self._record_sync, outcomes)

    async def add_nudge(self, schedule_id: int, person_id: int, kind: str, due_at: datetime,
                        now: datetime, movement_id: str | None) -> int | None:
        """Claim one extra slot (a snooze); None when that slot was claimed already."""
        async with self.transaction() as db, db.execute(
            "INSERT OR IGNORE INTO nudges (schedule_id, person_id, kind, due_at, claimed_at,"
            " movement_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (schedule_id, person_id, kind, to_db(due_at), to_db(now), movement_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def nudge(self, nudge_id: int) -> Nudge | None:
        """Return one nudge."""
        row = await self.fetchone("SELECT * FROM nudges WHERE id = ?", (nudge_id,))
        if row is None:
            return None
        return Nudge(row["id"], row["schedule_id"], row["person_id"], row["kind"],
                     from_db(row["due_at"]), row["status"], row["response"], row["movement_id"])

    async def respond(self, nudge_id: int, response: str, now: datetime) -> bool:
        """Record the person's first answer to a nudge and reset the ignored streak."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE nudges SET response = ?, responded_at = ? WHERE id = ? AND response IS NULL",
                (response, to_db(now), nudge_id),
            )
            if cursor.rowcount != 1:
                return False
            await db.execute(
                "UPDATE schedules SET ignored_streak = 0 WHERE id ="
                " (SELECT schedule_id FROM nudges WHERE id = ?)", (nudge_id,),
            )
            return True

    async def done_times(self, person_id: int, since: datetime) -> list[datetime]:
        """Return when the person answered Done to a break nudge, since a moment."""
        rows = await self.fetchall(
            "SELECT responded_at FROM nudges WHERE person_id = ? AND response = 'done'"
            " AND responded_at >= ? ORDER BY responded_at", (person_id, to_db(since)),
        )
        return [from_db(row[0]) for row in rows]

    async def nudged_times(self, person_id: int, since: datetime) -> list[datetime]:
        """Return the slot of each break nudge delivered to the person since a moment."""
        rows = await self.fetchall(
            "SELECT due_at FROM nudges WHERE person_id = ? AND kind IN ('break', 'catchup')"
            " AND status = 'sent' AND due_at >= ? ORDER BY due_at", (person_id, to_db(since)),
        )
        return [from_db(row[0]) for row in rows]

    async def counts(self) -> dict[str, int]:
        """Return nudges sent, done, snoozed, skipped, paused and ignored, for /stats."""
        row = await self.fetchone(
            "SELECT COUNT(*) FILTER (WHERE status = 'sent'),"
            " COUNT(*) FILTER (WHERE response = 'done'),"
            " COUNT(*) FILTER (WHERE response = 'snoozed'),"
            " COUNT(*) FILTER (WHERE response = 'skipped'),"
            " COUNT(*) FILTER (WHERE response = 'paused'),"
            " COUNT(*) FILTER (WHERE status = 'sent' AND response IS NULL AND kind != 'note')"
            " FROM nudges"
        )
        names = ("sent", "done", "snoozed", "skipped", "paused", "ignored")
        return dict(zip(names, (int(v or 0) for v in row), strict=True)) if row else {}

    async def active_for(self, person_id: int) -> list[Schedule]:
        """Return the person's schedules that are switched on."""
        return [s for s in await self.for_person(person_id) if s.active]
