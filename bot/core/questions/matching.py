"""Match questions on a worker thread, so a BERT pass never stalls every other chat.

The matcher is built (and its model's layers loaded) on that thread as soon as the bot
starts, so neither start-up nor the first question waits for it. One thread serves all
questions in turn: the matcher's caches are not shared between threads, and NumPy
releases the interpreter while it multiplies, which leaves the event loop free.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from bot.core.faq.matcher import FaqMatcher, Verdict
from bot.core.ports import Metrics, NoMetrics

log = logging.getLogger(__name__)

# A match slower than this is worth a line in the log: the coach's machine may be too small.
SLOW_MATCH_SECONDS = 1.0
_WARM_UP_QUESTION = "how do I start hero pose"


class BackgroundMatcher:
    """A FaqMatcher that lives on its own thread and answers `await match(text)`."""

    def __init__(self, build: Callable[[], FaqMatcher],
                 slow_after: float = SLOW_MATCH_SECONDS, *, eager: bool = True,
                 metrics: Metrics | None = None) -> None:
        self._metrics = metrics or NoMetrics()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faq-match")
        self._slow_after = slow_after
        self._make = build
        self._ready: Future[FaqMatcher] | None = None
        if eager:  # a process that only sends nudges (a worker) never needs the model
            self._start()

    def _start(self) -> Future[FaqMatcher]:
        if self._ready is None:
            self._ready = self._executor.submit(self._build, self._make)
        return self._ready

    @staticmethod
    def _build(build: Callable[[], FaqMatcher]) -> FaqMatcher:
        started = time.perf_counter()
        matcher = build()
        matcher.match(_WARM_UP_QUESTION)
        log.debug("FAQ matcher ready in %.1f s", time.perf_counter() - started)
        return matcher

    async def matcher(self) -> FaqMatcher:
        """Return the matcher, waiting for it to be built if it is not yet."""
        return await asyncio.wrap_future(self._start())

    async def match(self, text: str) -> Verdict:
        """Decide how to answer `text`, on the matching thread."""
        matcher = await self.matcher()
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._timed,
                                                                matcher, text)

    def _timed(self, matcher: FaqMatcher, text: str) -> Verdict:
        # Timed on the thread, so a question's wait behind others in a burst is not counted.
        started = time.perf_counter()
        verdict = matcher.match(text)
        elapsed = time.perf_counter() - started
        self._metrics.matched(elapsed)
        if elapsed > self._slow_after:
            log.warning("matching one question took %.1f s (%d characters)", elapsed, len(text))
        return verdict

    def close(self) -> None:
        """Stop the thread once the match in progress, if any, is done."""
        self._executor.shutdown(wait=False, cancel_futures=True)
