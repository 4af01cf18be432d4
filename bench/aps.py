"""The alternative: APScheduler 3 with one CronTrigger job per person.

Each person's rule becomes `CronTrigger(day_of_week, hour=H0-H1, minute=*/E, timezone)`, which
fires at exactly the rule's slots (see bench.common). Jobs are added to a scheduler started
paused, so nothing runs; its first run time is computed by the trigger for the minute before
DUE (as the scheduler would do at that wall-clock time) and checked to be DUE.

- add: `scheduler.add_job` for every person (trigger built, first fire time computed).
- due scan: `jobstore.get_due_jobs(DUE)`, the call the scheduler's main loop makes.
- advance: what `BaseScheduler._process_jobs` does with each due job apart from handing it to
  an executor - work out its run times, its next fire time, and `update_job` it. This is
  the counterpart of our claim, which also moves every row on.
- restart: MemoryJobStore loses everything, so re-add every job from our database rows;
  SQLAlchemyJobStore starts paused on the existing table and loads it with `get_jobs()`.
  Both then scan for the next due minute, like our first sweep after a restart.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bench.common import BEFORE, DUE, Rule, cron_fields, emit, median, parse_args, rule_from_row, rules, timed

UTC_NAME = "UTC"


def nudge(person_id: int) -> None:
    """Stand in for sending a person's nudge; the paused scheduler never runs it."""


def scheduler_on(store: BaseJobStore) -> BackgroundScheduler:
    """Return a scheduler on one job store, started paused so no job runs."""
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=UTC_NAME)
    scheduler.start(paused=True)
    return scheduler


def stop(scheduler: BackgroundScheduler) -> None:
    """Shut a scheduler down without letting it touch its jobs.

    On shutdown the scheduler's loop wakes for one last round of processing that ignores the
    pause; the jobs (due by the wall clock, long after DUE) would run and move on. Taking the
    job store away first leaves it nothing to process.
    """
    scheduler.remove_jobstore("default")
    scheduler.shutdown(wait=False)


def add_jobs(scheduler: BackgroundScheduler, people: Iterable[Rule], after: datetime) -> int:
    """Add one cron job per person, first firing after `after`; return how many."""
    added = 0
    for rule in people:
        trigger = CronTrigger(**cron_fields(rule))
        first = trigger.get_next_fire_time(None, after)
        if after == BEFORE and first != DUE:
            raise RuntimeError(f"setting error: person {rule.person_id}'s cron fires at {first}")
        scheduler.add_job(nudge, trigger, args=(rule.person_id,), id=str(rule.person_id),
                          next_run_time=first, coalesce=True, misfire_grace_time=600)
        added += 1
    return added


def due_scan(store: BaseJobStore, now: datetime) -> int:
    """Return how many jobs the store reports due at `now`."""
    return len(store.get_due_jobs(now))


def advance(store: BaseJobStore, now: datetime) -> int:
    """Move every due job on to its next fire time, as the scheduler's loop does."""
    moved = 0
    for job in store.get_due_jobs(now):
        run_times = job._get_run_times(now)
        run_times = run_times[-1:] if run_times and job.coalesce else run_times
        following = job.trigger.get_next_fire_time(run_times[-1], now)
        if following:
            job._modify(next_run_time=following)
            store.update_job(job)
        else:
            store.remove_job(job.id)
        moved += 1
    return moved


def rows_from(db_path: Path) -> list[Rule]:
    """Read every active schedule back from a HeroCoach database."""
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute(
            "SELECT person_id, zone, every_minutes, start_time, end_time, days FROM schedules"
            " WHERE active = 1 ORDER BY id").fetchall()
    finally:
        con.close()
    return [rule_from_row(*row) for row in rows]


def _our_database(workdir: Path, people: int) -> Path:
    import asyncio

    from bench.ours import create

    path = workdir / "rows.db"
    asyncio.run(create(str(path), people))
    return path


def first_run(new_store: Callable[[], BaseJobStore], people: int, repeat: int) -> dict:
    """Add every job, scan and advance the due minute; return the figures and the next minute."""
    scheduler = scheduler_on(new_store())
    add_s, added = timed(lambda: add_jobs(scheduler, rules(people), BEFORE))
    store = scheduler._lookup_jobstore("default")
    scans = [timed(lambda: due_scan(store, DUE)) for _ in range(repeat)]
    due = scans[0][1]
    if added != people or due != people:
        raise RuntimeError(f"added {added}, due {due} of {people}")
    advance_s, moved = timed(lambda: advance(store, DUE))
    next_minute = store.get_next_run_time()
    stop(scheduler)
    return {"add_s": round(add_s, 4), "add_per_s": round(people / add_s),
            "due_scan_s": median([s for s, _ in scans]), "due_jobs": due,
            "advance_s": round(advance_s, 4), "advance_per_s": round(moved / advance_s),
            "next_minute": next_minute}


def restart(new_store: Callable[[], BaseJobStore], rows_db: Path | None, minute: datetime) -> int:
    """Bring a scheduler back after a restart and scan the next due minute; return the count."""
    scheduler = scheduler_on(new_store())
    if rows_db is not None:
        add_jobs(scheduler, rows_from(rows_db), DUE + timedelta(minutes=1))
    else:
        scheduler.get_jobs()
    found = due_scan(scheduler._lookup_jobstore("default"), minute)
    stop(scheduler)
    return found


def run(kind: str, people: int, repeat: int, workdir: Path) -> dict[str, object]:
    """Measure one job store kind ("memory" or "sqlalchemy"); return the figures."""
    url = f"sqlite:///{workdir / 'jobs.db'}"

    def new_store() -> BaseJobStore:
        return MemoryJobStore() if kind == "memory" else SQLAlchemyJobStore(url=url)

    rows_db = _our_database(workdir, people) if kind == "memory" else None
    figures: dict[str, object] = {"system": f"apscheduler-{kind}", "people": people,
                                  "repeat": repeat, **first_run(new_store, people, repeat)}
    minute = figures.pop("next_minute")
    assert isinstance(minute, datetime)  # noqa: S101 - every job has a next fire time
    gc.collect()
    restart_s, figures["restart_due"] = timed(lambda: restart(new_store, rows_db, minute))
    figures["restart_s"] = round(restart_s, 4)
    figures["restart_minute"] = minute.astimezone(UTC).isoformat()
    return figures


def main(kind: str, argv: list[str] | None = None) -> None:
    """Run the benchmark for one job store kind and print its JSON line."""
    args = parse_args(argv, __doc__ or "")
    with tempfile.TemporaryDirectory(dir=args.workdir) as workdir:
        emit(run(kind, args.people, args.repeat, Path(workdir)))
