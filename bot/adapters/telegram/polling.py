"""Long polling that can't stall: each update read on its own, chats handled side by side.

PTB's Updater reads a whole getUpdates batch at once (one update it can't parse makes it fetch
the same batch forever) and confirms everything it fetched before it is handled (a kill loses
the backlog). This poller asks for updates from the oldest one not yet handled, so Telegram is
only ever told "done" about updates that are; an update it can't read is logged and skipped.
Updates from one chat are handled in order, different chats concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ExtBot

from bot.adapters.telegram.lanes import Lanes, kind_of
from bot.adapters.telegram.limits import retry_seconds

log = logging.getLogger(__name__)

JSON = dict[str, Any]
# How many updates may be fetched but not yet handled: the most a restart can see again.
WINDOW = 100
# While updates are being handled, Telegram can't hold a long poll open for new ones (the
# unconfirmed ones answer it at once), so new updates are looked for this often.
BUSY_POLL = 0.5
MAX_BACKOFF = 5.0


class PollingBot(ExtBot):
    """PTB's bot with one addition: getUpdates as raw JSON, so each update is parsed alone."""

    async def raw_updates(
        self, offset: int, limit: int, wait: int, allowed_updates: Sequence[str],
    ) -> list[JSON]:
        """Return pending updates from `offset` as JSON, waiting up to `wait` seconds for one."""
        data = {"offset": offset, "limit": limit, "timeout": wait,
                "allowed_updates": list(allowed_updates)}
        read_timeout = (self._request[0].read_timeout or 0) + wait
        result = await self._post("getUpdates", data, read_timeout=read_timeout)
        return list(result) if isinstance(result, list) else []


class Poller:
    """Fetch updates, hand each to its chat's lane, and confirm only the handled ones."""

    def __init__(
        self, application: Application, bot: PollingBot, *, timeout: int,
        allowed_updates: Sequence[str], on_fatal: Callable[[InvalidToken], None],
    ) -> None:
        self.application = application
        self.bot = bot
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self.on_fatal = on_fatal
        self._pending: set[int] = set()  # fetched, not yet handled
        self._done: set[int] = set()  # handled, but a newer pending one keeps them unconfirmed
        self._next = 0  # one past the newest update seen
        self._lanes = Lanes(application, self._finish)
        self._webhook_removed = False
        self._progress = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def offset(self) -> int:
        """Return the oldest update not yet handled: what getUpdates is asked from."""
        return min(self._pending) if self._pending else self._next

    @property
    def handling(self) -> int:
        """Return how many fetched updates are not yet handled."""
        return len(self._pending)

    def start(self) -> None:
        """Start polling in the background."""
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self, grace: float) -> None:
        """Fetch no more, let handling finish for up to `grace` seconds, confirm what was handled."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        late = await self._lanes.drain(grace)
        if late:
            # Not confirmed, so Telegram sends these again after the restart.
            log.warning("stopped while %d chats were still being answered", late)
        if self._next:
            with contextlib.suppress(TelegramError):
                await self.bot.raw_updates(self.offset, 1, 0, self.allowed_updates)

    async def _run(self) -> None:
        backoff = 0.0
        while not self._stopping.is_set():
            if backoff:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), backoff)
            busy = bool(self._pending)
            try:
                if not self._webhook_removed:
                    # getUpdates is refused while a webhook is set (a webhook-mode run before).
                    await self.bot.delete_webhook(drop_pending_updates=False)
                    self._webhook_removed = True
                batch = await self.bot.raw_updates(
                    self.offset, WINDOW, 0 if busy else self.timeout, self.allowed_updates)
            except InvalidToken as exc:
                self.on_fatal(exc)
                return
            except RetryAfter as exc:
                backoff = retry_seconds(exc)
                continue
            except TelegramError as exc:
                backoff = min(max(backoff * 2, 0.5), MAX_BACKOFF)
                log.warning("polling Telegram failed (%s); retrying in %.1fs", exc.message, backoff)
                continue
            backoff = 0.0
            for raw in batch:
                if self._is_new(raw):
                    self._accept(raw)
            if self._pending:
                await self._until_room(more_waiting=len(batch) >= WINDOW)

    def _room(self) -> int:
        """Return how many new updates the next getUpdates could bring (the window's free part)."""
        return WINDOW - (self._next - self.offset)

    async def _until_room(self, *, more_waiting: bool) -> None:
        """Wait before fetching again, since each fetch returns the unconfirmed updates again.

        With more updates waiting at Telegram, fetch once a quarter of the window is free;
        otherwise look for new ones every BUSY_POLL (a new chat shouldn't wait on a slow one),
        and go back to long polling as soon as everything fetched is handled.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_POLL
        while self._pending and not self._stopping.is_set():
            room, left = self._room(), deadline - loop.time()
            if (more_waiting and room >= WINDOW // 4) or (room > 0 and left <= 0):
                return
            await self._pause(left if room > 0 else None)

    async def _pause(self, seconds: float | None) -> None:
        """Sleep up to `seconds` (None: no limit), waking early when handling moves on."""
        self._progress.clear()
        waits = [asyncio.ensure_future(self._stopping.wait()),
                 asyncio.ensure_future(self._progress.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()

    def _is_new(self, raw: JSON) -> bool:
        update_id = raw.get("update_id")
        if not isinstance(update_id, int):
            return False
        return update_id >= self.offset and update_id not in self._pending | self._done

    def _accept(self, raw: JSON) -> None:
        update_id: int = raw["update_id"]
        self._next = max(self._next, update_id + 1)
        try:
            update = Update.de_json(raw, self.bot)
        except Exception as exc:
            # Not confirming it would fetch it again forever; the member's text stays out.
            log.warning("skipped telegram update %s (%s): it could not be read (%s)",
                        update_id, kind_of(raw), type(exc).__name__)
            log.debug("the unreadable update %s", update_id, exc_info=exc)
            return
        self._pending.add(update_id)
        self._lanes.add(update)

    def _finish(self, update_id: int) -> None:
        self._pending.discard(update_id)
        self._done.add(update_id)
        offset = self.offset
        self._done = {done for done in self._done if done >= offset}
        self._progress.set()
