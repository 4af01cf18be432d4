"""/healthz and /metrics: the real web server, real PostgreSQL, the Telegram emulator behind a proxy."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.core.context import CoreConfig
from bot.core.events import DeliveryStatus, Identity, Outbound
from bot.health import CannotListen, Connected, operator_routes, serve_operator
from bot.metrics import PrometheusMetrics
from bot.platforms import run_platforms, run_worker
from bot.web import WebServer
from tests.cutting_proxy import CuttingProxy
from tests.postgres_server import FAST, PG_BIN, PostgresServer, free_port
from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, BOB, PUBLIC, SECRET, TOKEN, WEBHOOK_URL, running_bot
from tests.telegram.test_adapter_process import bot_env, start_bot

# Long enough for a reconnect on a loaded machine (the poller backs off up to 5 s).
FLIP_WITHIN = 30.0


class StoppablePostgres(PostgresServer):
    """A test server that can be stopped and started again on the same port and data."""

    def _pg_ctl(self, *args: str) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), *args)

    def halt(self) -> None:
        """Stop the server (fast: open connections are closed), keeping its data."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start the stopped server again."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {FAST}"
        self._pg_ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")


@contextlib.asynccontextmanager
async def serving(runtime: Runtime, adapters: list[Connected]) -> AsyncIterator[str]:
    """Serve the operator routes on a free loopback port; yield the base URL."""
    server = WebServer("127.0.0.1", free_port())
    server.add_routes(operator_routes(runtime, adapters))
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def answer(url: str) -> tuple[int, str]:
    """Return (status, text), or (0, why) while nothing listens yet."""
    try:
        return await get(url)
    except aiohttp.ClientConnectionError as exc:
        return 0, str(exc)


