"""The Discord emulator's gateway: sessions per shard, each sent only its own guilds' events.

As Discord documents it (Gateway > Sharding): a client IDENTIFYs with `shard: [shard_id,
num_shards]` (none means [0, 1]); a guild's events go to the shard `(guild_id >> 22) %
num_shards`, and DMs to shard 0; READY lists only that shard's guilds. A shard id not below
the count is closed with 4010 (Invalid shard). RESUME reattaches a new socket to its session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from tests.discord import payloads as p
from tests.discord.payloads import JSON

INVALID_SHARD = 4010


def shard_of(guild_id: int | None, num_shards: int) -> int:
    """Return the shard a guild's events go to; DMs (no guild) go to shard 0."""
    return 0 if guild_id is None else (guild_id >> 22) % num_shards


def guild_id_on(shard_id: int, num_shards: int) -> int:
    """Return a fresh snowflake whose guild lands on this shard."""
    high = (p.snowflake() >> 22) + 1
    high += (shard_id - high) % num_shards
    return (high << 22) | p.snowflake() & ((1 << 22) - 1)


@dataclass
class Session:
    """One gateway session: a shard, its sequence, and the socket it is on now."""

    session_id: str
    shard: tuple[int, int]
    identify: JSON
    ws: web.WebSocketResponse
    seq: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def open(self) -> bool:
        """Return whether the session's socket is open."""
        return not self.ws.closed


class Gateway:
    """Serve the gateway websocket for any number of shard sessions at once."""

    def __init__(self, *, token: str, url: Callable[[], str], ready: Callable[[Session], list[JSON]],
                 changed: asyncio.Event) -> None:
        self.token = token
        self._url = url
        self._ready_frames = ready
        self._changed = changed
        self.sessions: list[Session] = []
        self.received_frames: list[JSON] = []
        self.sent_frames: list[JSON] = []
        self.queries: list[dict[str, str]] = []
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def identify(self) -> JSON | None:
        """Return the last IDENTIFY payload."""
        return self.sessions[-1].identify if self.sessions else None

    @property
    def connected(self) -> bool:
        """Return whether any client holds an open gateway connection."""
        return any(not ws.closed for ws in self._sockets)

    def live(self) -> list[Session]:
        """Return the sessions whose socket is open, oldest first."""
        return [s for s in self.sessions if s.open]

    async def _until(self, predicate: Callable[[], list[Session]], timeout: float) -> list[Session]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not (found := predicate()):
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.02)
        return found

    async def wait_ready(self, timeout: float = 5, *, shard: int | None = None) -> None:  # noqa: ASYNC109
        """Wait until a session (of this shard, if given) has been sent READY or RESUMED."""
        await self._until(lambda: self._ready_for(shard), timeout)

    def _ready_for(self, shard: int | None, guild_id: int | None = None) -> list[Session]:
        return [
            s for s in self.sessions if s.ready.is_set() and s.open
            and (shard is None or s.shard[0] == shard)
            and (guild_id is None or shard_of(guild_id, s.shard[1]) == s.shard[0])
        ]

    async def dispatch(self, event: str, data: JSON) -> list[Session]:
        """Send a DISPATCH to the sessions of the shard its guild is on (DMs: shard 0)."""
        guild = int(data["guild_id"]) if str(data.get("guild_id") or "").isdigit() else None
        targets = await self._until(lambda: self._ready_for(0 if guild is None else None, guild), 5)
        for session in targets:
            await self.send(session, {"op": 0, "t": event, "d": data})
        return targets

    async def request_reconnect(self) -> None:
        """Ask every live session to reconnect and RESUME (op 7)."""
        for session in self.live():
            session.ready.clear()
            await self.send(session, {"op": 7, "d": None})

    async def close(self) -> None:
        """Close every socket (going away)."""
        for ws in list(self._sockets):
            await ws.close(code=1001)

    async def send(self, session: Session, frame: JSON) -> None:
        """Send one frame on a session's socket, numbering dispatches."""
        if frame["op"] == 0:
            session.seq += 1
            frame["s"] = session.seq
        await self._send_raw(session.ws, frame)

    async def _send_raw(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        self.sent_frames.append(frame)
        await ws.send_str(json.dumps(frame))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one websocket connection until the client closes it."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.queries.append(dict(request.query))
        self._sockets.add(ws)
        await self._send_raw(ws, {"op": 10, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    break
                frame = json.loads(msg.data)
                self.received_frames.append(frame)
                self._changed.set()
                await self._on_frame(ws, frame.get("op"), frame.get("d") or {})
        finally:
            self._sockets.discard(ws)
            for session in self.sessions:
                if session.ws is ws:
                    session.ready.clear()
            self._changed.set()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, op: int, data: JSON) -> None:
        if op == 1:
            await self._send_raw(ws, {"op": 11})
        elif op in (2, 6) and data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
        elif op == 2:
            shard_id, count = data.get("shard") or (0, 1)
            if not 0 <= shard_id < count:
                await ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
                return
            session = Session(f"session-{p.snowflake()}", (shard_id, count), data, ws)
            self.sessions.append(session)
            for frame in self._ready_frames(session):
                await self.send(session, frame)
            session.ready.set()
        elif op == 6:
            found = [s for s in self.sessions if s.session_id == data.get("session_id")]
            if not found:
                await self._send_raw(ws, {"op": 9, "d": False})
                return
            found[0].ws = ws
            await self.send(found[0], {"op": 0, "t": "RESUMED", "d": {}})
            found[0].ready.set()
        self._changed.set()
