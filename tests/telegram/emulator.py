"""A loopback Telegram Bot API server for running the real python-telegram-bot in tests.

Point PTB at it with ``ApplicationBuilder().token(token).base_url(emulator.base_url)``. It keeps
the state a bot can observe (chats it knows, messages per chat, open callback queries, pending
updates), records every call, enforces the limits a bot can break, and lets a test arm failures.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NamedTuple, Self

from aiohttp import web

from tests.specs.violations import Violations
from tests.telegram.contract import checked_against_spec
from tests.telegram.photos import PhotoStore, Upload, check_caption, sizes
from tests.telegram.polling import PollConflict, UpdateQueue
from tests.telegram.ratecap import RateCap
from tests.telegram.updates import JSON, User, now
from tests.telegram.validation import (
    CHAT_ACTIONS,
    Rejected,
    check_commands,
    check_markup,
    check_text,
)
from tests.telegram.webhooks import WEBHOOK_ACTIVE, WebhookPusher

# Form fields that stay strings even when they look like JSON (a text of "42" is not a number).
_STRING_FIELDS = frozenset(
    {"text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "action", "url"}
    | {"language_code", "business_connection_id", "message_effect_id", "data"}
    | {"secret_token", "ip_address"}
)
# Methods that act on a chat, so a blocked chat answers 403 to them.
_CHAT_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage", "sendChatAction"}
    | {"sendPhoto", "editMessageMedia"}
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)


class Call(NamedTuple):
    """One request the bot made: the canonical method name and its decoded parameters."""

    method: str
    params: JSON


class ApiError(Exception):
    """An error answer, shaped by ``TelegramEmulator`` like Telegram's."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class _Fault:
    method: str
    chat_id: int | str | None
    error: ApiError
    remaining: int


