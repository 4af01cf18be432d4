"""Start the bot: the console when no tokens are set, otherwise the connected platforms."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

from bot.adapters.console import PLATFORM as CONSOLE
from bot.adapters.console import ConsoleChat, default_user
from bot.app import Runtime, open_or_explain
from bot.config import Settings
from bot.logs import setup_logging

log = logging.getLogger(__name__)


async def _open(settings: Settings, db: str | None = None) -> Runtime | None:
    # The console is for trying the bot out, so a 1-minute interval shows a nudge quickly.
    config = replace(settings.core_config(), min_break_interval=timedelta(minutes=1))
    return await open_or_explain(
        settings, database_url=f"sqlite:///{db}" if db else None, config=config)


async def run_console(settings: Settings, user: str | None = None, db: str | None = None,
                      images: bool = True) -> int:
    """Chat in this terminal until EOF; return the exit code."""
    # The chat shares the terminal with the log, so only warnings and errors go there.
    setup_logging("WARNING" if settings.log_level in ("INFO", "DEBUG") else settings.log_level,
                  settings.secrets())
    runtime = await _open(settings, db)
    if runtime is None:
        return 2
    chat = ConsoleChat(runtime.core, (user or "").strip() or default_user(), images=images)
    runtime.router.register(CONSOLE, chat)
    runtime.clockwork.start()
    try:
        await chat.run()
    finally:
        chat.close()
        await runtime.close()
    return 0


def run_bot(settings: Settings) -> int:
    """Run with the platforms whose tokens are set, or the console when none are."""
    if not settings.telegram_bot_token and not settings.discord_bot_token:
        try:
            return asyncio.run(run_console(settings))
        except KeyboardInterrupt:
            return 0
    setup_logging(settings.log_level, settings.secrets())
    from bot.platforms import run_platforms

    return asyncio.run(run_platforms(settings))
