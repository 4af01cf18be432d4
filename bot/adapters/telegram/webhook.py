"""Telegram webhooks: updates pushed to our HTTP server, checked, taken in once, answered fast.

Telegram sends an update again until it gets a 2xx, so the answer goes as soon as the update
is recorded, and handling goes on in the background (each chat's updates in order, as with
polling). The record is a row in the database: an update pushed twice, to this process or to
another one behind the same load balancer, is handled once. Every process registers the same
webhook on start and leaves it in place on a clean stop, since the others still serve it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot

from bot.adapters.base import BadSetting
from bot.adapters.telegram.lanes import Lanes, kind_of
from bot.adapters.telegram.translate import PLATFORM
from bot.core.ports import Clock
from bot.core.repositories import SeenUpdatesRepository
from bot.web import WebServer

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The largest update body taken in. A text message is at most 4,096 characters; with its
# entities, a quoted reply and the sender's details an update stays well under this.
MAX_BODY = 256 * 1024
# Telegram stops retrying an update long before this, so older ids can go.
KEEP_IDS = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
# Refused requests are logged at most this often (seconds), so a scanner can't flood the log.
REFUSALS_LOGGED_EVERY = 60.0


class TooLarge(Exception):
    """The request body is over the limit."""


async def read_body(request: web.Request, limit: int) -> bytes:
    """Return the body, or raise TooLarge as soon as it is known to be over `limit` bytes."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            raise TooLarge
    return bytes(body)


class WebhookReceiver:
    """Serve the webhook path: refuse strangers, take each update in once, handle it after answering."""

    def __init__(
        self, application: Application, bot: ExtBot, *, url: str, secret: str,
        listen: tuple[str, int], allowed_updates: Sequence[str], seen: SeenUpdatesRepository,
        clock: Clock, server: WebServer | None = None, max_body: int = MAX_BODY,
    ) -> None:
        self.bot = bot
        self.url = url
        self.path = urlsplit(url).path or "/"
        self.allowed_updates = list(allowed_updates)
        self.seen = seen
        self.clock = clock
        self.max_body = max_body
        self._secret = secret.encode()
        self._lanes = Lanes(application, lambda _: None)
        self._accepting = False
        self._owns_server = server is None
        self.server = server or WebServer(*listen)
        self.server.add_routes([web.post(self.path, self._receive)])
        self._refused, self._refusal_logged = 0, -REFUSALS_LOGGED_EVERY
        self._pruned: datetime | None = None
        self._chores: set[asyncio.Task[None]] = set()

    @property
    def handling(self) -> int:
        """Return how many taken-in updates are not yet handled."""
        return self._lanes.waiting

    async def start(self) -> None:
        """Serve the path (binding the server unless it is shared), then register the webhook.

        Raise BadSetting when the address can't be bound or Telegram refuses the URL.
        """
        if self._owns_server:
            try:
                await self.server.start()
            except OSError as exc:
                await self.server.stop()
                why = os.strerror(exc.errno) if exc.errno else str(exc)
                raise BadSetting(f"cannot listen on {self.server.host}:{self.server.port} "
                                 f"(TELEGRAM_WEBHOOK_LISTEN): {why}") from None
        self._accepting = True
        try:
            await self.bot.set_webhook(
                self.url, secret_token=self._secret.decode(),
                allowed_updates=self.allowed_updates, drop_pending_updates=False,
            )
        except TelegramError as exc:
            await self.close()
            detail = exc.message.replace(self.bot.token, "[redacted]")
            raise BadSetting(f"could not set the webhook to TELEGRAM_WEBHOOK_URL {self.url}: "
                             f"{detail}") from None
        log.info("telegram webhook set; updates arrive on %s", self.path)

    async def quiesce(self, grace: float) -> None:
        """Take no new updates (Telegram sends them again); let those taken in finish."""
        self._accepting = False
        late = await self._lanes.drain(grace)
        if late:
            log.warning("stopped while %d chats were still being answered; Telegram will not "
                        "send those updates again", late)
        if self._chores:
            await asyncio.wait(self._chores)

    async def close(self) -> None:
        """Stop serving (the webhook stays set: other processes may still serve it)."""
        await self.quiesce(0)
        if self._owns_server:
            await self.server.stop()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(errors="surrogateescape"),
                                                    self._secret):
            self._refuse(request, "without the" if given is None else "with a wrong")
            return web.Response(status=401 if given is None else 403)
        if not self._accepting:
            return web.Response(status=503, headers={"Retry-After": "1"})
        try:
            raw = json.loads(await read_body(request, self.max_body))
        except TooLarge:
            log.warning("refused a webhook request of over %d bytes", self.max_body)
            return web.Response(status=413)
        except ValueError:
            # Telegram sends valid JSON: this was cut short on the way, and a retry may arrive whole.
            log.warning("refused a webhook request that is not JSON")
            return web.Response(status=400)
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int):
            log.warning("refused a webhook request with no update_id")
            return web.Response(status=400)
        try:
            update = Update.de_json(raw, self.bot)
        except Exception as exc:
            # Telegram would send the same bytes again: take it as done, as polling does.
            log.warning("skipped telegram update %s (%s): it could not be read (%s)",
                        update_id, kind_of(raw), type(exc).__name__)
            return web.Response()
        now = self.clock.now()
        try:
            first = await self.seen.first_time(PLATFORM, update_id, now)
        except Exception as exc:
            log.warning("could not record telegram update %s (%s); Telegram will send it again",
                        update_id, type(exc).__name__)
            return web.Response(status=500)
        if first:
            self._lanes.add(update)
        else:
            log.info("telegram update %s arrived again; it was taken in already", update_id)
        self._prune_now_and_then(now)
        return web.Response()

    def _refuse(self, request: web.Request, how: str) -> None:
        """Log a refused request, at most once a minute, never with what it carried."""
        self._refused += 1
        moment = time.monotonic()
        if moment - self._refusal_logged >= REFUSALS_LOGGED_EVERY:
            log.warning("refused %d webhook request(s) %s secret header (latest from %s); "
                        "check TELEGRAM_WEBHOOK_SECRET", self._refused, how, request.remote)
            self._refused, self._refusal_logged = 0, moment

    def _prune_now_and_then(self, now: datetime) -> None:
        if self._pruned is not None and now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        chore = asyncio.create_task(self._prune(now - KEEP_IDS), name="telegram-prune-ids")
        self._chores.add(chore)
        chore.add_done_callback(self._chores.discard)

    async def _prune(self, before: datetime) -> None:
        try:
            await self.seen.prune(before)
        except Exception as exc:
            log.warning("could not prune old telegram update ids: %s", type(exc).__name__)
