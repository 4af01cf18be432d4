"""What the bot counts for an operator's Prometheus, served at /metrics when HTTP_LISTEN is set.

Each process keeps its own registry (not prometheus-client's global one), so tests can run
several bots in one interpreter and each /metrics shows only its own bot. The core counts
through the small `Metrics` port in bot/core/ports.py; this class implements it, and the
composition root's own seams (delivery, the platforms' 429s, the sweep) call it directly.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace

import aiohttp
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder

from bot.core.breaks.states import NudgeStatus
from bot.core.events import DeliveryStatus
from bot.core.faq.matcher import Outcome

# One match is a BERT pass over a short question: milliseconds on a desktop, a second or
# more on a small board (the log warns past one second).
MATCHING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# A sweep of nothing is a few queries; a full batch of 200 DMs at Telegram's 30/s is ~7 s.
SWEEP_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Outcomes of a claimed nudge; "released" ones go out after a restart, "lost" ones never.
RELEASED, LOST = "released", str(NudgeStatus.LOST)
NUDGE_OUTCOMES = (NudgeStatus.SENT, NudgeStatus.FAILED, NudgeStatus.UNREACHABLE, NudgeStatus.HELD,
                  RELEASED, LOST)
TOO_MANY_REQUESTS = 429

Sweep = Callable[[], Awaitable[int]]


class PrometheusMetrics:
    """The bot's counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()

        def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
            return Counter(name, doc, labels, registry=self.registry)

        self.updates = counter("herocoach_updates_handled", "Inbound events the core answered, "
                               "by platform and kind (Command, Text, ReplyToBot, ButtonPress)",
                               ("platform", "kind"))
        self.replies = counter("herocoach_replies", "Replies the core gave to inbound events",
                               ("platform",))
        self.claimed = counter("herocoach_nudges_claimed", "Nudges the sweep claimed for sending")
        self.nudges = counter("herocoach_nudges", "Nudges (claimed ones, and snoozed ones sent "
                              "again) by outcome: sent, failed, unreachable, held (the person "
                              "was in a /hero session), released (handed back unsent), lost "
                              "(claimed by a process that died)", ("outcome",))
        self.deliveries = counter("herocoach_deliveries", "Messages the bot sent on its own "
                                  "(nudges, relays, notices), by platform and result", ("platform", "result"))
        self.delivery_errors = counter("herocoach_delivery_errors", "Deliveries that did not go "
                                       "out, by platform and kind (failed, unreachable, not_sent)",
                                       ("platform", "kind"))
        self.rate_limited = counter("herocoach_rate_limited", "429 answers from a platform's API "
                                    "(each one waited out and retried)", ("platform",))
        self.faq = counter("herocoach_faq_outcomes", "Questions by how the FAQ answered them",
                           ("outcome",))
        self.chat = counter("herocoach_small_talk", "Small talk, answered without the FAQ or coach",
                            ("kind",))
        self.matching = Histogram("herocoach_matching_seconds", "Time to match one question "
                                  "against the FAQ (on the matching thread)",
                                  buckets=MATCHING_BUCKETS, registry=self.registry)
        self.sweep = Histogram("herocoach_sweep_seconds", "Time one sweep of due nudges took "
                               "(in the process that sends them): claiming, sending, recording",
                               buckets=SWEEP_BUCKETS, registry=self.registry)
        # Series that exist from the start read 0 rather than "no data" on a dashboard.
        for outcome in NUDGE_OUTCOMES:
            self.nudges.labels(str(outcome))
        for faq_outcome in Outcome:
            self.faq.labels(str(faq_outcome))

    # --- the core's port (bot.core.ports.Metrics) ---------------------------------------------

    def handled(self, platform: str, kind: str, replies: int) -> None:
        """Count one inbound event and the replies it got."""
        self.updates.labels(platform, kind).inc()
        self.replies.labels(platform).inc(replies)

    def nudges_claimed(self, count: int) -> None:
        """Count nudges the sweep claimed."""
        self.claimed.inc(count)

    def nudge_outcome(self, status: str) -> None:
        """Count one claimed nudge by what became of it."""
        self.nudges.labels(str(status)).inc()

    def nudges_released(self, count: int) -> None:
        """Count claimed nudges handed back unsent."""
        if count:
            self.nudges.labels(RELEASED).inc(count)

    def nudges_lost(self, count: int) -> None:
        """Count claims a dead process never sent."""
        if count:
            self.nudges.labels(LOST).inc(count)

    def faq_outcome(self, outcome: str) -> None:
        """Count one question by the FAQ's outcome."""
        self.faq.labels(str(outcome)).inc()

    def small_talk(self, kind: str) -> None:
        """Count one bit of small talk."""
        self.chat.labels(str(kind)).inc()

    def matched(self, seconds: float) -> None:
        """Record one match's time."""
        self.matching.observe(seconds)

    # --- the composition root's seams ---------------------------------------------------------

    def delivered(self, platform: str, status: DeliveryStatus) -> None:
        """Count one delivery's result; anything but sent is also a delivery error of that kind."""
        self.deliveries.labels(platform, str(status)).inc()
        if status is not DeliveryStatus.SENT:
            self.delivery_errors.labels(platform, str(status)).inc()

    def refused(self, platform: str) -> None:
        """Count one 429 from a platform."""
        self.rate_limited.labels(platform).inc()

    def timed_sweep(self, sweep: Sweep) -> Sweep:
        """Wrap a sweep so each run's duration lands in the sweep histogram."""
        async def timed() -> int:
            started = time.perf_counter()
            try:
                return await sweep()
            finally:
                self.sweep.observe(time.perf_counter() - started)

        return timed

    def trace_429s(self, platform: str) -> aiohttp.TraceConfig:
        """Return an aiohttp trace that counts the platform's 429s (for discord.py's `http_trace`).

        discord.py waits out and retries each 429 itself; the trace sees every response it
        gets, so nothing in discord.py has to be patched to count them.
        """
        async def on_end(_session: aiohttp.ClientSession, _context: SimpleNamespace,
                         params: aiohttp.TraceRequestEndParams) -> None:
            if params.response.status == TOO_MANY_REQUESTS:
                self.refused(platform)

        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(on_end)
        return trace

    async def serve(self, request: web.Request) -> web.Response:
        """Answer GET /metrics in the Prometheus text format (or OpenMetrics, if asked for)."""
        encode, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encode(self.registry), headers={"Content-Type": content_type})
