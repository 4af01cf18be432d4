"""Schedules and nudges: the rows the clock sweeps, claimed in batches before anything is sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from functools import cache

from bot.core.breaks.states import NudgeKind, PausedReason, ScheduleKind
from bot.core.events import Identity
from bot.core.models import Claim, Nudge, Schedule
from bot.core.repositories import Planner
from bot.storage.base import Base
from bot.storage.sql import Row

_FIELDS = ("next_due_at", "paused_until", "paused_reason", "ignored_streak", "sent_count",
           "day_count", "count_day")
_SET_STATE = f"UPDATE schedules SET {', '.join(f'{f} = ?' for f in _FIELDS)} WHERE id = ?"
_NUDGE_COLUMNS = "(schedule_id, person_id, kind, due_at, claimed_at, movement_id)"


def days_to_mask(days: frozenset[int]) -> int:
    """Pack weekdays (0=Monday) into a bitmask."""
    return sum(1 << day for day in days)


def mask_to_days(mask: int) -> frozenset[int]:
    """Unpack a weekday bitmask."""
    return frozenset(day for day in range(7) if mask & (1 << day))


def _clock(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


class Schedules(Base):
    """Schedule rows, the claim sweep, and each nudge's response."""

    def _schedule(self, row: Row) -> Schedule:
        return Schedule(
            id=row["id"], person_id=row["person_id"], kind=ScheduleKind(row["kind"]),
            start=time.fromisoformat(row["start_time"]), end=_clock(row["end_time"]),
            days=mask_to_days(row["days"]), zone=row["zone"], every_minutes=row["every_minutes"],
            active=bool(row["active"]), next_due_at=self.rt(row["next_due_at"]),
            paused_until=self.rt(row["paused_until"]),
            paused_reason=PausedReason(row["paused_reason"]) if row["paused_reason"] else None,
            ignored_streak=row["ignored_streak"], sent_count=row["sent_count"],
            day_count=row["day_count"], count_day=row["count_day"],
        )

    def _state(self, s: Schedule, fmt: Callable[[datetime | None], object] | None = None) -> tuple:
        fmt = fmt or self.t
        return (fmt(s.next_due_at), fmt(s.paused_until), s.paused_reason, s.ignored_streak,
                s.sent_count, s.day_count, s.count_day)

    async def get(self, person_id: int, kind: str) -> Schedule | None:
        """Return the person's schedule of one kind."""
        row = await self.db.fetchone(
            "SELECT * FROM schedules WHERE person_id = ? AND kind = ?", (person_id, kind))
        return self._schedule(row) if row else None

    async def for_person(self, person_id: int) -> list[Schedule]:
        """Return all of a person's schedules."""
        rows = await self.db.fetchall(
            "SELECT * FROM schedules WHERE person_id = ? ORDER BY id", (person_id,))
        return [self._schedule(row) for row in rows]

    async def active_for(self, person_id: int) -> list[Schedule]:
        """Return the person's schedules that are switched on."""
        return [s for s in await self.for_person(person_id) if s.active]

    async def save(self, s: Schedule, now: datetime) -> None:
        """Create or replace a person's schedule of one kind, settings and state together."""
        async with self.db.transaction() as tx:
            await tx.execute(
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
                 bool(s.active), self.t(now), *self._state(s)),
            )

    async def update_state(self, schedules: Sequence[Schedule]) -> None:
        """Write the clock state (due time, pause, counters) of several schedules."""
        async with self.db.transaction() as tx:
            await tx.executemany(_SET_STATE, [(*self._state(s), s.id) for s in schedules])

    async def switch_off(self, person_id: int, kind: str) -> bool:
        """Turn a schedule off, keeping its settings; False when there was none."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "UPDATE schedules SET active = FALSE, next_due_at = NULL, paused_until = NULL,"
                " paused_reason = NULL WHERE person_id = ? AND kind = ? AND active = TRUE",
                (person_id, kind),
            ) == 1

    async def claim_batch(self, now: datetime, planner: Planner, limit: int) -> tuple[list[Claim], int]:
        """Claim up to `limit` due rows in one commit; return the claims and the rows seen.

        The rows are locked for the transaction (the whole file on SQLite, the rows themselves
        with SKIP LOCKED on PostgreSQL), so two sweepers take different rows; UNIQUE
        (schedule_id, due_at) refuses any slot claimed twice all the same.
        """
        text = cache(self.t)  # a batch holds many rows due at the same instants
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT s.*, p.platform, p.user_id AS uid, p.chat_id AS person_chat FROM schedules s"
                " JOIN people p ON p.id = s.person_id WHERE s.next_due_at IS NOT NULL"
                " AND s.next_due_at <= ? ORDER BY s.next_due_at LIMIT ?"
                f"{self.db.skip_locked('s')}", (text(now), limit),
            )
            pending, inserts, updates = {}, [], []
            for row in rows:
                schedule, send = planner(self._schedule(row), now)
                updates.append((*self._state(schedule, text), schedule.id))
                if send is not None:
                    pending[schedule.id] = (send, row)
                    inserts.extend((schedule.id, schedule.person_id, send.kind, text(send.due_at),
                                    text(now), send.movement_id))
            claimed = []
            if pending:
                values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(pending))
                claimed = await tx.fetchall(
                    f"INSERT INTO nudges {_NUDGE_COLUMNS} VALUES {values}"
                    " ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING id, schedule_id",
                    inserts,
                )
            await tx.executemany(_SET_STATE, updates)
        claims = []
        for nudge_id, schedule_id in sorted((r[0], r[1]) for r in claimed):
            send, row = pending[schedule_id]
            claims.append(Claim(nudge_id, schedule_id, row["person_id"], send.kind, send.due_at,
                                Identity(row["platform"], row["uid"]), row["person_chat"],
                                send.movement_id))
        return claims, len(rows)

    async def record_outcomes(self, outcomes: list[tuple[str, int]]) -> None:
        """Store how each claimed nudge's delivery went: (status, nudge id)."""
        if outcomes:
            async with self.db.transaction() as tx:
                await tx.executemany("UPDATE nudges SET status = ? WHERE id = ?", outcomes)

    async def mark_lost(self, claimed_before: datetime) -> int:
        """Mark claims still unsent since before a moment as lost (never resent); return how many."""
        async with self.db.transaction() as tx:
            return await tx.execute(
                "UPDATE nudges SET status = 'lost' WHERE status = 'claimed' AND claimed_at < ?",
                (self.t(claimed_before),),
            )

    async def release(self, claims: Sequence[Claim]) -> None:
        """Undo claims that were never sent, so their slots fall due again (after a restart)."""
        if not claims:
            return
        async with self.db.transaction() as tx:
            for claim in claims:
                gone = await tx.execute(
                    "DELETE FROM nudges WHERE id = ? AND status = 'claimed'", (claim.nudge_id,))
                if not gone:
                    continue
                due = self.t(claim.due_at)
                if claim.kind == "note":
                    await tx.execute(
                        "UPDATE schedules SET next_due_at = ?, paused_reason = NULL"
                        " WHERE id = ? AND paused_reason = 'ignored'", (due, claim.schedule_id))
                    continue
                streak = 1 if claim.kind in ("break", "catchup") else 0
                await tx.execute(
                    "UPDATE schedules SET next_due_at = ?,"
                    " sent_count = CASE WHEN sent_count > 0 THEN sent_count - 1 ELSE 0 END,"
                    " day_count = CASE WHEN day_count > 0 THEN day_count - 1 ELSE 0 END,"
                    " ignored_streak = CASE WHEN ignored_streak > ? THEN ignored_streak - ? ELSE 0 END"
                    " WHERE id = ?", (due, streak - 1, streak, claim.schedule_id))

    async def add_nudge(self, schedule_id: int, person_id: int, kind: str, due_at: datetime,
                        now: datetime, movement_id: str | None) -> int | None:
        """Claim one extra slot (a snooze); None when that slot was claimed already."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"INSERT INTO nudges {_NUDGE_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING id",
                (schedule_id, person_id, kind, self.t(due_at), self.t(now), movement_id),
            )
        return int(row[0]) if row else None

    async def nudge(self, nudge_id: int) -> Nudge | None:
        """Return one nudge."""
        row = await self.db.fetchone("SELECT * FROM nudges WHERE id = ?", (nudge_id,))
        if row is None:
            return None
        return Nudge(row["id"], row["schedule_id"], row["person_id"], NudgeKind(row["kind"]),
                     self.rt(row["due_at"]), row["status"], row["response"], row["movement_id"])

    async def respond(self, nudge_id: int, response: str, now: datetime) -> bool:
        """Record the person's first answer to a nudge and reset the ignored streak."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE nudges SET response = ?, responded_at = ? WHERE id = ? AND response IS NULL",
                (response, self.t(now), nudge_id),
            )
            if changed != 1:
                return False
            await tx.execute(
                "UPDATE schedules SET ignored_streak = 0 WHERE id ="
                " (SELECT schedule_id FROM nudges WHERE id = ?)", (nudge_id,),
            )
            return True

    async def done_times(self, person_id: int, since: datetime) -> list[datetime]:
        """Return when the person answered Done to a break nudge, since a moment."""
        rows = await self.db.fetchall(
            "SELECT responded_at FROM nudges WHERE person_id = ? AND response = 'done'"
            " AND responded_at >= ? ORDER BY responded_at", (person_id, self.t(since)),
        )
        return [self.rt(row[0]) for row in rows]

    async def nudged_times(self, person_id: int, since: datetime) -> list[datetime]:
        """Return the slot of each break nudge delivered to the person since a moment."""
        rows = await self.db.fetchall(
            "SELECT due_at FROM nudges WHERE person_id = ? AND kind IN ('break', 'catchup')"
            " AND status = 'sent' AND due_at >= ? ORDER BY due_at", (person_id, self.t(since)),
        )
        return [self.rt(row[0]) for row in rows]

    async def counts(self) -> dict[str, int]:
        """Return nudges sent, done, snoozed, skipped, paused, ignored, lost and failed, for /stats."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE status = 'sent'),"
            " COUNT(*) FILTER (WHERE response = 'done'),"
            " COUNT(*) FILTER (WHERE response = 'snoozed'),"
            " COUNT(*) FILTER (WHERE response = 'skipped'),"
            " COUNT(*) FILTER (WHERE response = 'paused'),"
            " COUNT(*) FILTER (WHERE status = 'sent' AND response IS NULL AND kind != 'note'),"
            " COUNT(*) FILTER (WHERE status = 'lost'),"
            " COUNT(*) FILTER (WHERE status = 'failed')"
            " FROM nudges"
        )
        names = ("sent", "done", "snoozed", "skipped", "paused", "ignored", "lost", "failed")
        return dict(zip(names, (int(v or 0) for v in row), strict=True)) if row else {}
