"""Updates from one chat handled in order, different chats side by side (polling and webhooks)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)


def kind_of(update: dict[str, object]) -> str:
    """Name an update's kind ("message", "callback_query", ...) without reading its content."""
    return next((key for key in update if key != "update_id"), "empty")


def lane_of(update: Update) -> str:
    """Return the key whose updates must be handled in order: the chat, else the user."""
    if update.effective_chat is not None:
        return f"chat:{update.effective_chat.id}"
    if update.effective_user is not None:
        return f"user:{update.effective_user.id}"
    return "other"


class Lanes:
    """Hand each update to its chat's lane; one task per busy chat works through it."""

    def __init__(self, application: Application, on_done: Callable[[int], None]) -> None:
        self.application = application
        self.on_done = on_done
        self._lanes: dict[str, list[Update]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    @property
    def waiting(self) -> int:
        """Return how many updates are queued or being handled."""
        return sum(len(lane) for lane in self._lanes.values())

    def add(self, update: Update) -> None:
        """Queue an update behind the others from its chat."""
        key = lane_of(update)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(update)
            return
        self._lanes[key] = [update]
        worker = asyncio.create_task(self._work(key), name=f"telegram-{key}")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def drain(self, grace: float) -> int:
        """Let the lanes finish for up to `grace` seconds; cancel the rest and return how many."""
        if not self._workers:
            return 0
        _, late = await asyncio.wait(self._workers, timeout=grace)
        for worker in late:
            worker.cancel()
        if late:
            await asyncio.wait(late)
        return len(late)

    async def _work(self, key: str) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                update = lane[0]
                try:
                    await self.application.process_update(update)
                except Exception as exc:
                    log.warning("telegram update %s (%s) failed: %s", update.update_id,
                                kind_of(update.to_dict()), type(exc).__name__)
                lane.pop(0)
                self.on_done(update.update_id)
        finally:
            del self._lanes[key]
