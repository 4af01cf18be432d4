"""A running HeroCoach on the Telegram emulator: the real adapter, real PTB, a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.core.context import CoreConfig
from bot.core.events import Identity
from bot.core.features import Feature
from bot.core.ports import ManualClock
from bot.web import WebServer
from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.updates import JSON, User

TOKEN = "123456789:AAHerocoach-secret-token_xyz"
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ALICE = User(1001, "Alice", "alice")
BOB = User(1002, "Bob")
COACH = User(1003, "Coach", "coach")
SYNC = User(1999, "Sync")
GROUP = updates.group(-1001234567890, "Mobility crew")
# The public address Telegram posts to; the emulator routes it to the bot's loopback port.
PUBLIC = "https://bot.example.com"
WEBHOOK_URL = f"{PUBLIC}/telegram/webhook"
SECRET = "webhook-Secret_0123456789"


@dataclass
class TelegramBot:
    """The bot under test and the handles a test needs to drive and observe it."""

    emulator: TelegramEmulator
    adapter: TelegramAdapter
    runtime: Runtime
    clock: ManualClock
    unreachable: list[tuple[Identity, str]] = field(default_factory=list)

    def mark(self) -> int:
        """Return a position in the call log to wait from."""
        return len(self.emulator.calls)

    def say(self, user: User, text: str, chat: JSON | None = None) -> JSON:
        """Inject a message (a command when it starts with "/") and return it as stored."""
        if text.startswith("/"):
            update = updates.command(user, text, chat=chat)
        elif chat is not None:
            update = updates.group_message(user, chat, text)
        else:
            update = updates.private_message(user, text)
        return self.emulator.inject(update)["message"]

    async def sent(self, chat_id: int, since: int, *, markup: bool = False) -> JSON:
        """Wait for a message to `chat_id` (with buttons, if asked) and return it as stored."""
        def wanted(params: JSON) -> bool:
            return params.get("chat_id") == chat_id and (not markup or "reply_markup" in params)

        # The emulator stores a message before this waiter can run again, so it is there now.
        await self.emulator.wait_for("sendMessage", wanted, since=since)
        return self.emulator.sent_messages(chat_id)[-1]

    async def sent_photo(self, chat_id: int, since: int) -> JSON:
        """Wait for a photo to `chat_id` and return it as stored."""
        await self.emulator.wait_for("sendPhoto", lambda p: p.get("chat_id") == chat_id, since=since)
        return self.emulator.sent_messages(chat_id)[-1]

    async def sync(self) -> None:
        """Return once every update injected so far has been handled (each chat's in order)."""
        mark = self.mark()
        self.say(SYNC, "/help")
        await self.sent(SYNC.id, mark)
        async with asyncio.timeout(5):
            while self.handling():  # noqa: ASYNC110 - a test-only wait on a count
                await asyncio.sleep(0.01)

    def handling(self) -> int:
        """Return how many updates the bot has taken in and not yet handled."""
        webhook = self.adapter.webhook
        return self.adapter.poller.handling + (webhook.handling if webhook is not None else 0)

    def keyboard(self, chat_id: int) -> JSON:
        """Return the latest bot message in a chat that carries buttons."""
        for message in reversed(self.emulator.sent_messages(chat_id)):
            if "reply_markup" in message:
                return message
        raise AssertionError(f"no buttons in chat {chat_id}")

    async def press(self, user: User, label: str, message: JSON | None = None) -> JSON:
        """Press the button whose label starts with `label`; return the answerCallbackQuery call."""
        message = message or self.keyboard(user.id)
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        matching = [b for b in buttons if b["text"].startswith(label)]
        assert matching, f"no button {label!r} among {[b['text'] for b in buttons]}"
        data = matching[0]["callback_data"]
        query = self.emulator.inject(updates.callback_query(user, message, data))
        query_id = query["callback_query"]["id"]
        call = await self.emulator.wait_for(
            "answerCallbackQuery", lambda p: p["callback_query_id"] == query_id
        )
        return call.params

    async def advance(self, user: User, label: str) -> JSON:
        """Press a button, wait until its result is shown, and return the chat's last message.

        Unlike `step` this also follows a step that arrives as a new message (a photo, or
        the text after one).
        """
        await self.press(user, label)
        await self.sync()
        return self.emulator.sent_messages(user.id)[-1]

    async def step(self, user: User, label: str) -> JSON:
        """Press a button in the private chat and return the message after its in-place edit."""
        message = self.keyboard(user.id)
        mark = self.mark()
        await self.press(user, label, message)
        await self.emulator.wait_for(
            "editMessageText", lambda p: p["message_id"] == message["message_id"], since=mark
        )
        [edited] = [m for m in self.emulator.sent_messages(user.id)
                    if m["message_id"] == message["message_id"]]
        return edited


def labels(message: JSON) -> list[list[str]]:
    """Return a message's button labels, row by row."""
    keyboard = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [[button["text"] for button in row] for row in keyboard]


def settings_for(emulator: TelegramEmulator, token: str = TOKEN, **extra: object) -> Settings:
    """Return settings that point the adapter at the emulator and ignore any .env."""
    return Settings(
        _env_file=None, telegram_bot_token=token, telegram_api_base_url=emulator.base_url,
        **extra,
    )


def webhook_settings(emulator: TelegramEmulator, port: int) -> dict[str, str]:
    """Return the webhook settings for a bot listening on `port`, routed there by the emulator."""
    emulator.webhook.route(PUBLIC, f"http://127.0.0.1:{port}")
    return {"telegram_webhook_url": WEBHOOK_URL, "telegram_webhook_secret": SECRET,
            "telegram_webhook_listen": f"127.0.0.1:{port}"}


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path, *, polling: bool = True, database_url: str | None = None,
    features: tuple[Feature, ...] = (), webhook_port: int | None = None,
    web: WebServer | None = None,
) -> AsyncIterator[TelegramBot]:
    """Run the bot on a fresh emulator (on a new SQLite file unless given a database) until the end.

    With `webhook_port` the bot takes updates on a webhook served there instead of polling
    (on `web`, a server shared with other routes that the test starts, when given).
    """
    clock = ManualClock(START)
    config = CoreConfig(coach_ids=frozenset({f"telegram:{COACH.id}"}), default_timezone="UTC")
    async with TelegramEmulator(TOKEN) as emulator:
        runtime = await build_runtime(
            database_url=database_url or f"sqlite:///{tmp_path / 'bot.db'}", config=config,
            clock=clock, features=features,
        )
        extra = webhook_settings(emulator, webhook_port) if webhook_port else {}
        adapter = TelegramAdapter(runtime, settings_for(emulator, **extra), poll_timeout=1, web=web)
        bot = TelegramBot(emulator, adapter, runtime, clock)

        async def record(identity: Identity, detail: str) -> None:
            bot.unreachable.append((identity, detail))

        runtime.router.on_unreachable.append(record)
        runtime.router.register(adapter.platform, adapter)
        try:
            await (adapter.start() if polling else adapter.connect())
            yield bot
        finally:
            await adapter.stop()
            await runtime.close()
