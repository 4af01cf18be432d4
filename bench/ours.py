"""HeroCoach's own scheduling: rows in SQLite, claimed by the sweep.

Run as `python -m bench.ours --people N`; prints one JSON line of figures.

Creation is a bulk path equivalent to the repositories': for each chunk of 10,000 people it
builds real `Schedule` models, asks `planner.next_slot` for their first slot, and inserts
them with `executemany` of the same INSERT column lists `People.upsert` and
`Schedules.save` use, inside the backend's own transaction helper (`store.db.transaction()`),
so the same code fills SQLite or PostgreSQL. `save_per_s` times the real `Schedules.save` on a sample,
for the one-at-a-time path a live bot takes.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import shutil
import sys
import tempfile
import time as clock
from collections.abc import Callable
from datetime import datetime
from functools import partial
from itertools import islice
from pathlib import Path

from bench.common import BEFORE, CHUNK, DUE, Rule, emit, median, parse_args, rules
from bot.app import build_runtime
from bot.content.loader import load_content
from bot.core.breaks import planner
from bot.core.breaks.nudges import BATCH
from bot.core.context import CoreConfig
from bot.core.events import DeliveryResult, DeliveryStatus, Outbound
from bot.core.models import Schedule
from bot.core.ports import ManualClock
from bot.core.repositories import Planner
from bot.storage.schedules import days_to_mask
from bot.storage.store import Store

PEOPLE_SQL = ("INSERT INTO people (platform, user_id, display_name, chat_id, created_at)"
              " VALUES (?, ?, ?, ?, ?)")
SCHEDULE_SQL = (
    "INSERT INTO schedules (person_id, kind, every_minutes, start_time, end_time, days, zone,"
    " active, created_at, next_due_at, paused_until, paused_reason, ignored_streak, sent_count,"
    " day_count, count_day) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
SAVE_SAMPLE = 1000


class NullDelivery:
    """A platform sender that accepts every message at once."""

    async def send(self, message: Outbound) -> DeliveryResult:
        """Report the message sent."""
        return DeliveryResult(DeliveryStatus.SENT)


def schedule_for(rule: Rule) -> Schedule:
    """Build the person's real Schedule model with its first slot from the planner."""
    schedule = Schedule(
        id=rule.person_id, person_id=rule.person_id, kind="breaks", start=rule.start,
        days=rule.days, zone=rule.zone, every_minutes=rule.every, end=rule.end,
    )
    schedule.next_due_at = planner.next_slot(schedule, BEFORE)
    if schedule.next_due_at != DUE:
        raise RuntimeError(f"setting error: person {rule.person_id} is due {schedule.next_due_at}")
    return schedule


def _rows(chunk: list[Rule], to_db: Callable[[datetime | None], object]) -> tuple[list[tuple], list[tuple]]:
    created = to_db(BEFORE)
    people, schedules = [], []
    for rule in chunk:
        s = schedule_for(rule)
        people.append((rule.platform, rule.user_id, f"person {rule.person_id}", rule.user_id, created))
        schedules.append((
            s.person_id, s.kind, s.every_minutes, s.start.strftime("%H:%M"),
            s.end.strftime("%H:%M") if s.end else None, days_to_mask(s.days), s.zone, True, created,
            to_db(s.next_due_at), None, None, 0, 0, 0, None,
        ))
    return people, schedules


async def create(url: str, people: int) -> dict[str, float]:
    """Create the database and every person's schedule; return the timings."""
    started = clock.perf_counter()
    store = await Store.open(url)
    build = insert = 0.0
    pending = rules(people)
    while chunk := list(islice(pending, CHUNK)):
        t0 = clock.perf_counter()
        people_rows, schedule_rows = _rows(chunk, store.db.time)
        t1 = clock.perf_counter()
        async with store.db.transaction() as tx:
            await tx.executemany(PEOPLE_SQL, people_rows)
            await tx.executemany(SCHEDULE_SQL, schedule_rows)
        insert += clock.perf_counter() - t1
        build += t1 - t0
    total = clock.perf_counter() - started
    await store.close()
    return {"create_s": total, "create_build_s": build, "create_insert_s": insert}


async def save_rate(url: str, people: int) -> float:
    """Time the repository's one-at-a-time `Schedules.save` (an upsert) on a sample."""
    store = await Store.open(url)
    sample = [await store.schedules.get(pid, "breaks") for pid in range(1, min(people, SAVE_SAMPLE) + 1)]
    started = clock.perf_counter()
    for schedule in sample:
        assert schedule is not None  # noqa: S101 - created just before
        await store.schedules.save(schedule, BEFORE)
    seconds = clock.perf_counter() - started
    await store.close()
    return len(sample) / seconds


async def claim_all(store: Store, plan: Planner) -> int:
    """Claim batch after batch, as the sweep does, but send nothing; return how many were claimed."""
    claimed = 0
    while True:
        claims, seen = await store.schedules.claim_batch(DUE, plan, BATCH)
        claimed += len(claims)
        if seen < BATCH:
            return claimed


