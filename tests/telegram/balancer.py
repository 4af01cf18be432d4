"""A tiny load balancer for the multi-process tests: round-robin, and each update sent to both."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from tests.postgres_server import free_port
from tests.telegram.webhooks import SECRET_HEADER

FORWARDED = ("Content-Type", SECRET_HEADER)


class RoundRobin:
    """A tiny load balancer: each request to the next backend, then again to the other one."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.routed: list[tuple[int, int, int]] = []  # (update_id, backend, status)
        self.echoes: list[tuple[int, int, int]] = []  # the same update, sent to the other one
        self._turn = itertools.cycle(range(len(backends)))
        self._session: aiohttp.ClientSession | None = None

    async def forward(self, backend: int, path: str, body: bytes, headers: dict[str, str]) -> int:
        assert self._session is not None
        try:
            async with self._session.post(self.backends[backend] + path, data=body,
                                          headers=headers) as answer:
                return answer.status
        except aiohttp.ClientError:
            return 502

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
        update_id = json.loads(body).get("update_id", 0)
        first = next(self._turn)
        status = await self.forward(first, request.path, body, headers)
        self.routed.append((update_id, first, status))
        if status == 200:
            other = (first + 1) % len(self.backends)
            echo = await self.forward(other, request.path, body, headers)
            self.echoes.append((update_id, other, echo))
        return web.Response(status=status)

    @property
    def session_open(self) -> aiohttp.ClientSession:
        self._session = self._session or aiohttp.ClientSession()
        return self._session


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[RoundRobin, int, list[int]]]:
    ports = [free_port(), free_port()]
    balancer = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    app = web.Application()
    app.router.add_post("/{path:.*}", balancer.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    async with balancer.session_open:
        yield balancer, runner.addresses[0][1], ports
    await runner.cleanup()
