"""Logging set-up: one format, quiet SDK loggers, and tokens scrubbed from every line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

NOISY = ("httpx", "httpcore", "apscheduler", "discord.gateway", "discord.client", "discord.http",
         "telegram.ext.Updater", "telegram.ext.ExtBot", "aiosqlite", "asyncio")
MASK = "[redacted]"


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
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
