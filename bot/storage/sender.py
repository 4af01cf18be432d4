"""Which process sends the scheduled nudges: the one holding a lock the database keeps.

Telegram's ~30 messages a second and Discord's 50 requests a second are per bot token, not
per process. Several processes each pacing themselves to the limit would exceed it together,
so only one of them sends the sweep's nudges: the holder of a PostgreSQL advisory lock on a
connection of its own. When that process dies, its connection closes, the server drops the
lock, and the next process to try (every sweep interval) takes over. With SQLite every process
is on one machine, and an OS file lock beside the database does the same job.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from pathlib import Path
from typing import IO, Protocol

import asyncpg

from bot.storage.urls import POSTGRESQL, parse_database_url

log = logging.getLogger(__name__)

# Any constant works, as long as every process of one bot uses the same one.
SENDER_LOCK = 0x4E75646765  # "Nudge"
# A dead machine (not just a dead process) holds the lock until the server notices the silence.
KEEPALIVE = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}


class SenderLock(Protocol):
    """Whether this process is the one that sends the scheduled nudges."""

    async def held(self) -> bool:
        """Take the lock if it is free; return whether this process holds it now."""
        ...

    async def release(self) -> None:
        """Give the lock up, so another process can take over at once."""
        ...


def process_name() -> str:
    """Name this process the way an operator finds it: host and pid."""
    return f"herocoach {socket.gethostname()}:{os.getpid()}"


class PostgresSenderLock:
    """A session-level advisory lock on one connection outside the pool (a pool's reset drops locks)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._conn: asyncpg.Connection | None = None
        self._holding = False

    async def held(self) -> bool:
        """Check the lock is still ours (the connection may have dropped), or try to take it."""
        try:
            if self._conn is None or self._conn.is_closed():
                self._holding = False
                self._conn = await asyncpg.connect(
                    self.dsn, timeout=10,
                    server_settings={"application_name": process_name(), **KEEPALIVE})
            if self._holding:
                await self._conn.fetchval("SELECT 1", timeout=10)
            else:
                self._holding = bool(await self._conn.fetchval(
                    "SELECT pg_try_advisory_lock($1)", SENDER_LOCK, timeout=10))
                if self._holding:
                    log.info("this process now sends the scheduled nudges")
        # A connection the server has just cut can fail as the client's own state error too.
        except (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError,
                OSError, TimeoutError) as exc:
            if self._holding:
                log.warning("lost the nudge-sending lock with the database connection: %s", exc)
            await self._drop()
        return self._holding

    async def release(self) -> None:
        """Close the lock's connection, which releases the lock."""
        await self._drop()

    async def _drop(self) -> None:
        self._holding = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close(timeout=2)
            self._conn = None


class FileSenderLock:
    """An exclusive `flock` on a file beside the SQLite database; the OS drops it when we exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    async def held(self) -> bool:
        """Take the file lock without waiting, or report that another process has it."""
        if self._file is not None:
            return True
        handle = self.path.open("ab")  # noqa: ASYNC230, SIM115 - opening a small local file; kept open
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        log.info("this process now sends the scheduled nudges")
        return True

    async def release(self) -> None:
        """Unlock and close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def sender_lock_for(database_url: str) -> SenderLock:
    """Return the lock that suits the backend DATABASE_URL names."""
    url = parse_database_url(database_url)
    if url.backend == POSTGRESQL:
        return PostgresSenderLock(url.target)
    return FileSenderLock(Path(f"{url.target}.sender.lock"))
