"""Run the core on Discord: slash commands and buttons in, replies and DMs out.

Gateway intents, the minimum that works without any privileged intent:
- guilds: the server and channel cache discord.py needs to make sense of every other event.
- guild_messages: replies to the bot in a server channel. Their content arrives without the
  privileged message-content intent because a reply mentions the author of the message it
  replies to (the bot), unless the person turns that mention off.
- dm_messages: DMs and replies in DMs, whose content always arrives.
Slash commands, autocomplete and button presses come as interactions, which need no intent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import aiohttp
import discord
import yarl
from aiolimiter import AsyncLimiter

from bot.adapters.base import BadToken
from bot.adapters.discord.commands import build_tree, sync_if_changed
from bot.adapters.discord.health import GatewayWatch
from bot.adapters.discord.interactions import DEFER_AFTER, Answer
from bot.adapters.discord.pictures import Pictures
from bot.adapters.discord.views import (
    IdleSessions,
    PayloadButton,
    buttons,
    chunks,
    from_discord,
    to_discord,
)
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
INTENTS = discord.Intents(guilds=True, guild_messages=True, dm_messages=True)
# Coach texts and FAQ answers are plain text: they never ping anyone but the person replied to.
MENTIONS = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=True)
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


class DiscordClient(discord.Client):
    """discord.py's client, with a command tree, handing every event to the adapter."""

    def __init__(self, adapter: DiscordAdapter, guild_id: int | None, **options: object) -> None:
        # The bot has no voice features; without this discord.py warns about missing voice libs.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=INTENTS, allowed_mentions=MENTIONS, chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(), **options,  # type: ignore[arg-type]
        )
        self.adapter = adapter
        self.tree = build_tree(self, guild_id, adapter.core.features)
        self.tree.on_error = adapter.on_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        """Route presses of the bot's buttons, including ones sent before a restart."""
        self.add_dynamic_items(PayloadButton)

    async def on_message(self, message: discord.Message) -> None:
        """Pass messages to the adapter."""
        await self.adapter.on_message(message)

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        """Log an error in an event handler and keep running."""
        log.exception("error in Discord event %s", event_method)


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
        self._api_base = settings.discord_api_base_url.rstrip("/")
        self._gateway = yarl.URL(settings.discord_gateway_url)
        self.guild_id = settings.discord_guild_id
        self.client = DiscordClient(self, self.guild_id, guild_ready_timeout=guild_ready_timeout,
                                    http_trace=runtime.metrics.trace_429s(PLATFORM))
        self._gateway_watch = GatewayWatch()
        self.sessions = IdleSessions(IDLE_TIMEOUT)
        self.pictures = Pictures(runtime.store.uploads, runtime.core.clock)
        self.defer_after = DEFER_AFTER
        self.commands_synced: bool | None = None
        self._saved_urls: tuple[str, yarl.URL] | None = None
        self._connection: asyncio.Task[None] | None = None
        self._dm_channels: dict[int, int] = {}
        # discord.py waits out 429s itself (the one owner of retries); this keeps a sweep's
        # burst of DMs under the 50 requests/s global limit so they are rarely needed.
        self._dm_pace = AsyncLimiter(DM_RATE, 1)
        self._dms_closed: set[int] = set()
        self._told_dms_closed: set[int] = set()

    # -- lifecycle ------------------------------------------------------------------------------

    def _point_at_api(self) -> None:
        gateway = discord.gateway.DiscordWebSocket
        self._saved_urls = (discord.http.Route.BASE, gateway.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self._api_base
        gateway.DEFAULT_GATEWAY = self._gateway

    def _restore_api(self) -> None:
        if self._saved_urls is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
                self._saved_urls
            )
            self._saved_urls = None

    async def start(self) -> None:
        """Log in, sync the slash commands if they changed, and connect to the gateway."""
        self._point_at_api()
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            await self.stop()
            raise BadToken("Discord refused the bot token; check DISCORD_BOT_TOKEN") from None
        except (aiohttp.ClientError, OSError) as exc:
            await self.stop()
            raise BadToken(f"cannot reach the Discord API at {self._api_base}: {exc}") from None
        try:
            self.commands_synced = await sync_if_changed(self.client.tree, self.guild_id)
        except discord.HTTPException as exc:
            log.error("could not sync slash commands (%s); was the bot invited with the "
                      "applications.commands scope?", exc)
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
                if self.client.is_closed():
                    return
                log.warning("skipped a Discord event that could not be read (%s); reconnecting",
                            type(exc).__name__)
                log.debug("the unreadable Discord event", exc_info=exc)
                if self.client.ws is not None:
                    await self.client.ws.close(code=4000)
                await asyncio.sleep(RECONNECT_PAUSE)

    def health(self) -> str | None:
        """Return None while the gateway is connected, else why not, in plain words."""
        return self._gateway_watch.problem(self.client)

    async def failed(self) -> BadToken:
        """Return once Discord closes the gateway for a refused token (4004) while running."""
        never: asyncio.Future[BadToken] = asyncio.get_running_loop().create_future()
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(connection)
            error = connection.exception() if connection.done() else None
            if isinstance(error, discord.ConnectionClosed) and error.code == TOKEN_REFUSED:
                return BadToken("Discord refused the bot token; check DISCORD_BOT_TOKEN")
        return await never  # closed on purpose: the stop path is running

    async def quiesce(self, grace: float) -> None:
        """Nothing to hold back: Discord redelivers no event, so events still arriving are answered."""

    async def stop(self) -> None:
        """Close the gateway connection and the HTTP session."""
        self.sessions.close()
        await self.client.close()
        if self._connection is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._connection
            self._connection = None
        self._restore_api()

    # -- the edge: discord objects to neutral ones ----------------------------------------------

    def _origin(self, user: discord.abc.User, channel: object, channel_id: int | None,
                message_id: int | None) -> Origin:
        private = _is_dm(channel)
        if private and channel_id is not None:
            self._dm_channels[user.id] = channel_id
            self._dms_closed.discard(user.id)
        return Origin(
            identity=Identity(PLATFORM, str(user.id)), chat_id=str(channel_id or ""),
            message_id=str(message_id) if message_id is not None else None,
            is_private=private, display_name=user.display_name,
        )

    def _interaction_origin(self, interaction: discord.Interaction) -> Origin:
        message = interaction.message
        return self._origin(interaction.user, interaction.channel, interaction.channel_id,
                            message.id if message is not None else None)

    # -- interactions ---------------------------------------------------------------------------

    def _answer(self, interaction: discord.Interaction, origin: Origin) -> Answer:
        return Answer(interaction, ephemeral=not origin.is_private, defer_after=self.defer_after,
                      pictures=self.pictures)

    async def on_command(self, interaction: discord.Interaction, name: str, args: str) -> None:
        """Answer a slash command through the core."""
        origin = self._interaction_origin(interaction)
        answer = self._answer(interaction, origin)
        replies = await answer.wait(self.core.handle(Command(origin, name, args)))
        await answer.show(replies)
        declared = self.core.features.commands.get(name)
        self._track(answer, session=bool(declared and declared.runs_a_session)
                    and not origin.is_private)
        await self._tell_if_dms_closed(answer, origin)

    async def on_press(self, interaction: discord.Interaction, payload: str) -> None:
        """Answer a button press through the core."""
        origin = self._interaction_origin(interaction)
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
        user_id = answer.interaction.user.id
        if origin.is_private or user_id not in self._dms_closed:
            return
        self._dms_closed.discard(user_id)
        self._told_dms_closed.add(user_id)
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
        origin = self._origin(message.author, message.channel, message.channel.id, message.id)
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

    async def _dm_channel_id(self, user_id: int) -> int:
        """Return the person's DM channel id, opening the DM once (it costs a request)."""
        channel_id = self._dm_channels.get(user_id)
        if channel_id is None:
            data = await self.client.http.start_private_message(user_id)
            channel_id = self._dm_channels[user_id] = int(data["id"])
        return channel_id

    async def send(self, message: Outbound) -> DeliveryResult:
        """DM a person; closed DMs (403, code 50007) make them unreachable."""
        if not message.to.user_id.isdigit():
            return DeliveryResult(DeliveryStatus.FAILED, detail="not a Discord user id")
        user_id = int(message.to.user_id)
        await self._dm_pace.acquire()
        try:
            channel_id = await self._dm_channel_id(user_id)
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
            if user_id not in self._told_dms_closed:
                self._dms_closed.add(user_id)
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="DMs closed (50007)")
        except discord.NotFound:
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="unknown user")
        except discord.HTTPException as exc:
            return DeliveryResult(DeliveryStatus.FAILED, detail=f"HTTP {exc.status} ({exc.code})")
        return DeliveryResult(DeliveryStatus.SENT, message_id=str(sent.id))
