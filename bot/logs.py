"""Logging set-up: one format, quiet SDK loggers, repeats held back, tokens scrubbed from every line."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable

NOISY = ("httpx", "httpcore", "apscheduler", "discord.gateway", "discord.client", "discord.http",
         "telegram.ext.Updater", "telegram.ext.ExtBot", "aiosqlite", "asyncio")
MASK = "[redacted]"
REPEAT_WINDOW = 60.0


class HoldRepeats(logging.Filter):
    """Let the first of a run of like warnings through, then one line a minute with the count.

    Lines are alike when the same logger logs the same message template at the same level
    (the arguments, such as an update id, may differ), so a fault that repeats many times a
    second costs a line a minute instead of filling the disk. INFO and below pass untouched.
    """

    def __init__(self, window: float = REPEAT_WINDOW,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.window = window
        self.monotonic = monotonic
        self._seen: dict[tuple[str, int, str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop a repeat inside the window; the first line after it carries the count."""
        if record.levelno < logging.WARNING:
            return True
        error = type(record.exc_info[1]).__name__ if record.exc_info else ""
        key = (record.name, record.levelno, str(record.msg), error)
        now = self.monotonic()
        since, held = self._seen.get(key, (-self.window, 0))
        if now - since < self.window:
            self._seen[key] = (since, held + 1)
            return False
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like this in the last {now - since:.0f}s)"
        return True


class RedactSecrets(logging.Filter):
    """Replace any secret in a log record's message or traceback with a mask."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, MASK)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, MASK)
        record.msg, record.args = message, None
        return True


def setup_logging(level: str, secrets: Iterable[str] = (), stream: object = None) -> None:
    """Configure the root logger once for the whole process."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(HoldRepeats())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
