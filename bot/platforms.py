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
from bot.health import CannotListen, serve_operator, shared_server
from bot.web import WebServer

log = logging.getLogger(__name__)
# How long work in flight may go on after SIGTERM: with the adapters' own close-down after it,
# a stop fits inside the 10 s that Docker and systemd allow by default before SIGKILL.
GRACE = 6.0


def build_adapters(
    runtime: Runtime, settings: Settings, web: WebServer | None = None,
) -> list[PlatformAdapter]:
    """Create an adapter for each platform whose token is set (a webhook on `web` if given)."""
    adapters: list[PlatformAdapter] = []
    if settings.telegram_bot_token:
        from bot.adapters.telegram.adapter import TelegramAdapter

        adapters.append(TelegramAdapter(runtime, settings, web=web))
    if settings.discord_bot_token:
        from bot.adapters.discord.adapter import DiscordAdapter

        adapters.append(DiscordAdapter(runtime, settings))
    return adapters


def _stop_on_signals(stop: asyncio.Event | None) -> asyncio.Event:
    """Return `stop` (or a new event), set by SIGTERM or SIGINT."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    return stop


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Start every configured adapter, run until SIGTERM/SIGINT (or `stop`), then shut down."""
    runtime = await open_or_explain(settings)
    if runtime is None:
        return 2
    stop = _stop_on_signals(stop)
    shared = shared_server(settings)
    adapters = build_adapters(runtime, settings, web=shared)
    started: list[PlatformAdapter] = []
    code, server = 0, None
    try:
        # HTTP_LISTEN: /healthz and /metrics (with the webhook, when it listens there too).
        server = await serve_operator(settings, runtime, adapters, server=shared)
        for adapter in adapters:
            runtime.router.register(adapter.platform, adapter)
            await adapter.start()
            started.append(adapter)
            log.info("%s connected", adapter.platform)
        runtime.clockwork.start()
        await _until_stopped(stop, started)
        log.info("shutting down")
    except (BadToken, CannotListen) as exc:
        print(f"herocoach: {exc}", file=sys.stderr)
        code = 2
    finally:
        if server is not None:
            await server.stop()
        await _wind_down(runtime, started)
    return code


async def _until_stopped(stop: asyncio.Event, adapters: list[PlatformAdapter]) -> None:
    """Return on SIGTERM/SIGINT; raise BadToken when a platform refuses the token mid-run."""
    waits = {asyncio.ensure_future(stop.wait())}
    waits |= {asyncio.ensure_future(adapter.failed()) for adapter in adapters}
    try:
        done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waits:
            waiter.cancel()
    for finished in done:
        result = finished.result()
        if isinstance(result, BadToken):
            raise result


async def _wind_down(runtime: Runtime, adapters: list[PlatformAdapter]) -> None:
    """Stop in the order that loses nothing: intake, then work in flight, then connections, then DB.

    No new updates or claims are taken; updates being handled and the sweep being sent get
    GRACE seconds; what the sweep has not sent by then is released for after the restart.
    Only then do the platforms' HTTP clients close, so nothing is sent into a closed client.
    """
    stopping = [runtime.stop_sending(GRACE)]
    stopping += [adapter.quiesce(GRACE) for adapter in adapters]
    for failure in await asyncio.gather(*stopping, return_exceptions=True):
        if isinstance(failure, Exception):
            log.warning("while stopping: %s", failure)
    for adapter in reversed(adapters):
        try:
            await adapter.stop()
        except Exception:
            log.exception("error while stopping %s", adapter.platform)
    await runtime.close()


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

    stop = _stop_on_signals(stop)
    adapter = TelegramAdapter(runtime, settings)
    code, connected, server = 0, False, None
    try:
        server = await serve_operator(settings, runtime, [adapter])
        await adapter.connect()  # the HTTP client only: updates stay with the main process
        connected = True
        runtime.router.register(adapter.platform, adapter)
        runtime.clockwork.start()
        log.info("worker sweeping")
        await _until_stopped(stop, [adapter])  # or until Telegram refuses the token
        log.info("shutting down")
    except (BadToken, CannotListen) as exc:
        print(f"herocoach: {exc}", file=sys.stderr)
        code = 2
    finally:
        if server is not None:
            await server.stop()
        # The sweep finishes (or releases what it can't send) before the HTTP client closes.
        await runtime.stop_sending(GRACE)
        if connected:
            await adapter.stop()
        await runtime.close()
    return code