async def until(url: str, wanted: Callable[[int, str], bool], seconds: float = FLIP_WITHIN,
                ) -> tuple[int, str, float]:
    """Ask `url` until the answer is wanted; return it and how long it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, text = await answer(url)
    while not wanted(status, text):
        assert loop.time() - started < seconds, f"still {status} {text!r} after {seconds:.0f} s"
        await asyncio.sleep(0.2)
        status, text = await answer(url)
    return status, text, loop.time() - started


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse Prometheus text into {(sample name, sorted labels): value}."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(parsed: dict, name: str, **labels: str) -> float:
    return parsed.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_healthz_flips_to_503_when_postgresql_stops_and_back_when_it_returns() -> None:
    server = StoppablePostgres().start()
    try:
        runtime = await build_runtime(database_url=server.new_database("health"), config=CoreConfig(),
                                      answers=False)
        try:
            async with serving(runtime, []) as base:
                assert await get(f"{base}/healthz") == (200, "ok: database\n")
                server.halt()
                status, text, took = await until(f"{base}/healthz", lambda s, _: s == 503)
                print(f"503 after the stop: {took:.2f} s: {text.strip()}")
                assert text.startswith("database: not answering (")
                server.resume()
                status, text, took = await until(f"{base}/healthz", lambda s, _: s == 200)
                print(f"200 again after the restart: {took:.2f} s")
                assert text == "ok: database\n"
        finally:
            await runtime.close()
    finally:
        server.stop()


async def test_healthz_flips_to_503_when_telegram_goes_away_and_back(tmp_path: Path) -> None:
    async with TelegramEmulator(TOKEN) as emulator:
        proxy = await CuttingProxy(emulator.port).start()
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN,
                            telegram_api_base_url=f"http://127.0.0.1:{proxy.port}/bot")
        runtime = await build_runtime(database_url=f"sqlite:///{tmp_path / 'bot.db'}",
                                      config=CoreConfig(), answers=False)
        adapter = TelegramAdapter(runtime, settings, poll_timeout=1)
        try:
            async with serving(runtime, [adapter]) as base:
                status, text = await get(f"{base}/healthz")
                assert (status, text) == (503, "telegram: not connected\n")  # not started yet
                await adapter.start()
                await emulator.wait_for("getUpdates")
                assert await get(f"{base}/healthz") == (200, "ok: database, telegram\n")
                await proxy.cut()
                status, text, took = await until(f"{base}/healthz", lambda s, _: s == 503)
                print(f"503 after the cut: {took:.2f} s: {text.strip()}")
                assert text.startswith("telegram: not connected since ")
                assert " UTC (" in text and "database" not in text
                await proxy.restore()
                status, text, took = await until(f"{base}/healthz", lambda s, _: s == 200)
                print(f"200 again after the restore: {took:.2f} s")
                assert text == "ok: database, telegram\n"
        finally:
            await adapter.stop()
            await runtime.close()
            await proxy.close()


async def test_without_polling_healthz_follows_the_sends(tmp_path: Path) -> None:
    """A worker (or a webhook process) polls nothing: failing API calls are what it sees."""
    async with TelegramEmulator(TOKEN) as emulator:
        proxy = await CuttingProxy(emulator.port).start()
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN,
                            telegram_api_base_url=f"http://127.0.0.1:{proxy.port}/bot")
        runtime = await build_runtime(database_url=f"sqlite:///{tmp_path / 'bot.db'}",
                                      config=CoreConfig(), answers=False)
        adapter = TelegramAdapter(runtime, settings)
        nudge = Outbound(to=Identity("telegram", str(ALICE.id)), text="Time to get up.")
        try:
            async with serving(runtime, [adapter]) as base:
                await adapter.connect()
                assert await get(f"{base}/healthz") == (200, "ok: database, telegram\n")
                await proxy.cut()
                assert (await adapter.send(nudge)).status is DeliveryStatus.NOT_SENT
                status, text = await get(f"{base}/healthz")
                print(text.strip())
                assert status == 503 and text.startswith("telegram: no answer from the Bot API since ")
                await proxy.restore()
                # Telegram answers again (that Alice never opened the chat doesn't matter here).
                assert (await adapter.send(nudge)).status is not DeliveryStatus.NOT_SENT
                assert await get(f"{base}/healthz") == (200, "ok: database, telegram\n")
        finally:
            await adapter.stop()
            await runtime.close()
            await proxy.close()


async def test_metrics_count_a_hero_round_trip_a_question_a_nudge_and_a_429(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot, serving(bot.runtime, [bot.adapter]) as base:
        mark = bot.mark()
        bot.say(ALICE, "/hero")
        await bot.sent(ALICE.id, mark, markup=True)
        await bot.step(ALICE, "All clear")
        # One 429 on the next message: the limiter waits it out and the message still goes.
        bot.emulator.rate_limit("sendMessage", 1, chat_id=ALICE.id)
        mark = bot.mark()
        bot.say(ALICE, "/help")
        await bot.sent(ALICE.id, mark)
        bot.say(ALICE, "/ask why should I tuck my tail?")
        await bot.sync()
        # Bob, not Alice: her /hero session is open, and a nudge then would be held back.
        mark = bot.mark()
        bot.say(BOB, "/breaks every 10m 00:00-23:59 daily")
        await bot.sent(BOB.id, mark)
        await bot.sync()
        bot.clock.advance(minutes=11)
        mark = bot.mark()
        assert await bot.runtime.clockwork.tick() >= 1
        await bot.sent(BOB.id, mark, markup=True)
        # Bob blocks the bot: the next nudge is a delivery error of the kind "unreachable".
        bot.emulator.block(BOB.id)
        bot.clock.advance(minutes=10)
        assert await bot.runtime.clockwork.tick() >= 1

        status, text = await get(f"{base}/metrics")
    assert status == 200
    parsed = samples(text)
    handled = {kind: value(parsed, "herocoach_updates_handled_total", platform="telegram", kind=kind)
               for kind in ("Command", "ButtonPress")}
    print(handled, {name: v for (name, labels), v in parsed.items() if name.startswith(
        ("herocoach_nudges", "herocoach_faq", "herocoach_rate", "herocoach_deliveries"))})
    assert handled["Command"] >= 5  # /hero, /help, /ask, /breaks and the harness's /help syncs
    assert handled["ButtonPress"] == 1
    assert value(parsed, "herocoach_replies_total", platform="telegram") >= 5
    assert value(parsed, "herocoach_faq_outcomes_total", outcome="answer") == 1
    assert value(parsed, "herocoach_matching_seconds_count") == 1
    assert value(parsed, "herocoach_rate_limited_total", platform="telegram") == 1
    assert value(parsed, "herocoach_nudges_claimed_total") == 2
    assert value(parsed, "herocoach_nudges_total", outcome="sent") == 1
    assert value(parsed, "herocoach_nudges_total", outcome="unreachable") == 1
    assert value(parsed, "herocoach_nudges_total", outcome="lost") == 0
    assert value(parsed, "herocoach_deliveries_total", platform="telegram", result="sent") == 1
    assert value(parsed, "herocoach_delivery_errors_total", platform="telegram", kind="unreachable") == 1
    assert value(parsed, "herocoach_sweep_seconds_count") >= 2


async def test_each_metrics_has_its_own_registry() -> None:
    first, second = PrometheusMetrics(), PrometheusMetrics()
    first.faq_outcome("answer")
    assert first.faq.labels("answer")._value.get() == 1
    assert second.faq.labels("answer")._value.get() == 0


def test_http_listen_must_be_host_and_port() -> None:
    with pytest.raises(ValueError, match="HTTP_LISTEN must look like 0.0.0.0:8080"):
        Settings(_env_file=None, http_listen="8080")
    assert Settings(_env_file=None).http_listen is None


async def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    runtime = await build_runtime(database_url=f"sqlite:///{tmp_path / 'bot.db'}",
                                  config=CoreConfig(), answers=False)
    taken = WebServer("127.0.0.1", free_port())
    await taken.start()
    try:
        settings = Settings(_env_file=None, http_listen=f"127.0.0.1:{taken.port}")
        with pytest.raises(CannotListen, match=r"cannot serve HTTP_LISTEN=127\.0\.0\.1:\d+: address "
                                               r"already in use"):
            await serve_operator(settings, runtime, [])
    finally:
        await taken.stop()
        await runtime.close()


async def test_python_m_bot_with_http_listen_answers_healthz_and_metrics(tmp_path: Path) -> None:
    port = free_port()
    async with TelegramEmulator(TOKEN) as emulator:
        env = bot_env(emulator, tmp_path, TOKEN, HTTP_LISTEN=f"127.0.0.1:{port}")
        process = await start_bot(env, tmp_path)
        try:
            await emulator.wait_for("getUpdates", timeout=30)
            base = f"http://127.0.0.1:{port}"
            status, text, _ = await until(f"{base}/healthz", lambda s, _: s == 200, seconds=10)
            assert text == "ok: database, telegram\n"
            emulator.inject(updates.command(ALICE, "/hero"))
            await emulator.wait_for("sendMessage", lambda p: "reply_markup" in p)
            status, text = await get(f"{base}/metrics")
            assert status == 200
            assert value(samples(text), "herocoach_updates_handled_total", platform="telegram",
                         kind="Command") == 1
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert f"serving HTTP on 127.0.0.1:{port}" in log and "Traceback" not in log
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(f"{base}/healthz")  # the server stopped with the bot


async def test_the_worker_serves_healthz_too(tmp_path: Path) -> None:
    port = free_port()
    async with TelegramEmulator(TOKEN) as emulator:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN,
                            telegram_api_base_url=emulator.base_url, http_listen=f"127.0.0.1:{port}",
                            database_url=f"sqlite:///{tmp_path / 'bot.db'}")
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            status, text, _ = await until(f"http://127.0.0.1:{port}/healthz", lambda s, _: s == 200,
                                          seconds=20)
            assert text == "ok: database, telegram\n"
        finally:
            stop.set()
            assert await asyncio.wait_for(worker, 20) == 0


def test_sweep_timing_wraps_the_sweep() -> None:
    metrics = PrometheusMetrics()

    async def sweep() -> int:
        await asyncio.sleep(0.01)
        return 3

    assert asyncio.run(metrics.timed_sweep(sweep)()) == 3
    assert metrics.sweep._sum.get() >= 0.01


async def test_webhook_and_healthz_share_one_address(tmp_path: Path) -> None:
    port = free_port()
    async with TelegramEmulator(TOKEN) as emulator:
        emulator.webhook.route(PUBLIC, f"http://127.0.0.1:{port}")
        settings = Settings(
            _env_file=None, telegram_bot_token=TOKEN, telegram_api_base_url=emulator.base_url,
            http_listen=f"127.0.0.1:{port}", telegram_webhook_url=WEBHOOK_URL,
            telegram_webhook_listen=f"127.0.0.1:{port}", telegram_webhook_secret=SECRET,
            database_url=f"sqlite:///{tmp_path / 'bot.db'}")
        stop = asyncio.Event()
        bot = asyncio.create_task(run_platforms(settings, stop))
        try:
            base = f"http://127.0.0.1:{port}"
            status, text, _ = await until(f"{base}/healthz", lambda s, _: s == 200, seconds=30)
            assert text == "ok: database, telegram\n"
            emulator.inject(updates.command(ALICE, "/hero"))
            await emulator.wait_for("sendMessage", lambda p: "reply_markup" in p, timeout=20)
            status, text = await get(f"{base}/metrics")
            assert value(samples(text), "herocoach_updates_handled_total", platform="telegram",
                         kind="Command") == 1
        finally:
            stop.set()
            assert await asyncio.wait_for(bot, 30) == 0
