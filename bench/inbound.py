"""`python -m bench.inbound`: inbound updates/s, HeroCoach (PTB + core + SQLite) vs a bare PTB echo bot.

Both run the real python-telegram-bot against the same loopback Telegram emulator, with the
same backlog queued before they start polling: UPDATES `/help` commands from PEOPLE members.
The echo bot is PTB's own Updater and a handler that sends the text back; HeroCoach is the
real adapter (its poller, per-chat lanes, the core and a SQLite file). Outbound pacing is off
for both (Telegram's 30 messages/s would otherwise be all that is measured). The ratio is
printed, not asserted: the issue's aim is at least half of the echo bot's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.adapters.telegram import limits
from bot.adapters.telegram.adapter import TelegramAdapter
from bot.app import build_runtime
from bot.config import Settings
from bot.core.context import CoreConfig
from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.updates import User

TOKEN = "123456789:AAbench-token"
UPDATES = 2000
PEOPLE = 200


def queue_backlog(emulator: TelegramEmulator, count: int, people: int) -> None:
    """Queue `count` /help commands spread over `people` members."""
    for n in range(count):
        emulator.inject(updates.command(User(800_000 + n % people, f"P{n % people}"), "/help"))


async def wait_for_sends(emulator: TelegramEmulator, expected: int) -> None:
    """Return once the bot has made `expected` sendMessage calls."""
    while len(emulator.calls_to("sendMessage")) < expected:  # noqa: ASYNC110 - a count, not an event
        await asyncio.sleep(0.01)


async def echo_rate(count: int, people: int) -> float:
    """Return updates/s for a bare PTB echo bot."""
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None  # noqa: S101 - the filter lets only messages through
        await update.message.reply_text(update.message.text or "")

    async with TelegramEmulator(TOKEN) as emulator:
        queue_backlog(emulator, count, people)
        app = ApplicationBuilder().token(TOKEN).base_url(emulator.base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            assert app.updater is not None  # noqa: S101 - built with the default updater
            started = time.perf_counter()
            await app.updater.start_polling(timeout=1)
            await wait_for_sends(emulator, count)
            elapsed = time.perf_counter() - started
            await app.updater.stop()
            await app.stop()
    return count / elapsed


async def herocoach_rate(count: int, people: int) -> float:
    """Return updates/s for HeroCoach's Telegram adapter with the core and SQLite."""
    folder = Path(tempfile.mkdtemp(prefix="herocoach-bench-"))
    async with TelegramEmulator(TOKEN) as emulator:
        queue_backlog(emulator, count, people)
        runtime = await build_runtime(database_url=f"sqlite:///{folder / 'bench.db'}",
                                      config=CoreConfig(default_timezone="UTC"))
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN,
                            telegram_api_base_url=emulator.base_url)
        adapter = TelegramAdapter(runtime, settings, poll_timeout=1)
        runtime.router.register(adapter.platform, adapter)
        try:
            await adapter.connect()
            started = time.perf_counter()
            adapter.poller.start()
            # A member's first message also gets the welcome.
            await wait_for_sends(emulator, count + min(count, people))
            elapsed = time.perf_counter() - started
        finally:
            await adapter.stop()
            await runtime.close()
    return count / elapsed


def main() -> None:
    """Run both bots on the same backlog and print their rates and the ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.inbound")
    parser.add_argument("--updates", type=int, default=UPDATES)
    parser.add_argument("--people", type=int, default=PEOPLE)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    limits.OVERALL_PER_SECOND = 1_000_000  # inbound handling is measured, not Telegram's pace
    echo = asyncio.run(echo_rate(args.updates, args.people))
    ours = asyncio.run(herocoach_rate(args.updates, args.people))
    print(f"inbound, {args.updates} /help updates from {args.people} members, same emulator:")
    print(f"  bare PTB echo bot           {echo:8.0f} updates/s")
    print(f"  HeroCoach (PTB+core+SQLite) {ours:8.0f} updates/s")
    print(f"  ratio                       {ours / echo:8.2f} (aim: at least 0.5)")


if __name__ == "__main__":
    main()
