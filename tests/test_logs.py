"""Log lines: repeats of one warning are held back and counted, so a fault can't fill a disk."""

from __future__ import annotations

import io
import logging

from bot.logs import HoldRepeats


def test_a_repeating_warning_is_one_line_then_a_count() -> None:
    now = [0.0]
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(HoldRepeats(window=60, monotonic=lambda: now[0]))
    log = logging.getLogger("tests.repeats")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        for update_id in range(10_000):
            log.warning("skipped update %s", update_id)
        log.info("something else")
        log.error("a different fault")
        now[0] = 61.0
        log.warning("skipped update %s", 99_999)
    finally:
        log.removeHandler(handler)
    assert out.getvalue().splitlines() == [
        "skipped update 0",
        "something else",
        "a different fault",
        "skipped update 99999 (and 9999 more like this in the last 61s)",
    ]
