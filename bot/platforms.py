"""Run the connected platforms together in one event loop, on one database, until SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from bot.adapters.base import BadToken, PlatformAdapter
from bot.app import Runtime, open_or_explain
from bot.config import Settings

log = logging.getLogger(__name__)


def build_adapters(runtime: Runtime, settings: Settings) -> list[PlatformAdapter]:
    """Create an adapter for each platform whose token is set."""
    adapters: list[PlatformAdapter] = []
    if settings.telegram_bot_token:
        from bot.adapters.telegram.adapter import TelegramAdapter

        adapters.append(TelegramAdapter(runtime, settings))
    if settings.discord_bot_token:
        from bot.adapters.discord.adapter import DiscordAdapter

        adapters.append(DiscordAdapter(runtime, settings))
    return adapters


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Start every configured adapter, run until SIGTERM/SIGINT (or `stop`), then shut down."""
    runtime = await open_or_explain(settings)
    if runtime is None:
        return 2
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    adapters = build_adapters(runtime, settings)
    started: list[PlatformAdapter] = []
    code = 0
    try:
        for adapter in adapters:
            runtime.router.register(adapter.platform, adapter, getattr(adapter, "limits", None))
            await adapter.start()
            started.append(adapter)
            log.info("%s connected", adapter.platform)
        runtime.clockwork.start()
        await stop.wait()
        log.info("shutting down")
    except BadToken as exc:
        print(f"herocoach: {exc}", file=sys.stderr)
        code = 2
    finally:
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("error while stopping %s", adapter.platform)
        await runtime.close()
    return code


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Sweep and send only, with no polling or gateway: a second process beside the bot."""
    if settings.discord_bot_token or not settings.telegram_bot_token:
        print("herocoach: worker mode sends through Telegram only: set TELEGRAM_BOT_TOKEN and "
              "leave DISCORD_BOT_TOKEN unset for the worker", file=sys.stderr)
        return 2
    runtime = await open_or_explain(settings, answers=False)
    if runtime is None:
        return 2
    from bot.adapters.telegram.adapter import TelegramAdapter

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    adapter = TelegramAdapter(runtime, settings)
    code, connected = 0, False
    try:
        await adapter.connect()  # the HTTP client only: updates stay with the main process
        connected = True
        runtime.router.register(adapter.platform, adapter, getattr(adapter, "limits", None))
        runtime.clockwork.start()
        log.info("worker sweeping")
        await stop.wait()
        log.info("shutting down")
    except BadToken as exc:
        print(f"herocoach: {exc}", file=sys.stderr)
        code = 2
    finally:
        await runtime.clockwork.stop()
        if connected:
            await adapter.stop()
        await runtime.close()
    return code
