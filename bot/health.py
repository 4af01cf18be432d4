"""GET /healthz and GET /metrics for an operator, on the shared web server when HTTP_LISTEN is set.

/healthz answers 200 when the database answers a query and every configured platform is
connected, and 503 otherwise, with one line per problem in plain words: a load balancer or
Docker's HEALTHCHECK reads the status, a person reads the lines.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from typing import Protocol

from aiohttp import web

from bot.app import Runtime
from bot.config import Settings
from bot.web import WebServer, parse_listen

log = logging.getLogger(__name__)

# The probe is one trivial query: a database slower than this to answer it is not answering.
DATABASE_TIMEOUT = 2.0
HTTP_LISTEN = "HTTP_LISTEN"


class Connected(Protocol):
    """A platform adapter that can say, cheaply, whether it is connected right now."""

    platform: str

    def health(self) -> str | None:
        """Return None while connected, else why not, in plain words."""
        ...


class CannotListen(Exception):  # noqa: N818 - reads as the condition it reports
    """HTTP_LISTEN names an address this process can't bind."""


def plain(exc: BaseException) -> str:
    """Describe a connection failure in a few words ("connection refused"), not a traceback."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {DATABASE_TIMEOUT:g} s"
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno).lower()  # "connection refused", "address already in use"
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


class Health:
    """Check the database and each platform adapter, and answer /healthz."""

    def __init__(self, runtime: Runtime, adapters: Sequence[Connected]) -> None:
        self.runtime = runtime
        self.adapters = list(adapters)

    async def problems(self) -> list[str]:
        """Return what is wrong, one line per part, or nothing when all is well."""
        found = []
        try:
            await asyncio.wait_for(self.runtime.store.db.fetchone("SELECT 1"), DATABASE_TIMEOUT)
        except Exception as exc:
            found.append(f"database: not answering ({plain(exc)})")
        for adapter in self.adapters:
            problem = adapter.health()
            if problem:
                found.append(f"{adapter.platform}: {problem}")
        return found

    async def serve(self, request: web.Request) -> web.Response:
        """Answer GET /healthz: 200 "ok" and what was checked, or 503 and what is wrong."""
        found = await self.problems()
        if found:
            log.info("health check failed: %s", "; ".join(found))
            return web.Response(status=503, text="\n".join(found) + "\n")
        checked = ", ".join(["database", *(adapter.platform for adapter in self.adapters)])
        return web.Response(text=f"ok: {checked}\n")


def operator_routes(runtime: Runtime, adapters: Sequence[Connected]) -> list[web.RouteDef]:
    """Return the /healthz and /metrics routes, for the shared web server."""
    health = Health(runtime, adapters)
    return [web.get("/healthz", health.serve), web.get("/metrics", runtime.metrics.serve)]


def shared_server(settings: Settings) -> WebServer | None:
    """Return one server for HTTP_LISTEN and the Telegram webhook when both name one address."""
    if not (settings.http_listen and settings.telegram_webhook_url):
        return None
    operator = parse_listen(settings.http_listen, setting=HTTP_LISTEN)
    webhook = parse_listen(settings.telegram_webhook_listen, setting="TELEGRAM_WEBHOOK_LISTEN")
    return WebServer(*operator) if operator == webhook else None


async def serve_operator(
    settings: Settings, runtime: Runtime, adapters: Sequence[Connected],
    server: WebServer | None = None,
) -> WebServer | None:
    """Serve /healthz and /metrics on HTTP_LISTEN, if it is set; raise CannotListen if it can't.

    `server` is the one shared with the webhook (see `shared_server`), its route added already.
    """
    if not settings.http_listen:
        return None
    server = server or WebServer(*parse_listen(settings.http_listen, setting=HTTP_LISTEN))
    server.add_routes(operator_routes(runtime, adapters))
    try:
        await server.start()
    except OSError as exc:
        await server.stop()
        raise CannotListen(f"cannot serve {HTTP_LISTEN}={settings.http_listen}: "
                           f"{plain(exc)}") from None
    return server
