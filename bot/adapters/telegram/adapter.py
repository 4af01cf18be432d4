"""The Telegram adapter: long polling or a webhook with python-telegram-bot, replies and DMs out."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ParseMode, UpdateType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.adapters.base import BadToken
from bot.adapters.telegram import render, translate
from bot.adapters.telegram.lanes import kind_of
from bot.adapters.telegram.limits import Patience, SendingStopped
from bot.adapters.telegram.menu import register_commands
from bot.adapters.telegram.photos import Photos, fits_caption
from bot.adapters.telegram.polling import Poller, PollingBot
from bot.adapters.telegram.translate import PLATFORM, Skip
from bot.adapters.telegram.webhook import WebhookReceiver
from bot.app import Runtime
from bot.config import Settings
from bot.core.events import (
    Choice,
    Command,
    DeliveryResult,
    DeliveryStatus,
    Image,
    InboundEvent,
    Origin,
    Outbound,
    Reply,
)
from bot.core.features import Registry
from bot.logs import RedactSecrets
from bot.web import WebServer, parse_listen

log = logging.getLogger(__name__)

# Commands that run a conversation with buttons: in a group they open the private chat instead.
# Loggers that can print request URLs, which carry the token.
URL_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "telegram", "telegram.ext",
               "telegram.ext.Updater", "telegram.ext.Application", "telegram.ext.ExtBot",
               "telegram.Bot")
KIND = {
    Skip.UNSUPPORTED: "I can only read text messages. Type your question, or /help to see "
                      "what I can do.",
    Skip.FORWARDED: "I don't act on forwarded messages. If you have a question about it, "
                    "type it in your own words (or use /ask).",
}
GO_PRIVATE = ("Let's do that in a private chat, so the group isn't flooded and the buttons "
              "are yours.")
ALLOWED_UPDATES = (UpdateType.MESSAGE, UpdateType.CALLBACK_QUERY, UpdateType.MY_CHAT_MEMBER)
REVOKED = "Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
ALERT_LIMIT = 200


def _chat_id(value: str) -> int | str:
    return int(value) if value.lstrip("-").isdigit() else value


def _message_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _private_only(event: InboundEvent, registry: Registry) -> str | None:
    """Return the deep-link start value when a group command must continue in private."""
    if not isinstance(event, Command):
        return None
    name, args = event.name.lower(), event.args.strip().lower()
    if name == "start":
        name = args
    declared = registry.commands.get(name)
    return name if declared is not None and declared.continues_in_private else None


def _file_url(base_url: str) -> str:
    """Return the file URL that goes with a Bot API URL ("…/bot" serves files at "…/file/bot")."""
    root, found, _ = base_url.rstrip("/").rpartition("/bot")
    return f"{root}/file/bot" if found else "https://api.telegram.org/file/bot"


class TelegramAdapter:
    """Connect the core to Telegram: translate updates in, render replies and DMs out."""

    platform = PLATFORM

    def __init__(self, runtime: Runtime, settings: Settings, *, poll_timeout: int = 30,
                 web: WebServer | None = None) -> None:
        """Poll, or with TELEGRAM_WEBHOOK_URL serve a webhook (on `web` when a server is shared)."""
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        token = settings.telegram_bot_token.get_secret_value()
        self.runtime = runtime
        self.base_url = settings.telegram_api_base_url
        self.poll_timeout = poll_timeout
        self._token = token
        # A filter on each logger that may print a URL keeps the token out even without
        # setup_logging (tests, embedding) and even at DEBUG.
        self._redact = RedactSecrets([token])
        for name in URL_LOGGERS:
            logging.getLogger(name).addFilter(self._redact)
        self.limiter = Patience(holding=lambda: runtime.router.holding,
                                on_429=lambda: runtime.metrics.refused(PLATFORM),
                                on_token_refused=self._token_refused)
        bot = PollingBot(
            token, base_url=self.base_url, base_file_url=_file_url(self.base_url),
            request=HTTPXRequest(connection_pool_size=256),
            get_updates_request=HTTPXRequest(connection_pool_size=2),
            rate_limiter=self.limiter,
        )
        # Updates are fetched by our Poller, not PTB's Updater (see polling.py for why).
        self.application: Application = ApplicationBuilder().bot(bot).updater(None).build()
        self.poller = Poller(
            self.application, bot, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES,
            on_fatal=self._token_refused,
        )
        self.webhook: WebhookReceiver | None = None
        if settings.telegram_webhook_url and settings.telegram_webhook_secret:
            self.webhook = WebhookReceiver(
                self.application, bot, url=settings.telegram_webhook_url,
                secret=settings.telegram_webhook_secret.get_secret_value(),
                listen=parse_listen(settings.telegram_webhook_listen, setting="TELEGRAM_WEBHOOK_LISTEN"),
                allowed_updates=ALLOWED_UPDATES, seen=runtime.store.seen_updates,
                clock=runtime.core.clock, server=web)
        self._failure: asyncio.Future[BadToken] | None = None
        self.application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self._on_message))
        self.application.add_handler(CallbackQueryHandler(self._on_press))
        self.application.add_handler(
            ChatMemberHandler(self._on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        self.application.add_error_handler(self._on_error)
        self.photos = Photos(self.application.bot, runtime.store.uploads, runtime.core.clock)

    @property
    def me(self) -> User:
        """Return the bot's own user (known once connected)."""
        return self.application.bot.bot

    # --- lifecycle ----------------------------------------------------------------------------

    async def connect(self) -> None:
        """Check the token, register the command menu and start processing (without polling)."""
        try:
            await self.application.initialize()
        except InvalidToken:
            await self.application.bot.shutdown()
            raise BadToken(REVOKED) from None
        except NetworkError as exc:
            await self.application.bot.shutdown()
            detail = exc.message.replace(self._token, "[redacted]")
            raise BadToken(
                f"cannot reach the Telegram Bot API at {self.base_url}: {detail}"
            ) from None
        await register_commands(self.application.bot, self.runtime.core)
        await self.application.start()
        log.info("telegram connected as @%s", self.me.username)

    async def start(self) -> None:
        """Connect and start polling or serve the webhook; raise BadToken when the token is refused."""
        await self.connect()
        if self.webhook is not None:
            await self.webhook.start()
        else:
            self.poller.start()

    def health(self) -> str | None:
        """Return None while connected to Telegram, else why not, in plain words."""
        if not self.application.running:
            return "not connected"
        # The poller sees getUpdates; the limiter every call (a worker's or a webhook's sends).
        return self.poller.problem() or self.limiter.problem()

    async def failed(self) -> BadToken:
        """Wait until Telegram refuses the token while running, and return why."""
        return await self._failed()

    def _failed(self) -> asyncio.Future[BadToken]:
        if self._failure is None:
            self._failure = asyncio.get_running_loop().create_future()
        return self._failure

    def _token_refused(self, exc: Exception) -> None:
        log.debug("Telegram refused the token", exc_info=exc)
        if not self._failed().done():
            self._failed().set_result(BadToken(REVOKED))

    async def quiesce(self, grace: float) -> None:
        """Take no new updates; let those being handled finish (up to `grace` s) and confirm them."""
        await (self.webhook.quiesce(grace) if self.webhook is not None else self.poller.stop(grace))

    async def stop(self) -> None:
        """Stop taking updates, let running handlers finish, and close the HTTP clients."""
        if self.webhook is not None:
            await self.webhook.close()
        await self.poller.stop(0)
        app = self.application
        if app.running:
            await app.stop()
        await app.shutdown()
        for name in URL_LOGGERS:
            logging.getLogger(name).removeFilter(self._redact)

    # --- sending ------------------------------------------------------------------------------

    async def _post(
        self, chat_id: int | str, text: str, choices: list[Choice] | None = None,
        reply_to: int | None = None, markup: InlineKeyboardMarkup | None = None,
    ) -> list[Message]:
        """Send text as HTML in as many parts as it needs; buttons go on the last part."""
        parts = render.split(text)
        markup = markup or render.keyboard(choices or [])
        sent = []
        for index, part in enumerate(parts):
            reply = None
            if reply_to is not None and index == 0:
                reply = ReplyParameters(reply_to, allow_sending_without_reply=True)
            sent.append(await self.application.bot.send_message(
                chat_id, render.escape(part), parse_mode=ParseMode.HTML,
                reply_markup=markup if index == len(parts) - 1 else None,
                reply_parameters=reply,
            ))
        return sent

    async def _post_with_image(
        self, chat_id: int | str, text: str, choices: list[Choice], image: Image | None,
        reply_to: int | None = None,
    ) -> list[Message]:
        """Send text, as a photo's caption (with the buttons) when there is a picture and it fits."""
        if image is None:
            return await self._post(chat_id, text, choices, reply_to)
        if fits_caption(text):
            return [await self.photos.send(chat_id, image, text, render.keyboard(choices), reply_to)]
        photo = await self.photos.send(chat_id, image, None, None, reply_to)
        return [photo, *await self._post(chat_id, text, choices)]

    async def send(self, message: Outbound) -> DeliveryResult:
        """Deliver a DM or a relay; a 403 means the person can't be reached (not retried)."""
        chat_id = _chat_id(message.chat_id or message.to.user_id)
        reply_to = _message_id(message.reply_to)
        text, choices, image = message.text, message.choices, message.image
        try:
            try:
                sent = await self._post_with_image(chat_id, text, choices, image, reply_to)
            except Forbidden:
                if str(chat_id) == message.to.user_id:
                    raise
                # Removed from the group the message belonged in: the person may still read DMs.
                sent = await self._post_with_image(_chat_id(message.to.user_id), text, choices, image)
        except Forbidden as exc:
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail=exc.message)
        except SendingStopped as exc:
            return DeliveryResult(DeliveryStatus.NOT_SENT, detail=exc.message)
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="has not started the bot")
            log.warning("telegram refused a message to %s: %s", message.to.key, exc.message)
            return DeliveryResult(DeliveryStatus.FAILED, detail=exc.message)
        except NetworkError as exc:  # after BadRequest, which is one too
            if isinstance(exc, TimedOut):
                # It may have arrived; sending it again could show it twice.
                log.warning("telegram send to %s timed out", message.to.key)
                return DeliveryResult(DeliveryStatus.FAILED, detail="timed out")
            # Telegram can't be reached: a nudge is released and tried again by the next sweep.
            log.warning("telegram unreachable sending to %s: %s", message.to.key, exc.message)
            return DeliveryResult(DeliveryStatus.NOT_SENT, detail=exc.message)
        except TelegramError as exc:
            log.warning("telegram send to %s failed: %s", message.to.key, exc.message)
            return DeliveryResult(DeliveryStatus.FAILED, detail=type(exc).__name__)
        return DeliveryResult(DeliveryStatus.SENT, str(sent[0].message_id))

    async def _edit(self, pressed: Message, reply: Reply) -> None:
        """Replace the pressed message; text past 4,096 characters follows as new messages.

        A text message can't become a photo nor a photo a text message, so when the picture
        comes or goes the pressed message keeps its content, loses its buttons, and the step
        follows as a new message. A photo with a new picture is swapped in place.
        """
        if pressed.photo and reply.image is not None and fits_caption(reply.text):
            try:
                await self.photos.swap(pressed, reply.image, reply.text, render.keyboard(reply.choices))
                return
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return
                log.info("could not swap photo %s (%s); sending a new one", pressed.message_id,
                         exc.message)
        if pressed.photo or reply.image is not None:
            await self._drop_buttons(pressed)
            await self._post_with_image(pressed.chat.id, reply.text, reply.choices, reply.image)
            return
        parts = render.split(reply.text)
        markup = render.keyboard(reply.choices)
        try:
            await self.application.bot.edit_message_text(
                render.escape(parts[0]), chat_id=pressed.chat.id, message_id=pressed.message_id,
                parse_mode=ParseMode.HTML, reply_markup=markup if len(parts) == 1 else None,
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return
            log.info("could not edit message %s (%s); sending a new one", pressed.message_id,
                     exc.message)
            await self._post(pressed.chat.id, reply.text, reply.choices)
            return
        if len(parts) > 1:
            await self._post(pressed.chat.id, "\n\n".join(parts[1:]), reply.choices)

    async def _drop_buttons(self, message: Message) -> None:
        """Take the buttons off a message whose step has moved on to a new message."""
        try:
            await self.application.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=None)
        except BadRequest as exc:
            log.info("could not take the buttons off message %s: %s", message.message_id, exc.message)

    async def _show(
        self, origin: Origin, replies: list[Reply], pressed: Message | None = None
    ) -> None:
        """Show the core's replies in the chat the event came from."""
        chat_id = _chat_id(origin.chat_id)
        asked = _message_id(origin.message_id) if pressed is None else None
        linked = False
        for reply in replies:
            if reply.private and not origin.is_private:
                # Sessions and personal data never play out in a group: offer the private chat.
                if not linked:
                    await self._go_private(chat_id, asked)
                    linked = True
            elif reply.edit and pressed is not None:
                await self._edit(pressed, reply)
                pressed = None
            else:
                thread = reply.quote or not origin.is_private
                await self._post_with_image(chat_id, reply.text, reply.choices, reply.image,
                                            asked if thread else None)

    async def _go_private(
        self, chat_id: int | str, reply_to: int | None, start: str | None = None
    ) -> None:
        """Answer in a group with a button that opens the private chat (a t.me deep link)."""
        url = render.deep_link(self.me.username, start)
        markup = render.link_keyboard("Open a private chat", url)
        await self._post(chat_id, GO_PRIVATE, reply_to=reply_to, markup=markup)

    async def _show_safely(
        self, origin: Origin, replies: list[Reply], pressed: Message | None = None
    ) -> None:
        """Show replies; a chat that refuses them is reported or logged, never raised."""
        try:
            await self._show(origin, replies, pressed)
        except Forbidden as exc:
            if origin.is_private:
                await self.runtime.router.report_unreachable(origin.identity, exc.message)
            else:
                log.info("can't post in chat %s: %s", origin.chat_id, exc.message)
        except TelegramError as exc:
            log.warning("reply in chat %s failed: %s", origin.chat_id, exc.message)

    # --- updates ------------------------------------------------------------------------------

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        event = translate.message_event(message, self.me)
        if isinstance(event, Skip):
            user, private = message.from_user, message.chat.type == message.chat.PRIVATE
            if event is not Skip.IGNORE and private and user is not None:
                where = translate.origin(user, message.chat, message.message_id)
                await self._show_safely(where, [Reply(KIND[event])])
            return
        origin = event.origin
        link = _private_only(event, self.runtime.core.features) if not origin.is_private else None
        if link is not None:
            try:
                await self._go_private(_chat_id(origin.chat_id), message.message_id, link)
            except TelegramError as exc:
                log.info("can't post in chat %s: %s", origin.chat_id, exc.message)
            return
        replies = await self.runtime.core.handle(event)
        await self._show_safely(origin, replies)

    async def _on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        event = translate.press_event(query)
        if event is None:
            await self._answer(query)
            return
        replies = await self.runtime.core.handle(event)
        alerts = [reply for reply in replies if reply.alert]
        await self._answer(query, alerts[0].text if alerts else None)
        shown = [reply for reply in replies if not reply.alert]
        pressed = query.message if isinstance(query.message, Message) else None
        await self._show_safely(event.origin, shown, pressed)

    async def _answer(self, query: CallbackQuery, alert: str | None = None) -> None:
        """Stop the button's spinner; an alert is shown as a pop-up and nothing else changes."""
        try:
            if alert:
                text = alert if len(alert) <= ALERT_LIMIT else alert[: ALERT_LIMIT - 1] + "…"
                await query.answer(text, show_alert=True)
            else:
                await query.answer()
        except BadRequest as exc:
            # Presses that waited out a restart are too old to answer; the result still shows.
            log.info("could not answer a button press: %s", exc.message)

    async def _on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        who = translate.blocked_by(change) if change is not None else None
        if who is not None:
            await self.runtime.router.report_unreachable(who, "blocked the bot")

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failure in any handler without the member's text; the update still counts as done."""
        error = context.error
        if not isinstance(update, Update):
            log.warning("telegram handler failed: %s", type(error).__name__)
            return
        where = ""
        trace = error.__traceback__ if error is not None else None
        while trace is not None and trace.tb_next is not None:
            trace = trace.tb_next
        if trace is not None:
            where = f" at {trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}"
        log.warning("telegram update %s (%s) failed: %s%s", update.update_id,
                    kind_of(update.to_dict()), type(error).__name__, where)
        log.debug("telegram update %s failed", update.update_id, exc_info=error)