async def claim(url: str, movement_ids: tuple[str, ...]) -> tuple[float, int]:
    """Time claiming every row due at DUE, in the sweep's batches; return (seconds, claims)."""
    store = await Store.open(url)
    plan = partial(planner.plan, movement_ids=movement_ids)
    started = clock.perf_counter()
    claimed = await claim_all(store, plan)
    seconds = clock.perf_counter() - started
    await store.close()
    return seconds, claimed


async def profile_claim(url: str, movement_ids: tuple[str, ...]) -> None:
    """Print a cProfile of the claim to stderr (untimed: the profiler slows it down)."""
    store = await Store.open(url)
    plan = partial(planner.plan, movement_ids=movement_ids)
    profiler = cProfile.Profile()
    profiler.enable()
    await claim_all(store, plan)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    await store.close()


async def _runtime(url: str, now: object, *, warm: bool = False) -> object:
    runtime = await build_runtime(database_url=url, config=CoreConfig(), clock=ManualClock(now))
    for platform in ("telegram", "discord"):
        runtime.router.register(platform, NullDelivery())
    if warm:
        # A running bot answers questions too: load the FAQ's sentence model, so the peak RSS
        # is that of a bot in use, and the timed sweep doesn't share the CPU with its loading.
        await runtime.matcher.match("how long should i hold the pose?")
    return runtime


async def sweep_and_restart(url: str) -> dict[str, float]:
    """Time the full Nudges.sweep at DUE, then a process restart and its first sweep."""
    runtime = await _runtime(url, DUE, warm=True)
    started = clock.perf_counter()
    swept = await runtime.core.nudges.sweep()
    sweep_s = clock.perf_counter() - started
    sent = (await runtime.store.schedules.counts())["sent"]
    row = await runtime.store.db.fetchone(
        "SELECT MIN(next_due_at), COUNT(*) FILTER (WHERE next_due_at = (SELECT MIN(next_due_at)"
        " FROM schedules)) FROM schedules")
    next_due, expected = runtime.store.db.read_time(row[0]), row[1]
    await runtime.close()

    started = clock.perf_counter()
    runtime = await _runtime(url, next_due)
    opened = clock.perf_counter()
    resumed = await runtime.core.nudges.sweep()
    done = clock.perf_counter()
    await runtime.close()
    if resumed != expected:
        raise RuntimeError(f"restart sweep claimed {resumed}, expected {expected}")
    return {"sweep_s": sweep_s, "swept": swept, "sent": sent, "restart_s": done - started,
            "restart_open_s": opened - started, "restart_sweep_s": done - opened,
            "restart_claims": resumed, "restart_minute": next_due.isoformat()}


def _remove(workdir: Path, pattern: str) -> None:
    for path in workdir.glob(pattern):
        path.unlink()


async def run(people: int, repeat: int, workdir: Path, profile: bool) -> dict[str, object]:
    """Run every measurement `repeat` times on fresh databases; return the medians."""
    movement_ids = tuple(m.id for m in load_content().movements)
    runs: list[dict[str, float]] = []
    for rep in range(repeat):
        claim_db, sweep_db = workdir / f"ours-{rep}.db", workdir / f"ours-{rep}-sweep.db"
        figures = await create(str(claim_db), people)
        shutil.copyfile(claim_db, sweep_db)
        figures["db_mb"] = claim_db.stat().st_size / 2**20
        if rep == 0:
            figures["save_per_s"] = await save_rate(str(sweep_db), people)
        if profile:
            await profile_claim(str(claim_db), movement_ids)
            return {"system": "herocoach", "profiled": True}
        figures["claim_s"], figures["claims"] = await claim(str(claim_db), movement_ids)
        if figures["claims"] != people:
            raise RuntimeError(f"claimed {figures['claims']} of {people}")
        figures.update(await sweep_and_restart(str(sweep_db)))
        if figures["swept"] != people or figures["sent"] != people:
            raise RuntimeError(f"swept {figures['swept']}, sent {figures['sent']} of {people}")
        runs.append(figures)
        _remove(workdir, f"ours-{rep}*")
    out: dict[str, object] = {"system": "herocoach", "people": people, "repeat": repeat,
                              "create_path": "bulk executemany (Schedules.save column list)"}
    for key in ("create_s", "create_build_s", "create_insert_s", "claim_s", "sweep_s", "restart_s",
                "restart_open_s", "restart_sweep_s", "db_mb"):
        out[key] = median([r[key] for r in runs])
    out["save_per_s"] = round(runs[0]["save_per_s"])
    out["claims"], out["restart_claims"] = runs[0]["claims"], runs[0]["restart_claims"]
    out["restart_minute"] = runs[0]["restart_minute"]
    out["claim_per_s"] = round(people / float(out["claim_s"]))
    out["sweep_per_s"] = round(people / float(out["sweep_s"]))
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the HeroCoach benchmark and print its JSON line."""
    args = parse_args(argv, __doc__ or "")
    with tempfile.TemporaryDirectory(dir=args.workdir) as workdir:
        emit(asyncio.run(run(args.people, args.repeat, Path(workdir), args.profile)))


if __name__ == "__main__":
    main()
