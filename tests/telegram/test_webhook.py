"""Webhook mode: real PTB behind our aiohttp server, the emulator POSTing updates as Telegram does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pydantic import ValidationError

from bot.adapters.base import BadSetting
from bot.adapters.telegram.webhook import MAX_BODY
from bot.config import Settings
from bot.core.events import Identity
from bot.core.models import Schedule
from bot.platforms import run_worker
from bot.storage.store import Store
from bot.web import WebServer
from tests.postgres_server import free_port
from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import (
    ALICE,
    BOB,
    SECRET,
    TOKEN,
    WEBHOOK_URL,
    TelegramBot,
    running_bot,
    webhook_settings,
)
from tests.telegram.test_adapter_process import bot_env, start_bot
from tests.telegram.updates import JSON, User

CAROL = User(1004, "Carol")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[TelegramBot]:
    async with running_bot(tmp_path, webhook_port=free_port()) as running:
        yield running


async def seen_ids(bot: TelegramBot) -> list[int]:
    rows = await bot.runtime.store.db.fetchall("SELECT update_id FROM seen_updates ORDER BY update_id")
    return [row[0] for row in rows]


def replies_to(bot: TelegramBot, chat_id: int) -> list[JSON]:
    return [c.params for c in bot.emulator.calls if c.method == "sendMessage"
            and c.params.get("chat_id") == chat_id]


async def test_hero_round_trip_over_the_webhook(bot: TelegramBot) -> None:
    [registered] = bot.emulator.calls_to("setWebhook")
    assert registered == {"url": WEBHOOK_URL, "secret_token": SECRET, "drop_pending_updates": False,
                          "allowed_updates": ["message", "callback_query", "my_chat_member"]}
    mark = bot.mark()
    bot.say(ALICE, "/hero")
    keyboard = await bot.sent(ALICE.id, mark, markup=True)
    assert keyboard["reply_markup"]["inline_keyboard"][0][0]["text"] == "All clear, let's start"
    edited = await bot.step(ALICE, "All clear")
    assert edited["text"] != keyboard["text"]
    info = bot.emulator.webhook.info()
    assert info["url"] == WEBHOOK_URL and info["pending_update_count"] == 0
    assert "last_error_message" not in info
    assert {status for _, status in bot.emulator.webhook.deliveries} == {200}
    assert bot.emulator.calls_to("getUpdates") == []
    assert len(await seen_ids(bot)) == 2


@pytest.mark.parametrize(("secret", "status"), [("", 401), ("not-the-secret", 403),
                                                (SECRET[:-1], 403), (SECRET + "x", 403)])
async def test_a_request_without_the_right_secret_is_refused_and_nothing_handled(
    bot: TelegramBot, secret: str, status: int, caplog: pytest.LogCaptureFixture,
) -> None:
    update = bot.emulator.inject(updates.command(ALICE, "/help"), queue=False)
    assert await bot.emulator.webhook.post(update, secret=secret) == status
    await asyncio.sleep(0.3)
    assert replies_to(bot, ALICE.id) == [] and await seen_ids(bot) == []
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and "secret header" in refusals[0]
    assert not any(SECRET in r.getMessage() or (secret and secret in r.getMessage())
                   for r in caplog.records)
    # The same update with the secret is taken in: the refusal recorded nothing.
    mark = bot.mark()
    assert await bot.emulator.webhook.post(update) == 200
    await bot.sent(ALICE.id, mark)
    assert await seen_ids(bot) == [update["update_id"]]


async def test_an_update_posted_twice_is_handled_once(bot: TelegramBot) -> None:
    once = bot.emulator.inject(updates.command(CAROL, "/help"), queue=False)
    again = bot.emulator.inject(updates.command(ALICE, "/help"), queue=False)
    at_once = bot.emulator.inject(updates.command(BOB, "/help"), queue=False)
    assert await bot.emulator.webhook.post(once) == 200
    assert await bot.emulator.webhook.post(again) == 200
    assert await bot.emulator.webhook.post(again) == 200
    assert await asyncio.gather(*(bot.emulator.webhook.post(at_once) for _ in range(5))) == [200] * 5
    await bot.sync()
    await asyncio.sleep(0.3)
    one_answer = len(replies_to(bot, CAROL.id))
    assert one_answer >= 1
    assert len(replies_to(bot, ALICE.id)) == len(replies_to(bot, BOB.id)) == one_answer
    assert {again["update_id"], at_once["update_id"]} <= set(await seen_ids(bot))


async def test_an_oversized_or_broken_body_is_refused_without_harm(bot: TelegramBot) -> None:
    update = bot.emulator.inject(updates.private_message(ALICE, "hello"), queue=False)
    huge = json.dumps({**update, "padding": "x" * MAX_BODY}).encode()
    webhook = bot.emulator.webhook
    assert await webhook.post(update, body=huge) == 413
    assert await webhook.post(update, body=b'{"update_id": 5, "message": {') == 400
    assert await webhook.post(update, body=b'["not", "an", "update"]') == 400
    unreadable = {"update_id": 10**9, "message": {"chat": "not a chat"}}
    assert await webhook.post(unreadable) == 200  # the same bytes again would not help
    await asyncio.sleep(0.3)
    assert replies_to(bot, ALICE.id) == [] and await seen_ids(bot) == []
    mark = bot.mark()
    bot.say(ALICE, "/help")  # still answering
    await bot.sent(ALICE.id, mark)


async def test_update_ids_older_than_a_day_are_pruned(bot: TelegramBot) -> None:
    old = bot.emulator.inject(updates.command(ALICE, "/help"), queue=False)
    assert await bot.emulator.webhook.post(old) == 200
    bot.clock.advance(hours=25)
    new = bot.emulator.inject(updates.command(BOB, "/help"), queue=False)
    assert await bot.emulator.webhook.post(new) == 200
    async with asyncio.timeout(5):
        while await seen_ids(bot) != [new["update_id"]]:  # noqa: ASYNC110 - pruned in the background
            await asyncio.sleep(0.05)


async def test_a_clean_stop_leaves_the_webhook_set(tmp_path: Path) -> None:
    async with running_bot(tmp_path, webhook_port=free_port()) as bot:
        await bot.adapter.quiesce(1)
        update = bot.emulator.inject(updates.command(ALICE, "/help"), queue=False)
        assert await bot.emulator.webhook.post(update) == 503  # Telegram sends it again later
        await bot.adapter.stop()
        assert bot.emulator.calls_to("deleteWebhook") == []
        assert bot.emulator.webhook.active
        assert await seen_ids(bot) == []


@pytest.mark.parametrize(("settings", "problem"), [
    ({"telegram_webhook_url": WEBHOOK_URL}, "must be set when TELEGRAM_WEBHOOK_URL is"),
    ({"telegram_webhook_url": WEBHOOK_URL, "telegram_webhook_secret": "has spaces"},
     "only A-Z, a-z, 0-9, _ and -"),
    ({"telegram_webhook_url": WEBHOOK_URL, "telegram_webhook_secret": "x" * 257}, "1-256"),
    ({"telegram_webhook_url": "http://bot.example.com/hook", "telegram_webhook_secret": SECRET},
     "public https:// address"),
    ({"telegram_webhook_listen": "8443"}, "host:port"),
])
def test_webhook_settings_are_checked_with_one_clear_line(settings: dict, problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **settings)
    [error] = caught.value.errors()
    assert problem in error["msg"]
    assert SECRET not in str(caught.value)


async def test_a_refused_webhook_url_is_one_line(tmp_path: Path) -> None:
    async with running_bot(tmp_path, polling=False, webhook_port=free_port()) as bot:
        bot.emulator.bad_request("setWebhook", "bad webhook: Failed to resolve host")
        assert bot.adapter.webhook is not None
        with pytest.raises(BadSetting, match="could not set the webhook to TELEGRAM_WEBHOOK_URL "
                           f"{WEBHOOK_URL}: Bad webhook: failed to resolve host"):
            await bot.adapter.webhook.start()


async def test_a_taken_port_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    port = free_port()
    taken = await asyncio.start_server(lambda r, w: None, "127.0.0.1", port)
    try:
        async with running_bot(tmp_path, polling=False) as stand_in:
            emulator = stand_in.emulator
            settings = webhook_settings(emulator, port)
            env = bot_env(emulator, tmp_path, TOKEN, LOG_LEVEL="WARNING",
                          **{key.upper(): value for key, value in settings.items()})
            process = await start_bot(env, tmp_path)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        taken.close()
    assert process.returncode == 2
    assert stderr.decode().splitlines() == [
        f"herocoach: cannot listen on 127.0.0.1:{port} (TELEGRAM_WEBHOOK_LISTEN): "
        "Address already in use"]


async def test_the_webhook_shares_a_server_with_other_routes(tmp_path: Path) -> None:
    port = free_port()
    server = WebServer("127.0.0.1", port)
    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server.add_routes([web.get("/healthz", healthz)])
    async with running_bot(tmp_path, webhook_port=port, web=server) as bot:
        await server.start()  # the owner starts it once every part has added its routes
        try:
            mark = bot.mark()
            bot.say(ALICE, "/help")
            await bot.sent(ALICE.id, mark)
            async with aiohttp.ClientSession() as client, \
                    client.get(f"http://127.0.0.1:{port}/healthz") as answer:
                assert (answer.status, await answer.text()) == (200, "ok")
            await bot.adapter.stop()
            async with aiohttp.ClientSession() as client, \
                    client.get(f"http://127.0.0.1:{port}/healthz") as answer:
                assert answer.status == 200  # the adapter leaves a shared server running
        finally:
            await server.stop()


async def test_a_token_revoked_while_on_the_webhook_exits_2_with_one_line(tmp_path: Path) -> None:
    # No getUpdates to notice it: the next call that answers 401 must end the run, as polling's does.
    port = free_port()
    async with TelegramEmulator(TOKEN) as emulator:
        settings = webhook_settings(emulator, port)
        env = bot_env(emulator, tmp_path, TOKEN, LOG_LEVEL="WARNING",
                      **{key.upper(): value for key, value in settings.items()})
        process = await start_bot(env, tmp_path)
        try:
            await emulator.wait_for("setWebhook", timeout=60)
            emulator.token = "revoked"
            emulator.inject(updates.command(ALICE, "/help"))
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.decode()
    assert process.returncode == 2, log
    assert log.splitlines()[-1] == "herocoach: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
    assert "Traceback" not in log and TOKEN not in log



async def test_a_token_revoked_under_a_worker_ends_it_on_the_next_send(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with TelegramEmulator(TOKEN) as emulator:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN, sweep_seconds=0.5,
                            telegram_api_base_url=emulator.base_url, database_url=url)
        worker = asyncio.create_task(run_worker(settings, asyncio.Event()))
        await emulator.wait_for("getMe", timeout=30)
        emulator.token = "revoked"
        store = await Store.open(url)
        try:
            now = datetime.now(UTC)
            person = await store.people.upsert(Identity("telegram", str(ALICE.id)), now, "1001", "A")
            await store.schedules.save(Schedule(
                0, person.id, "breaks", time(0), frozenset(range(7)), "UTC", every_minutes=480,
                end=time(23, 59)), now)
            await store.db.execute("UPDATE schedules SET next_due_at = ?",
                                   (store.db.time(now - timedelta(seconds=1)),))
        finally:
            await store.close()
        # The nudge's sendMessage gets 401 (the emulator logs no call for a wrong token).
        assert await asyncio.wait_for(worker, 30) == 2
