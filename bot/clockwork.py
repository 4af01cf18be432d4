"""APScheduler as the clock: a regular sweep of due rows, plus one-shot wake-ups for near timers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

Sweep = Callable[[], Awaitable[int]]
SWEEP_EVERY = timedelta(seconds=20)


class Clockwork:
    """Run the core's sweep on a schedule; the database, not this object, holds what is due."""

    def __init__(self, every: timedelta = SWEEP_EVERY) -> None:
        self.every = every
        self.sweeps: list[Sweep] = []
        self.scheduler: AsyncIOScheduler | None = None

    def attach(self, sweep: Sweep) -> None:
        """Add a sweep to run on every tick."""
        self.sweeps.append(sweep)

    async def tick(self) -> int:
        """Run every sweep once; one failing sweep does not stop the others."""
        fired = 0
        for sweep in self.sweeps:
            try:
                fired += await sweep()
            except Exception:
                log.exception("sweep failed; the next tick will retry")
        return fired

    def start(self) -> None:
        """Start ticking (call from inside the running event loop)."""
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.add_job(
            self.tick, "interval", seconds=self.every.total_seconds(), id="sweep",
            coalesce=True, max_instances=1, misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    def wake_at(self, when: datetime) -> None:
        """Sweep once at `when`, so short timers don't wait for the next regular tick."""
        if self.scheduler is None:
            return
        self.scheduler.add_job(
            self.tick, "date", run_date=when + timedelta(milliseconds=50),
            coalesce=True, misfire_grace_time=None,
        )

    async def stop(self) -> None:
        """Stop ticking; a sweep in progress finishes on its own."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
