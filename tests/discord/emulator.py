"""A loopback emulator of Discord's REST API and gateway, driven by the real discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import web

from tests.discord import payloads as p
from tests.discord.contract import checked_against_spec
from tests.discord.gateway import Gateway, Session, guild_id_on, shard_of
from tests.discord.media import Refused, Upload, resolve
from tests.discord.payloads import EPHEMERAL, JSON, LOADING
from tests.specs.violations import Violations

__all__ = ["EPHEMERAL", "LOADING", "Call", "DiscordEmulator"]

API_PREFIX = "/api/v10"
MESSAGE_CONTENT_INTENT = 1 << 15
Reply = tuple[int, Any]
Handler = Callable[[dict[str, str], "Call"], Awaitable[Reply]]
_MSG = r"/messages/(?P<mid>@original|\d+)"


@dataclass
class Call:
    """One HTTP request the emulator received, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    status: int = 0
    files: list[Upload] = field(default_factory=list)


@dataclass
class _Rule:
    method: str
    path_contains: str
    times: int
    status: int
    body: JSON
    headers: dict[str, str]


@dataclass
class _Interaction:
    payload: JSON
    channel_id: int
    original_id: int | None = None
    responses: list[JSON] = field(default_factory=list)


class DiscordEmulator:
    """Serve Discord's REST API under /api/v10 and a gateway at /gateway on 127.0.0.1.

    `async with DiscordEmulator() as emu:` starts it and points discord.py at it (restored on
    exit). It has one guild (`guild_id`) with one text channel (`channel_id`); `add_guild` adds
    more, on a chosen shard. GET /gateway/bot recommends `recommended_shards` shards.
    """

    def __init__(self, *, token: str = "emulator-token", bot_name: str = "HeroCoach") -> None:
        self.token = token
        self.app_id = p.snowflake()
        self.bot_user = p.user(self.app_id, bot_name, bot=True)
        self.guild_id = p.snowflake()
        self.channel_id = p.snowflake()
        self.channels = {self.channel_id: p.text_channel(self.channel_id, self.guild_id)}
        self.guilds: dict[int, str] = {self.guild_id: "HeroCoach Test Guild"}
        self.recommended_shards = 1
        self.users: dict[int, JSON] = {}
        self.commands: dict[int | None, list[JSON]] = {}
        self.messages: dict[int, list[JSON]] = {}
        self.port = 0
        self.violations = Violations("Discord")
        self._calls: list[Call] = []
        self._rules: list[_Rule] = []
        self._blocked_users: set[int] = set()
        self._dm_by_user: dict[int, int] = {}
        self._interactions: dict[str, _Interaction] = {}
        self._changed = asyncio.Event()
        self.gateway = Gateway(token=token, url=lambda: self.gateway_url, ready=self._ready_frames,
                               changed=self._changed)
        self._runner: web.AppRunner | None = None
        self._saved_hooks: tuple[str, yarl.URL] | None = None
        wh = r"/webhooks/\d+/(?P<tok>[^/]+)"
        cmds = r"/applications/\d+(/guilds/(?P<gid>\d+))?/commands"
        msg = r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)"
        routes: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/users/(?P<uid>\d+)", self._get_user),
            ("GET", r"/oauth2/applications/@me", self._get_app),
            ("GET", r"/gateway(/bot)?", self._get_gateway),
            ("GET", cmds, self._get_cmds),
            ("PUT", cmds, self._put_cmds),
            ("POST", r"/interactions/\d+/(?P<tok>[^/]+)/callback", self._callback),
            ("POST", wh, self._followup),
            *[(m, wh + _MSG, self._webhook_msg) for m in ("GET", "PATCH", "DELETE")],
            ("POST", r"/users/@me/channels", self._open_dm),
            ("GET", r"/channels/(?P<cid>\d+)", self._get_channel),
            ("POST", r"/channels/(?P<cid>\d+)/typing", self._typing),
            ("POST", r"/channels/(?P<cid>\d+)/messages", self._post_message),
            *[(m, msg, self._channel_msg) for m in ("GET", "PATCH", "DELETE")],
        ]
        self._routes = [(m, re.compile(rx), h) for m, rx, h in routes]

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Return the REST base URL (what discord.http.Route.BASE should be)."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Return the gateway websocket URL."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self, port: int = 0) -> None:
        """Listen on a loopback port (a free one by default)."""
        # Room for uploads over the platforms' limits, so the limits are what refuses them.
        app = web.Application(
            client_max_size=64 * 1024 * 1024,
            middlewares=[checked_against_spec(self.violations, API_PREFIX)],
        )
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the gateway socket and the server (close the client first)."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.violations.assert_none()

    def hook_discord(self) -> None:
        """Point discord.py's REST base and default gateway at this emulator."""
        gateway = discord.gateway.DiscordWebSocket
        self._saved_hooks = (discord.http.Route.BASE, gateway.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.base_url
        gateway.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    def unhook_discord(self) -> None:
        """Restore what hook_discord changed."""
        if self._saved_hooks is not None:
            base, gateway = self._saved_hooks
            discord.http.Route.BASE = base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
            self._saved_hooks = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        self.hook_discord()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.unhook_discord()
        await self.stop()

    # -- what tests read ----------------------------------------------------------------------

    def calls(
        self, *, method: str | None = None, path_contains: str = "", status: int | None = None
    ) -> list[Call]:
        """Return recorded calls matching the filters, oldest first."""
        return [
            c
            for c in self._calls
            if method in (None, c.method)
            and path_contains in c.path
            and status in (None, c.status)
        ]

    def interaction_responses(self, interaction_id: int | str) -> list[JSON]:
        """Return the callback bodies the bot posted for an interaction."""
        found = [r for r in self._interactions.values() if r.payload["id"] == str(interaction_id)]
        return found[0].responses if found else []

    def interaction_response(self, interaction_id: int | str) -> JSON | None:
        """Return the last callback body the bot posted for an interaction, if any."""
        return next(reversed(self.interaction_responses(interaction_id)), None)

    def channel_messages(self, channel_id: int | str) -> list[JSON]:
        """Return the messages in a channel (the bot's and dispatched ones), oldest first."""
        return self.messages.get(int(channel_id), [])

    def find_message(self, message_id: int | str) -> JSON | None:
        """Return a stored message by id."""
        found = (m for ms in self.messages.values() for m in ms if m["id"] == str(message_id))
        return next(found, None)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5) -> Any:  # noqa: ASYNC109
        """Wait until predicate() is truthy and return its value.

        It is re-checked on every request or gateway frame, and every 20 ms for client state.
        """
        async with asyncio.timeout(timeout):
            while not (result := predicate()):
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.02)
        return result

    # -- scenarios ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_contains: str,
        status: int,
        body: JSON,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` matching requests with this status and JSON body."""
        self._rules.append(_Rule(method, path_contains, times, status, body, headers or {}))

    def rate_limit_next(
        self, method: str, path_contains: str, *, times: int = 1, retry_after: float = 0.3
    ) -> None:
        """Answer the next `times` matching requests with Discord's 429 (with a Via header)."""
        body, headers = p.rate_limited(retry_after)
        self.fail_next(method, path_contains, 429, body, times=times, headers=headers)

    def block_dms_from(self, user_id: int) -> None:
        """Make messages to this user's DM channel fail with 403 code 50007."""
        self._blocked_users.add(int(user_id))

    def unblock_dms_from(self, user_id: int) -> None:
        """Let messages to this user's DM channel through again."""
        self._blocked_users.discard(int(user_id))

    # -- gateway ------------------------------------------------------------------------------

    @property
    def identify(self) -> JSON | None:
        """Return the last IDENTIFY payload."""
        return self.gateway.identify

    @property
    def received_frames(self) -> list[JSON]:
        """Return every gateway frame clients sent, oldest first."""
        return self.gateway.received_frames

    @property
    def sent_frames(self) -> list[JSON]:
        """Return every gateway frame sent to clients, oldest first."""
        return self.gateway.sent_frames

    @property
    def gateway_queries(self) -> list[dict[str, str]]:
        """Return the query of each gateway connection."""
        return self.gateway.queries

    @property
    def connected(self) -> bool:
        """Return whether a client holds an open gateway connection."""
        return self.gateway.connected

    async def wait_ready(self, timeout: float = 5, *, shard: int | None = None) -> None:  # noqa: ASYNC109
        """Wait until a client (on this shard, if given) has identified or resumed and is ready."""
        await self.gateway.wait_ready(timeout, shard=shard)

    async def dispatch(self, event: str, data: JSON) -> list[Session]:
        """Send a DISPATCH (op 0) event to the session of its guild's shard, once it is ready."""
        return await self.gateway.dispatch(event, data)

    async def request_reconnect(self) -> None:
        """Ask the clients to reconnect and RESUME (op 7)."""
        await self.gateway.request_reconnect()

    def add_guild(self, *, shard: int = 0, num_shards: int = 1) -> tuple[int, int]:
        """Add a guild whose events go to this shard, with one text channel; return both ids."""
        guild_id = guild_id_on(shard, num_shards)
        channel_id = p.snowflake()
        self.guilds[guild_id] = f"Guild on shard {shard}"
        self.channels[channel_id] = p.text_channel(channel_id, guild_id)
        return guild_id, channel_id

    def _ready_frames(self, session: Session) -> list[JSON]:
        """READY and a GUILD_CREATE for each guild on the session's shard."""
        shard_id, count = session.shard
        mine = [g for g in self.guilds if shard_of(g, count) == shard_id]
        app = p.application(self.app_id, self.bot_user)
        ready = p.ready(self.bot_user, mine, session.session_id, self.gateway_url, app)
        ready.update({"shard": list(session.identify["shard"])} if "shard" in session.identify else {})
        frames = [{"op": 0, "t": "READY", "d": ready}]
        for guild_id in mine:
            channels = [c for c in self.channels.values() if c.get("guild_id") == str(guild_id)]
            guild = p.guild(guild_id, self.guilds[guild_id], channels, owner_id=1)
            frames.append({"op": 0, "t": "GUILD_CREATE", "d": guild})
        return frames

    # -- inbound events for the bot -------------------------------------------------------------

    def user(self, user_id: int, name: str | None = None) -> JSON:
        """Return (creating on first use) the user object for an id."""
        return self.users.setdefault(user_id, p.user(user_id, name or f"user{user_id}"))

    def dm_channel_id(self, user_id: int) -> int:
        """Return the DM channel id for a user, creating it without an API call."""
        if user_id not in self._dm_by_user:
            channel_id = self._dm_by_user[user_id] = p.snowflake()
            self.channels[channel_id] = p.dm_channel(channel_id, self.user(user_id))
        return self._dm_by_user[user_id]

    async def dispatch_interaction(
        self,
        interaction_type: int,
        data: JSON,
        *,
        user_id: int,
        in_guild: bool = True,
        message_id: int | str | None = None,
        channel_id: int | None = None,
    ) -> JSON:
        """Send INTERACTION_CREATE from a user: in a guild channel, in their DM, or on a message."""
        channel_id = (channel_id or self.channel_id) if in_guild else self.dm_channel_id(user_id)
        message = None
        if message_id is not None:
            message = self.find_message(message_id) or p.message(
                channel_id=channel_id, author=self.bot_user, message_id=int(message_id)
            )
            channel_id = int(message["channel_id"])
        channel = self.channels[channel_id]
        payload = p.interaction(
            interaction_type=interaction_type,
            data=data,
            app_id=self.app_id,
            user_obj=self.user(user_id),
            channel=channel,
            guild_id=int(channel["guild_id"]) if "guild_id" in channel else None,
            message_obj=message,
        )
        self._interactions[payload["token"]] = _Interaction(payload, channel_id)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def slash(
        self, name: str, options: JSON | None = None, *, user_id: int, in_guild: bool = True,
        channel_id: int | None = None,
    ) -> JSON:
        """Invoke a slash command (interaction type 2) as a user, in a guild channel or their DM."""
        data = p.command_data(self.commands, name, options or {}, None)
        return await self.dispatch_interaction(2, data, user_id=user_id, in_guild=in_guild,
                                               channel_id=channel_id)

    async def autocomplete(
        self, name: str, options: JSON, focused: str, *, user_id: int, in_guild: bool = True
    ) -> JSON:
        """Ask for autocomplete choices (interaction type 4) while `focused` is being typed."""
        data = p.command_data(self.commands, name, options, focused)
        return await self.dispatch_interaction(4, data, user_id=user_id, in_guild=in_guild)

    async def click(self, custom_id: str, *, message_id: int | str, user_id: int) -> JSON:
        """Click a button (type 3, component_type 2) on a message."""
        data = {"custom_id": custom_id, "component_type": p.BUTTON}
        return await self.dispatch_interaction(3, data, user_id=user_id, message_id=message_id)

    async def dispatch_message(
        self,
        content: str,
        *,
        user_id: int,
        in_guild: bool = False,
        reply_to: int | str | None = None,
        mention_bot: bool | None = None,
        channel_id: int | None = None,
    ) -> JSON:
        """Send MESSAGE_CREATE from a user: a DM, a guild message, or a reply to a message.

        Like Discord, the bot sees empty content unless it is a DM, the bot is mentioned (a reply
        to the bot mentions it unless mention_bot=False) or it identified with message_content.
        """
        channel_id = (channel_id or self.channel_id) if in_guild else self.dm_channel_id(user_id)
        guild_id = int(self.channels[channel_id]["guild_id"]) if in_guild else None
        extra: JSON = {}
        if reply_to is not None:
            referenced = self.find_message(reply_to)
            if referenced is None:
                raise KeyError(f"no message {reply_to} to reply to")
            extra = p.reply_fields(referenced, channel_id, guild_id)
            if mention_bot is None:
                mention_bot = referenced["author"]["id"] == self.bot_user["id"]
        extra["mentions"] = [self.bot_user] if mention_bot else []
        author = self.user(user_id)
        message = p.message(
            channel_id=channel_id, author=author, content=content, guild_id=guild_id, extra=extra
        )
        self.messages.setdefault(channel_id, []).append(message)
        intents = int((self.identify or {}).get("intents", 0))
        visible = not in_guild or mention_bot or intents & MESSAGE_CONTENT_INTENT
        event = dict(message, content=content if visible else "")
        if in_guild:
            event["member"] = {k: v for k, v in p.member(author).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", event)
        return message

    # -- REST -----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        files: list[Upload] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form.get("payload_json") or "null"))
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files.append(Upload(key, value.filename, value.file.read()))
        else:
            raw = await request.text()
            body = json.loads(raw) if raw and request.content_type == "application/json" else None
        call = Call(
            method=request.method,
            path=request.path.removeprefix(API_PREFIX),
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=files,
        )
        self._calls.append(call)
        call.status, body, extra_headers = await self._answer(call, request.path)
        self._changed.set()
        if call.status == 204:
            return web.Response(status=204)
        # Exactly "application/json": discord.py only decodes bodies with this literal type.
        headers = {
            "Content-Type": "application/json",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset-After": "1.0",
            **extra_headers,
        }
        return web.Response(status=call.status, body=json.dumps(body).encode(), headers=headers)

    def _with_media(self, call: Call) -> None:
        """Check embeds and attachments, and resolve uploads as Discord stores them."""
        if call.method not in ("POST", "PATCH") or not isinstance(call.json, dict):
            return
        channel = re.search(r"/channels/(\d+)/", call.path)
        channel_id = int(channel.group(1)) if channel else self.channel_id
        body = call.json.get("data") if call.path.endswith("/callback") else call.json
        if not isinstance(body, dict):
            return
        resolved = resolve(body, call.files, channel_id)
        if body is call.json:
            call.json = resolved
        else:
            call.json = {**call.json, "data": resolved}

    async def _answer(self, call: Call, full_path: str) -> tuple[int, Any, dict[str, str]]:
        try:
            self._with_media(call)
        except Refused as refused:
            return refused.status, refused.body, {}
        for rule in self._rules:
            if rule.times > 0 and rule.method == call.method and rule.path_contains in call.path:
                rule.times -= 1
                return rule.status, rule.body, rule.headers
        routes = self._routes if full_path.startswith(API_PREFIX) else []
        for method, pattern, handler in routes:
            match = pattern.fullmatch(call.path)
            if method == call.method and match:
                token_routes = ("/interactions/", "/webhooks/")
                authorized = call.headers.get("Authorization") == f"Bot {self.token}"
                if not authorized and not call.path.startswith(token_routes):
                    return 401, {"message": "401: Unauthorized", "code": 0}, {}
                status, body = await handler(match.groupdict(), call)
                return status, body, {}
        return 404, {"message": "404: Not Found", "code": 0}, {}

    async def _get_me(self, _: dict[str, str], __: Call) -> Reply:
        return 200, {**self.bot_user, "verified": True, "mfa_enabled": False}

    async def _get_user(self, m: dict[str, str], _: Call) -> Reply:
        return 200, self.user(int(m["uid"]))

    async def _get_app(self, _: dict[str, str], __: Call) -> Reply:
        return 200, p.application(self.app_id, self.bot_user)

    async def _get_gateway(self, _: dict[str, str], __: Call) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": self.recommended_shards,
                     "session_start_limit": limit}

    async def _get_cmds(self, m: dict[str, str], _: Call) -> Reply:
        return 200, self.commands.get(int(m["gid"]) if m["gid"] else None, [])

    async def _put_cmds(self, m: dict[str, str], call: Call) -> Reply:
        guild_id = int(m["gid"]) if m["gid"] else None
        old_ids = {c["name"]: c["id"] for c in self.commands.get(guild_id, [])}
        stored = []
        for cmd in call.json or []:
            entry = {"type": 1, **cmd, "id": old_ids.get(cmd["name"], str(p.snowflake()))}
            entry.update(application_id=str(self.app_id), version=str(p.snowflake()))
            entry.update({"guild_id": str(guild_id)} if guild_id else {})
            stored.append(entry)
        self.commands[guild_id] = stored
        return 200, stored

    def _new_message(self, channel_id: int, body: JSON | None, **extra: Any) -> JSON:
        guild_id = self.channels.get(channel_id, {}).get("guild_id")
        fields = {**p.message_fields(body), **extra}
        msg = p.message(
            channel_id=channel_id, author=self.bot_user, guild_id=guild_id and int(guild_id)
        )
        msg.update(fields)
        self.messages.setdefault(channel_id, []).append(msg)
        return msg

    def _interaction_message(self, record: _Interaction, body: JSON | None) -> JSON:
        payload = record.payload
        return self._new_message(
            record.channel_id,
            body,
            webhook_id=str(self.app_id),
            application_id=str(self.app_id),
            interaction_metadata={
                "id": payload["id"],
                "type": payload["type"],
                "user": p.invoker(payload),
            },
            type=20 if payload["type"] == 2 else 0,
        )

    async def _callback(self, m: dict[str, str], call: Call) -> Reply:
        record = self._interactions.get(m["tok"])
        if record is None:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if record.responses:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        body = call.json or {}
        record.responses.append(body)
        kind, data = body.get("type"), body.get("data") or {}
        message: JSON | None = None
        if kind == 4:
            message = self._interaction_message(record, data)
        elif kind == 5:
            flags = int(data.get("flags") or 0) | LOADING
            message = self._interaction_message(record, {"flags": flags})
        elif kind in (6, 7):
            message = self.find_message(record.payload.get("message", {}).get("id", 0))
            if message is None:
                return 400, {"message": "Invalid Form Body", "code": 50035}
            if kind == 7:
                message.update(p.message_fields(data), edited_timestamp=p.now_iso())
        if message is not None:
            record.original_id = int(message["id"])
        return 200, p.callback_result(record.payload, kind, message)

    async def _followup(self, m: dict[str, str], call: Call) -> Reply:
        record = self._interactions.get(m["tok"])
        if record is None:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        msg = self._interaction_message(record, call.json)
        return (200, msg) if call.query.get("wait") in ("1", "true", "True") else (204, None)

    async def _webhook_msg(self, m: dict[str, str], call: Call) -> Reply:
        record = self._interactions.get(m["tok"])
        target = record and (record.original_id if m["mid"] == "@original" else m["mid"])
        message = self.find_message(target) if target else None
        if message is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        return self._message_op(message, call)

    def _message_op(self, message: JSON, call: Call) -> Reply:
        if call.method == "PATCH":
            message.update(p.message_fields(call.json), edited_timestamp=p.now_iso())
            message["flags"] = int(message["flags"]) & ~LOADING
        elif call.method == "DELETE":
            self.messages[int(message["channel_id"])].remove(message)
            return 204, None
        return 200, message

    async def _open_dm(self, _: dict[str, str], call: Call) -> Reply:
        user_id = int((call.json or {})["recipient_id"])
        return 200, self.channels[self.dm_channel_id(user_id)]

    async def _get_channel(self, m: dict[str, str], _: Call) -> Reply:
        channel = self.channels.get(int(m["cid"]))
        return (200, channel) if channel else (404, {"message": "Unknown Channel", "code": 10003})

    async def _typing(self, _: dict[str, str], __: Call) -> Reply:
        return 204, None

    async def _post_message(self, m: dict[str, str], call: Call) -> Reply:
        channel_id = int(m["cid"])
        channel = self.channels.get(channel_id)
        if channel is None:
            return 404, {"message": "Unknown Channel", "code": 10003}
        if {int(u["id"]) for u in channel.get("recipients", [])} & self._blocked_users:
            return 403, {"message": "Cannot send messages to this user", "code": 50007}
        reference = (call.json or {}).get("message_reference")
        referenced = reference and self.find_message(reference["message_id"])
        guild_id = int(channel["guild_id"]) if "guild_id" in channel else None
        extra = p.reply_fields(referenced, channel_id, guild_id) if referenced else {}
        return 200, self._new_message(channel_id, call.json, **extra)

    async def _channel_msg(self, m: dict[str, str], call: Call) -> Reply:
        message = self.find_message(m["mid"])
        if message is None or message["channel_id"] != m["cid"]:
            return 404, {"message": "Unknown Message", "code": 10008}
        return self._message_op(message, call)
