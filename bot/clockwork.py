"""APScheduler as the clock: a regular sweep of due rows, plus one-shot wake-ups for near timers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

Sweep = Callable[[], Awaitable[int]]
# Whether this process is the one that sends the scheduled nudges (see bot/storage/sender.py).
Leads = Callable[[], Awaitable[bool]]
SWEEP_EVERY = timedelta(seconds=20)
# After the grace, how long a sweep told to stop has to record its outcomes and release claims.
CUT_SETTLE = 2.0


async def always() -> bool:
    """Lead always: one process on its own."""
    return True


@dataclass(frozen=True)
class _Attached:
    sweep: Sweep
    sender_only: bool


class Clockwork:
    """Run the core's sweeps on a schedule; the database, not this object, holds what is due."""

    def __init__(self, every: timedelta = SWEEP_EVERY, *, leads: Leads = always) -> None:
        self.every = every
        self.leads = leads
        self.sweeps: list[_Attached] = []
        self.scheduler: AsyncIOScheduler | None = None
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def attach(self, sweep: Sweep, *, sender_only: bool = False) -> None:
        """Add a sweep to run on every tick; a `sender_only` one only while this process leads."""
        self.sweeps.append(_Attached(sweep, sender_only))

    async def tick(self) -> int:
        """Run every sweep once; one failing sweep does not stop the others."""
        self._running += 1
        self._idle.clear()
        fired = 0
        try:
            leading: bool | None = None
            for attached in self.sweeps:
                try:
                    if attached.sender_only:
                        leading = await self.leads() if leading is None else leading
                        if not leading:
                            continue
                    fired += await attached.sweep()
                except Exception:
                    log.exception("sweep failed; the next tick will retry")
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()
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

    async def stop(self, grace: float = 5.0, cut: Callable[[], None] | None = None) -> None:
        """Stop ticking, and let a sweep in progress finish (for up to `grace` seconds).

        When the grace runs out, `cut` tells the sweep to send no more, and it gets a moment
        to record what it sent and release the rest.
        """
        if self.scheduler is None:
            return
        # Shutting APScheduler down cancels running coroutine jobs, which could cut a sweep
        # between claiming and sending; so stop new ticks first and let the current one end.
        self.scheduler.pause()
        if not await self._settle(grace) and cut is not None:
            log.info("the sweep is still sending at shutdown; the rest waits for the restart")
            cut()
            if not await self._settle(CUT_SETTLE):
                log.warning("a sweep was still running at shutdown")
        self.scheduler.shutdown(wait=False)
        self.scheduler = None

    async def _settle(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True
