"""The update queue behind getUpdates: numbering, confirming by offset, and long polling."""

from __future__ import annotations

import asyncio
import contextlib

from tests.telegram.updates import JSON

# What getUpdates returns when allowed_updates was never set (Telegram's documented default).
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class PollConflict(Exception):
    """A newer getUpdates call terminated this one (Telegram answers 409)."""


class UpdateQueue:
    """Hold a bot's pending updates the way Telegram does between getUpdates calls."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self._updates: list[JSON] = []
        self._next_id = 1
        self._arrived = asyncio.Event()
        self._generation = 0
        self._allowed: list[str] = []
        self._closed = False

    @property
    def pending(self) -> int:
        """Return how many updates wait to be confirmed."""
        return len(self._updates)

    def number(self, update: JSON) -> JSON:
        """Return ``update`` with the next update_id, without queueing it."""
        update = {**update, "update_id": self._next_id}
        self._next_id += 1
        return update

    def put(self, update: JSON) -> JSON:
        """Number ``update`` and queue it, waking a waiting long poll."""
        update = self.number(update)
        self._updates.append(update)
        self._arrived.set()
        return update

    @property
    def allowed(self) -> list[str]:
        """Return the update kinds last asked for (empty: Telegram's default set)."""
        return self._allowed

    def allow(self, kinds: list[str]) -> None:
        """Deliver only these kinds from now on (allowed_updates of getUpdates or setWebhook)."""
        self._allowed = kinds

    def wake(self) -> None:
        """Wake whoever waits for updates (a webhook was set: the pusher looks again)."""
        self._arrived.set()

    async def first(self) -> JSON:
        """Wait for the oldest pending update the bot wants, and return it (still pending)."""
        while True:
            ready = [update for update in self._updates if self._wanted(update)]
            if ready:
                return ready[0]
            self._arrived.clear()
            await self._arrived.wait()

    def confirm(self, update_id: int) -> None:
        """Drop one delivered update (a webhook answered it)."""
        self._updates = [update for update in self._updates if update["update_id"] != update_id]

    def clear(self) -> None:
        """Drop every pending update (deleteWebhook with drop_pending_updates)."""
        self._updates.clear()

    def close(self) -> None:
        """Answer waiting long polls now, so the server can stop."""
        self._closed = True
        self._arrived.set()

    def _wanted(self, update: JSON) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed:
            return kind in self._allowed
        return kind not in _NOT_BY_DEFAULT

    async def get(self, params: JSON) -> list[JSON]:
        """Confirm updates below ``offset``, then return pending ones, waiting up to ``timeout``."""
        self._generation += 1
        generation = self._generation
        self._arrived.set()  # wakes an older long poll so it answers 409
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        if isinstance(params.get("allowed_updates"), list):
            self.allow(params["allowed_updates"])
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(float(params.get("timeout") or 0), self.max_wait)
        while True:
            if generation != self._generation:
                raise PollConflict
            ready = [update for update in self._updates if self._wanted(update)][:limit]
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closed:
                return ready
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
