"""Run the core on Discord: slash commands and buttons in, replies and DMs out.

With DISCORD_SHARD_COUNT set, the process runs the shards DISCORD_SHARD_IDS names (all of them
if unset); several processes together run every shard. Only the process with shard 0 (or an
unsharded one) syncs the slash commands, so they are PUT once, not once per process; Discord
sends every DM to shard 0 too, so that process is always running in a working deployment.
DM channels and closed DMs are in the database (`direct.py`), shared by all processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import aiohttp
import discord
from aiolimiter import AsyncLimiter

from bot.adapters.base import BadToken
from bot.adapters.discord.client import build_client
from bot.adapters.discord.commands import sync_if_changed
from bot.adapters.discord.direct import DirectMessages
from bot.adapters.discord.endpoints import use_endpoints
from bot.adapters.discord.health import GatewayWatch
from bot.adapters.discord.interactions import DEFER_AFTER, Answer
from bot.adapters.discord.pictures import Pictures
from bot.adapters.discord.views import IdleSessions, buttons, chunks, from_discord, to_discord
from bot.app import Runtime
from bot.config import Settings
from bot.core.events import (
    ButtonPress,
    Command,
    DeliveryResult,
    DeliveryStatus,
    Identity,
    Image,
    InboundEvent,
    Origin,
    Outbound,
    Reply,
    ReplyToBot,
    Text,
)

log = logging.getLogger(__name__)

PLATFORM = "discord"
DMS_CLOSED = 50007
TOKEN_REFUSED = 4004
RECONNECT_PAUSE = 0.2
DM_RATE = 45
OPEN_DMS_HINT = (
    "I couldn't send you a direct message, so reminders and answers can't reach you. "
    "To fix it: right-click this server's icon (or tap its name), open Privacy Settings and "
    "turn on Direct Messages. Then type /resume."
)
MENTION_HINT = (
    "I can only read replies that mention me. Keep the @mention switched on when you reply, "
    "or ask with /ask."
)
# Long enough for a slow step, short of the 15-minute life of the token that edits the message.
IDLE_TIMEOUT = 10 * 60.0
READY_TIMEOUT = 30.0


def _is_dm(channel: object) -> bool:
    return getattr(channel, "type", None) is discord.ChannelType.private


class DiscordAdapter:
    """The Discord side of the bot: holds the core by composition and delivers its DMs."""

    platform = PLATFORM

    def __init__(
        self, runtime: Runtime, settings: Settings, *, guild_ready_timeout: float = 2.0
    ) -> None:
        if settings.discord_bot_token is None:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        self.runtime = runtime
        self.core = runtime.core
        self._token = settings.discord_bot_token.get_secret_value()
        self._api_base = settings.discord_api_base_url
        self._gateway = settings.discord_gateway_url
        self.guild_id = settings.discord_guild_id
        self.shards = settings.discord_shards()
        # Shard 0's process syncs: one PUT however many processes start, with no lock to take.
        self.syncs_commands = self.shards is None or 0 in self.shards[1]
        self._guild_ready_timeout = guild_ready_timeout
        self.client = self._new_client()
        self._gateway_watch = GatewayWatch()
        self.sessions = IdleSessions(IDLE_TIMEOUT)
        self.pictures = Pictures(runtime.store.uploads, runtime.core.clock)
        self.direct = DirectMessages(runtime.store.private_chats, runtime.core.clock)
        self.defer_after = DEFER_AFTER
        self.commands_synced: bool | None = None
        self._connection: asyncio.Task[None] | None = None
        self._stopping = False
        # discord.py waits out 429s itself (the one owner of retries); this keeps a sweep's
        # burst of DMs under the 50 requests/s global limit so they are rarely needed.
        self._dm_pace = AsyncLimiter(DM_RATE, 1)

    # -- lifecycle ------------------------------------------------------------------------------

    def _new_client(self) -> discord.Client:
        return build_client(self, self.core.features, self.guild_id, self.shards,
                            guild_ready_timeout=self._guild_ready_timeout,
                            http_trace=self.runtime.metrics.trace_429s(PLATFORM))

    async def _log_in(self) -> None:
        use_endpoints(self._api_base, self._gateway)
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            raise BadToken("Discord refused the bot token; check DISCORD_BOT_TOKEN") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise BadToken(f"cannot reach the Discord API at {self._api_base}: {exc}") from None

    async def start(self) -> None:
        """Log in, sync the slash commands if they changed (shard 0's process), and connect."""
        try:
            await self._log_in()
        except BadToken:
            await self.stop()
            raise
        if self.syncs_commands:
            try:
                self.commands_synced = await sync_if_changed(self.client.tree, self.guild_id)  # type: ignore[attr-defined]
            except discord.HTTPException as exc:
                log.error("could not sync slash commands (%s); was the bot invited with the "
                          "applications.commands scope?", exc)
        else:
            log.info("slash commands are left to the process that runs shard 0")
        self._connection = asyncio.create_task(self._stay_connected(), name="discord-gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        await asyncio.wait({self._connection, ready}, timeout=READY_TIMEOUT,
                           return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._connection.done():
            error = self._connection.exception()
            await self.stop()
            if isinstance(error, discord.ConnectionClosed) and error.code == TOKEN_REFUSED:
                raise BadToken("Discord refused the bot token; check DISCORD_BOT_TOKEN")
            if error is not None:
                raise error
        elif not self.client.is_ready():
            log.warning("still connecting to the Discord gateway; carrying on")

    async def _stay_connected(self) -> None:
        """Hold the gateway connection; an event discord.py can't read costs a reconnect, not the bot.

        discord.py lets a parser's error end `connect()` for good, so one malformed event (or an
        interaction with fields it doesn't expect) would leave the bot deaf. Here the event is
        logged without its content and the client connects afresh, past it. (discord.py offers
        no public RESUME, so events sent during that second are not seen again.)
        """
        while True:
            try:
                await self.client.connect()
                return
            except (discord.DiscordException, OSError, aiohttp.ClientError):
                raise
            except Exception as exc:
                if self.client.is_closed() and not self._closed_by_shards():
                    return
                log.warning("skipped a Discord event that could not be read (%s); reconnecting",
                            type(exc).__name__)
                log.debug("the unreadable Discord event", exc_info=exc)
                if self._closed_by_shards():
                    # A sharded client closes itself on such an event: log in afresh.
                    self.client = self._new_client()
                    await asyncio.sleep(RECONNECT_PAUSE)
                    await self._log_in()
                    continue
                if self.client.ws is not None:
                    await self.client.ws.close(code=4000)
                await asyncio.sleep(RECONNECT_PAUSE)

    def health(self) -> str | None:
        """Return None while the gateway is connected, else why not, in plain words."""
        return self._gateway_watch.problem(self.client)

    def _closed_by_shards(self) -> bool:
        """Return whether a sharded client closed itself (not our stop)."""
        return self.shards is not None and self.client.is_closed() and not self._stopping

    async def failed(self) -> BadToken:
        """Return once Discord refuses the token (4004) while running, or a new login fails."""
        never: asyncio.Future[BadToken] = asyncio.get_running_loop().create_future()
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(connection)
            error = connection.exception() if connection.done() else None
            if isinstance(error, discord.ConnectionClosed) and error.code == TOKEN_REFUSED:
                return BadToken("Discord refused the bot token; check DISCORD_BOT_TOKEN")
            if isinstance(error, BadToken):  # a sharded client could not log in again
                return error
        return await never  # closed on purpose: the stop path is running

    async def quiesce(self, grace: float) -> None:
        """Nothing to hold back: Discord redelivers no event, so events still arriving are answered."""

    async def stop(self) -> None:
        """Close the gateway connection and the HTTP session."""
        self._stopping = True
        self.sessions.close()
        await self.client.close()
        if self._connection is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._connection
            self._connection = None

    # -- the edge: discord objects to neutral ones ----------------------------------------------

    async def _origin(self, user: discord.abc.User, channel: object, channel_id: int | None,
                      message_id: int | None) -> Origin:
        private = _is_dm(channel)
        if private and channel_id is not None:
            await self.direct.heard_from(user.id, channel_id)
        return Origin(
            identity=Identity(PLATFORM, str(user.id)), chat_id=str(channel_id or ""),
            message_id=str(message_id) if message_id is not None else None,
            is_private=private, display_name=user.display_name,
        )

    async def _interaction_origin(self, interaction: discord.Interaction) -> Origin:
        message = interaction.message
        return await self._origin(interaction.user, interaction.channel, interaction.channel_id,
                                  message.id if message is not None else None)

    # -- interactions ---------------------------------------------------------------------------

    def _answer(self, interaction: discord.Interaction, origin: Origin) -> Answer:
        return Answer(interaction, ephemeral=not origin.is_private, defer_after=self.defer_after,
                      pictures=self.pictures)

    async def on_command(self, interaction: discord.Interaction, name: str, args: str) -> None:
        """Answer a slash command through the core."""
        origin = await self._interaction_origin(interaction)
        answer = self._answer(interaction, origin)
        replies = await answer.wait(self.core.handle(Command(origin, name, args)))
        await answer.show(replies)
        declared = self.core.features.commands.get(name)
        self._track(answer, session=bool(declared and declared.runs_a_session)
                    and not origin.is_private)
        await self._tell_if_dms_closed(answer, origin)

    async def on_press(self, interaction: discord.Interaction, payload: str) -> None:
        """Answer a button press through the core."""
        origin = await self._interaction_origin(interaction)
        answer = self._answer(interaction, origin)
        message_id = interaction.message.id if interaction.message else None
        in_session = self.sessions.tracks(message_id)
        replies = await answer.wait(self.core.handle(ButtonPress(origin, payload)))
        await answer.show(replies)
        if in_session and any(not r.alert for r in replies):
            self.sessions.disarm(message_id)
        self._track(answer, session=in_session)
        await self._tell_if_dms_closed(answer, origin)

    def _track(self, answer: Answer, *, session: bool) -> None:
        if not session or not answer.shown:
            return
        last = answer.shown[-1]
        if last.has_buttons:
            self.sessions.arm(answer.interaction, last.message_id, last.text,
                              original=last.original)

    async def _tell_if_dms_closed(self, answer: Answer, origin: Origin) -> None:
        if not origin.is_private and await self.direct.tell_closed(answer.interaction.user.id):
            await answer.notice(OPEN_DMS_HINT)

    async def on_command_error(
        self, interaction: discord.Interaction, error: discord.app_commands.AppCommandError
    ) -> None:
        """Log a failed slash command or autocomplete, and apologise when still possible."""
        log.error("slash command %s failed", getattr(interaction.command, "name", "?"),
                  exc_info=error)
        if interaction.type is discord.InteractionType.autocomplete:
            return
        with contextlib.suppress(Exception):
            sorry = "Sorry, something went wrong on my side. Please try again in a moment."
            if interaction.response.is_done():
                await interaction.followup.send(sorry, ephemeral=True)
            else:
                await interaction.response.send_message(sorry, ephemeral=True)

    # -- messages -------------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """Treat a reply to the bot, or free text in a DM, as the person talking to the core."""
        if message.author.bot or message.type not in (
            discord.MessageType.default, discord.MessageType.reply,
        ):
            return
        replied = await self._replied_bot_message(message)
        if replied is None and message.guild is not None:
            return
        origin = await self._origin(message.author, message.channel, message.channel.id, message.id)
        text = self._without_mention(message.content)
        event: InboundEvent
        if replied is not None:
            if not text.strip():
                if message.guild is not None:
                    await self._post(message, Reply(MENTION_HINT, quote=True))
                return
            event = ReplyToBot(origin, text, str(replied.id), from_discord(replied.content))
        elif not text.strip():
            return
        elif text.startswith("/") and len(text) > 1:
            name, _, args = text[1:].partition(" ")
            event = Command(origin, name, args)
        else:
            event = Text(origin, text)
        for reply in await self.core.handle(event):
            await self._post(message, reply)

    def _without_mention(self, content: str) -> str:
        user = self.client.user
        if user is None:
            return content.strip()
        return re.sub(rf"<@!?{user.id}>", "", content).strip()

    async def _replied_bot_message(self, message: discord.Message) -> discord.Message | None:
        reference = message.reference
        if reference is None or reference.message_id is None or self.client.user is None:
            return None
        replied = reference.resolved if isinstance(reference.resolved, discord.Message) else None
        replied = replied or reference.cached_message
        if replied is None and reference.resolved is None:
            with contextlib.suppress(discord.HTTPException):
                replied = await message.channel.fetch_message(reference.message_id)
        if replied is None or replied.author.id != self.client.user.id:
            return None
        return replied

    async def _post(self, message: discord.Message, reply: Reply) -> None:
        """Answer in the message's channel; the core's quoted replies thread under it."""
        if reply.private and message.guild is not None:
            to = Identity(PLATFORM, str(message.author.id))
            await self.runtime.router.send(Outbound(to=to, text=reply.text, choices=reply.choices,
                                                    image=reply.image))
            return
        reference = message.to_reference(fail_if_not_exists=False) if reply.quote else None
        await self._send_parts(message.channel, reply.text, reply.choices, reference, reply.image)

    async def _send_parts(
        self, channel: discord.abc.Messageable, text: str, choices: list,
        reference: discord.MessageReference | None, image: Image | None = None,
    ) -> discord.Message:
        parts = chunks(to_discord(text))
        sent: discord.Message | None = None
        for index, content in enumerate(parts):
            last = index == len(parts) - 1
            view = buttons(choices) if last else None
            extra: dict = {"view": view} if view is not None else {}
            if last:
                extra.update(await self.pictures.fields(image))
            sent = await channel.send(content, reference=reference if index == 0 else None,
                                      **extra)
        assert sent is not None  # noqa: S101 - chunks() always yields a part
        await self.pictures.remember(image, sent)
        return sent

    # -- delivery -------------------------------------------------------------------------------

    async def send(self, message: Outbound) -> DeliveryResult:
        """DM a person; closed DMs (403, code 50007) make them unreachable."""
        if not message.to.user_id.isdigit():
            return DeliveryResult(DeliveryStatus.FAILED, detail="not a Discord user id")
        user_id = int(message.to.user_id)
        await self._dm_pace.acquire()
        try:
            channel_id = await self.direct.channel_id(user_id, self.client.http)
            channel = self.client.get_partial_messageable(
                channel_id, type=discord.ChannelType.private
            )
            reference = None
            # Only a reply in the same DM can thread; a question asked in a server gets a plain DM.
            same_dm = message.chat_id == str(channel_id)
            if same_dm and message.reply_to and message.reply_to.isdigit():
                reference = discord.MessageReference(
                    message_id=int(message.reply_to), channel_id=channel_id,
                    fail_if_not_exists=False,
                )
            sent = await self._send_parts(channel, message.text, message.choices, reference,
                                          message.image)
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                return DeliveryResult(DeliveryStatus.FAILED, detail=f"forbidden ({exc.code})")
            await self.direct.closed(user_id)
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="DMs closed (50007)")
        except discord.NotFound:
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="unknown user")
        except discord.HTTPException as exc:
            return DeliveryResult(DeliveryStatus.FAILED, detail=f"HTTP {exc.status} ({exc.code})")
        return DeliveryResult(DeliveryStatus.SENT, message_id=str(sent.id))