def _decode(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> JSON:
    if request.content_type == "application/json":
        return dict(await request.json())
    params: JSON = {key: _decode(key, value) for key, value in request.query.items()}
    for key, value in (await request.post()).items():
        if isinstance(value, str):
            params[key] = _decode(key, value)
        else:
            params[key] = Upload(value.filename, value.file.read())
    return params


class TelegramEmulator:
    """Serve the Bot API on 127.0.0.1 for one valid ``token`` (an async context manager)."""

    def __init__(self, token: str, *, bot: User | None = None, max_poll_wait: float = 1.0,
                 port: int = 0) -> None:
        self.token = token
        self.bot = bot or User(7_000_000_001, "HeroCoach", "herocoach_bot", is_bot=True)
        self.calls: list[Call] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.port = port
        self.update_queue = UpdateQueue(max_poll_wait)
        self.webhook = WebhookPusher(self.update_queue)
        self.photos = PhotoStore()
        self.violations = Violations("Telegram")
        self._chats: dict[int | str, JSON] = {}
        self._messages: dict[tuple[int | str, int], JSON] = {}
        self._last_message_id: defaultdict[int | str, int] = defaultdict(int)
        self._open_queries: set[str] = set()
        self._faults: list[_Fault] = []
        self._blocked: dict[int | str, str] = {}
        self.rate_cap: RateCap | None = None
        self._call_arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        handlers: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "sendPhoto": self._send_photo,
            "editMessageMedia": self._edit_message_media,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
        }
        # Bot API method names are case-insensitive.
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    @property
    def base_url(self) -> str:
        """Return the URL to give PTB's ``base_url`` (the token is appended by PTB)."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> Self:
        # Room for uploads over the platforms' limits, so the limits are what refuses them.
        app = web.Application(
            client_max_size=64 * 1024 * 1024, middlewares=[checked_against_spec(self.violations)]
        )
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.update_queue.close()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.violations.assert_none()

    # --- what tests arrange -------------------------------------------------------------------

    def add_chat(self, chat: JSON) -> None:
        """Make ``chat`` known, as if the user had started the bot (injecting does this too)."""
        self._chats[chat["id"]] = chat

    def inject(self, update: JSON, *, queue: bool = True) -> JSON:
        """Queue an update for getUpdates (or the webhook) and return it with its ids.

        With ``queue`` off it is numbered and known, but left for the test to POST itself.
        """
        update = dict(update)
        for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if kind in update:
                update[kind] = self._remember(update[kind])
        if "callback_query" in update:
            self._open_queries.add(update["callback_query"]["id"])
            self.add_chat(update["callback_query"]["message"]["chat"])
        if "my_chat_member" in update:
            self._membership_changed(update["my_chat_member"])
        return self.update_queue.put(update) if queue else self.update_queue.number(update)

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        times: int = 1,
        chat_id: int | str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (for ``chat_id`` if set) with an error."""
        error = ApiError(status, description, retry_after)
        self._faults.append(_Fault(method, chat_id, error, times))

    def rate_limit(
        self, method: str, retry_after: int, *, times: int = 1, chat_id: int | str | None = None
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``retry_after`` seconds."""
        description = f"Too Many Requests: retry after {retry_after}"
        self.fail_next(
            method, 429, description, times=times, chat_id=chat_id, retry_after=retry_after
        )

    def cap_rate(self, per_second: float = 30) -> RateCap:
        """From now on refuse (429, retry after 1 s) message calls beyond `per_second` a second."""
        self.rate_cap = RateCap(per_second)
        return self.rate_cap

    def bad_request(
        self, method: str, description: str, *, times: int = 1, chat_id: int | str | None = None
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with 400 "Bad Request: description"."""
        self.fail_next(method, 400, f"Bad Request: {description}", times=times, chat_id=chat_id)

    def block(
        self, chat_id: int | str, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Answer 403 to everything the bot does in ``chat_id`` until ``unblock``."""
        self._blocked[chat_id] = description

    def unblock(self, chat_id: int | str) -> None:
        """Let the bot talk in ``chat_id`` again."""
        self._blocked.pop(chat_id, None)

    # --- what tests observe -------------------------------------------------------------------

    def calls_to(self, method: str) -> list[JSON]:
        """Return the parameters of every call of ``method``, failed attempts included."""
        return [call.params for call in self.calls if call.method == method]

    def sent_messages(self, chat_id: int | str) -> list[JSON]:
        """Return the bot's messages still in ``chat_id``, oldest first, as last edited."""
        mine = [
            message
            for (chat, _), message in self._messages.items()
            if chat == chat_id and message.get("from", {}).get("id") == self.bot.id
        ]
        return sorted(mine, key=lambda message: message["message_id"])

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[JSON], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bound for tests, applied via asyncio.timeout
        since: int = 0,
    ) -> Call:
        """Return the first call of ``method`` from index ``since`` whose params match."""
        position = since
        try:
            async with asyncio.timeout(timeout), self._call_arrived:
                while True:
                    for call in self.calls[position:]:
                        if call.method == method and (predicate is None or predicate(call.params)):
                            return call
                    position = len(self.calls)
                    await self._call_arrived.wait()
        except TimeoutError:
            seen = self.calls_to(method)
            raise AssertionError(f"no matching {method} within {timeout}s; saw {seen}") from None

    # --- HTTP ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        entry = self._handlers.get(request.match_info["method"].lower())
        if entry is None:
            return self._error(ApiError(404, "Not Found"))
        name, handler = entry
        params = await _read_params(request)
        self.calls.append(Call(name, params))
        async with self._call_arrived:
            self._call_arrived.notify_all()
        if self.rate_cap is not None and not self.rate_cap.admit(name):
            return self._error(ApiError(429, "Too Many Requests: retry after 1", retry_after=1))
        try:
            self._check_faults(name, params)
            result = await handler(params)
        except Rejected as error:
            return self._error(ApiError(400, f"Bad Request: {error}"))
        except ApiError as error:
            return self._error(error)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(error: ApiError) -> web.Response:
        body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        return web.json_response(body, status=error.status)

    def _check_faults(self, method: str, params: JSON) -> None:
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method == method and fault.chat_id in (None, chat_id):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                raise fault.error
        if method in _CHAT_METHODS and chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])

    # --- state --------------------------------------------------------------------------------

    def _remember(self, message: JSON) -> JSON:
        chat_id = message["chat"]["id"]
        self._chats.setdefault(chat_id, message["chat"])
        if "message_id" not in message:
            self._last_message_id[chat_id] += 1
            message = {"message_id": self._last_message_id[chat_id], **message}
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _membership_changed(self, change: JSON) -> None:
        chat = change["chat"]
        self.add_chat(chat)
        status = change["new_chat_member"]["status"]
        if status in ("member", "administrator"):
            self.unblock(chat["id"])
        elif chat["type"] == "private":
            self.block(chat["id"])
        else:
            self.block(chat["id"], "Forbidden: bot was kicked from the group chat")

    def _chat(self, params: JSON) -> JSON:
        chat = self._chats.get(params.get("chat_id", ""))
        if chat is None:
            raise Rejected("chat not found")
        return chat

    def _own_message(self, params: JSON, action: str) -> JSON:
        chat = self._chat(params)
        message = self._messages.get((chat["id"], params.get("message_id", 0)))
        if message is None:
            raise Rejected(f"message to {action} not found")
        if action == "edit" and message.get("from", {}).get("id") != self.bot.id:
            raise Rejected("message can't be edited")
        return message

    def _replied(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {"message_id": params["reply_to_message_id"]}
        if reply is None:
            return None
        message = self._messages.get((reply.get("chat_id", chat["id"]), reply["message_id"]))
        if message is None:
            if reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            ):
                return None
            raise Rejected("message to be replied not found")
        return {key: value for key, value in message.items() if key != "reply_to_message"}

    @staticmethod
    def _with_content(message: JSON, text: str, entities: list[JSON], markup: JSON | None) -> JSON:
        updated = {**message, "text": text, "entities": entities, "reply_markup": markup}
        return {key: value for key, value in updated.items() if value not in (None, [])}

    # --- Bot API methods ----------------------------------------------------------------------

    async def _true(self, params: JSON) -> bool:
        return True

    async def _get_me(self, params: JSON) -> JSON:
        flags = ("can_read_all_group_messages", "supports_inline_queries", "has_main_web_app")
        me = {**self.bot.to_dict(), "can_join_groups": True, "can_connect_to_business": False}
        return me | dict.fromkeys(flags, False)

    async def _set_webhook(self, params: JSON) -> bool:
        self.webhook.set(params)
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        self.webhook.delete(drop_pending=bool(params.get("drop_pending_updates")))
        return True

    async def _get_webhook_info(self, params: JSON) -> JSON:
        return self.webhook.info()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook.active:
            raise ApiError(409, WEBHOOK_ACTIVE)
        try:
            return await self.update_queue.get(params)
        except PollConflict:
            raise ApiError(409, _CONFLICT) from None

    async def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands") or []
        check_commands(commands)
        self.commands[self._command_key(params)] = commands
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        return self.commands.get(self._command_key(params), [])

    async def _delete_my_commands(self, params: JSON) -> bool:
        self.commands.pop(self._command_key(params), None)
        return True

    @staticmethod
    def _command_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    async def _send_message(self, params: JSON) -> JSON:
        chat = self._chat(params)
        text, entities = check_text(params)
        markup = check_markup(params)
        message: JSON = {"from": self.bot.to_dict(), "chat": chat, "date": now()}
        replied = self._replied(chat, params)
        if replied is not None:
            message["reply_to_message"] = replied
        return self._remember(self._with_content(message, text, entities, markup))

    async def _edit_message_text(self, params: JSON) -> JSON | bool:
        text, entities = check_text(params)
        markup = check_markup(params)
        if "inline_message_id" in params:
            return True
        old = self._own_message(params, "edit")
        if "text" not in old:
            raise Rejected("there is no text in the message to edit")
        return self._replace(old, self._with_content(old, text, entities, markup))

    async def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        markup = check_markup(params)
        if "inline_message_id" in params:
            return True
        old = self._own_message(params, "edit")
        new = {key: value for key, value in old.items() if key != "reply_markup"}
        if markup is not None:
            new["reply_markup"] = markup
        return self._replace(old, new)

    async def _send_photo(self, params: JSON) -> JSON:
        chat = self._chat(params)
        caption, entities = check_caption(params)
        markup = check_markup(params)
        photo = self.photos.resolve(params.get("photo"), params)
        message: JSON = {"from": self.bot.to_dict(), "chat": chat, "date": now(),
                         "photo": sizes(photo)}
        replied = self._replied(chat, params)
        if replied is not None:
            message["reply_to_message"] = replied
        extra = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
        message.update({key: value for key, value in extra.items() if value not in (None, [], "")})
        return self._remember(message)

    async def _edit_message_media(self, params: JSON) -> JSON | bool:
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise Rejected("can't parse InputMedia: media type is not photo")
        caption, entities = check_caption(media)
        markup = check_markup(params)
        photo = self.photos.resolve(media.get("media"), params)
        old = self._own_message(params, "edit")
        if "text" in old:
            raise Rejected("there is no media in the message to edit")
        new: JSON = {key: value for key, value in old.items()
                     if key not in ("photo", "caption", "caption_entities", "reply_markup")}
        new["photo"] = sizes(photo)
        extra = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
        new.update({key: value for key, value in extra.items() if value not in (None, [], "")})
        return self._replace(old, new)

    def _replace(self, old: JSON, new: JSON) -> JSON:
        if new == old:
            raise Rejected(_NOT_MODIFIED)
        return self._remember({**new, "edit_date": now()})

    async def _delete_message(self, params: JSON) -> bool:
        message = self._own_message(params, "delete")
        del self._messages[(message["chat"]["id"], message["message_id"])]
        return True

    async def _answer_callback_query(self, params: JSON) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise Rejected("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        return True

    async def _send_chat_action(self, params: JSON) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise Rejected("wrong parameter action in request")
        return True

    async def _get_chat(self, params: JSON) -> JSON:
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        accepted = dict.fromkeys((*gifts, "gifts_from_channels"), True)
        extra = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": accepted}
        return {**self._chat(params), **extra}
