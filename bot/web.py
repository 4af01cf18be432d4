"""One small aiohttp server for the operator's endpoints: the Telegram webhook, /healthz, /metrics.

Each part adds its routes; the server binds once, to `host:port`, so a webhook and the health
checks share a port when they are configured to the same address.
"""

from __future__ import annotations

import logging

from aiohttp import web

log = logging.getLogger(__name__)


def parse_listen(value: str, *, setting: str) -> tuple[str, int]:
    """Split `host:port` (IPv6 in brackets), or raise ValueError naming the setting."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{setting} must look like 0.0.0.0:8080 (host:port), not {value!r}")
    return host, int(port)


class WebServer:
    """Collect routes from the parts that need HTTP, then serve them on one address."""

    def __init__(self, host: str, port: int, *, client_max_size: int = 1024**2) -> None:
        self.host, self.port = host, port
        self.app = web.Application(client_max_size=client_max_size)
        self._runner: web.AppRunner | None = None

    def add_routes(self, routes: list[web.RouteDef]) -> None:
        """Add routes before `start`."""
        self.app.add_routes(routes)

    async def start(self) -> None:
        """Bind and serve; raise OSError when the address is taken."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("serving HTTP on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop accepting and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
