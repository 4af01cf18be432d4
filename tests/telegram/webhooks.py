"""Telegram's side of a webhook: the URL a bot registered, and pushing its updates there.

As the Bot API does: setWebhook takes an https URL on port 443, 80, 88 or 8443 and an optional
secret sent in ``X-Telegram-Bot-Api-Secret-Token``; pending updates are POSTed as JSON one
after another, in order, and an update is sent again until the bot answers 2xx (waiting
longer each time, up to ``max_attempts``), the last failure shown by getWebhookInfo. While a
webhook is set, getUpdates answers 409. The public https address is routed to the bot's
plain-HTTP listener on loopback, as the TLS-terminating proxy in front of a real bot does.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlsplit

import aiohttp

from tests.telegram.polling import UpdateQueue
from tests.telegram.updates import JSON, now
from tests.telegram.validation import Rejected

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_PORTS = frozenset({443, 80, 88, 8443})
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_RETRY_DELAY = 5.0
WEBHOOK_ACTIVE = ("Conflict: can't use getUpdates method while webhook is active; use "
                  "deleteWebhook to delete the webhook first")


class WebhookPusher:
    """The registered webhook of one bot, and the task that pushes its pending updates."""

    def __init__(self, queue: UpdateQueue, *, retry_delay: float = 0.2, max_attempts: int = 50,
                 timeout: float = 10.0) -> None:
        self.queue = queue
        self.retry_delay = retry_delay
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.url = ""
        self.secret: str | None = None
        self.max_connections = 40
        self.routes: dict[str, str] = {}
        self.deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status or 0) per attempt
        self.last_error: tuple[int, str] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        """Return whether a webhook is set (getUpdates is refused)."""
        return bool(self.url)

    def route(self, public: str, local: str) -> None:
        """Send what is addressed to ``public`` (scheme://host[:port]) to ``local`` instead."""
        self.routes[public.rstrip("/")] = local.rstrip("/")

    def set(self, params: JSON) -> None:
        """Register (or, with an empty url, remove) the webhook, as setWebhook does."""
        url = str(params.get("url") or "")
        if not url:
            self.delete(drop_pending=bool(params.get("drop_pending_updates")))
            return
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise Rejected("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in _PORTS:
            raise Rejected("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(str(secret)):
            raise Rejected("secret token contains unallowed characters")
        connections = params.get("max_connections", 40)
        if not isinstance(connections, int) or not 1 <= connections <= 100:
            raise Rejected("bad webhook: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self.queue.clear()
        if isinstance(params.get("allowed_updates"), list):
            self.queue.allow(params["allowed_updates"])
        self.url, self.secret, self.max_connections = url, secret, connections
        self.last_error = None
        if self._task is None:
            self._task = asyncio.create_task(self._push(), name="emulator-webhook")
        self.queue.wake()

    def delete(self, *, drop_pending: bool = False) -> None:
        """Remove the webhook, as deleteWebhook does; updates wait for getUpdates again."""
        self.url, self.secret, self.last_error = "", None, None
        if drop_pending:
            self.queue.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def info(self) -> JSON:
        """Return the WebhookInfo object getWebhookInfo answers with."""
        info: JSON = {"url": self.url, "has_custom_certificate": False,
                      "pending_update_count": self.queue.pending}
        if self.url:
            info["max_connections"] = self.max_connections
            if self.queue.allowed:
                info["allowed_updates"] = list(self.queue.allowed)
        if self.last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.last_error
        return info

    async def close(self) -> None:
        """Stop pushing and close the HTTP client."""
        self.delete()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def local_url(self, url: str | None = None) -> str:
        """Return where a POST to the webhook URL (or ``url``) really goes."""
        url = url or self.url
        for public, local in self.routes.items():
            if url == public or url.startswith(public + "/"):
                return local + url[len(public):]
        return url

    async def post(self, update: JSON, *, secret: str | None = None, body: bytes | None = None,
                   url: str | None = None) -> int:
        """POST one update (or raw ``body``) as Telegram does; return the status, 0 if unreachable.

        The header carries the registered secret unless ``secret`` is given ("" leaves it out).
        """
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        secret = self.secret if secret is None else secret
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        data = body if body is not None else json.dumps(update, ensure_ascii=False).encode()
        try:
            async with self._session.post(self.local_url(url), data=data, headers=headers) as answer:
                await answer.read()
                status = answer.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.last_error = (now(), f"Connection failed: {type(exc).__name__}")
            return 0
        if not 200 <= status < 300:
            self.last_error = (now(), f"Wrong response from the webhook: {status}")
        return status

    async def _push(self) -> None:
        """Send pending updates in order; each until the bot takes it or attempts run out."""
        while True:
            update = await self.queue.first()
            attempts = 0
            while True:
                attempts += 1
                status = await self.post(update)
                self.deliveries.append((update["update_id"], status))
                if 200 <= status < 300 or attempts >= self.max_attempts:
                    break
                await asyncio.sleep(min(self.retry_delay * 2 ** (attempts - 1), MAX_RETRY_DELAY))
            self.queue.confirm(update["update_id"])
