"""The emulator's webhook side behaves as the Bot API does, seen through real PTB calls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, TOKEN
from tests.telegram.webhooks import SECRET_HEADER

PUBLIC = "https://hooks.example.org"


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN) as emu:
        emu.webhook.retry_delay = 0.05
        yield emu


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[list[tuple[str | None, dict]], list[int], str]]:
    """A bare HTTP endpoint that answers with the statuses queued in `answers` (then 200)."""
    seen: list[tuple[str | None, dict]] = []
    answers: list[int] = []

    async def hook(request: web.Request) -> web.Response:
        seen.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield seen, answers, f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_set_webhook_is_checked_as_telegram_checks_it(emulator: TelegramEmulator) -> None:
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        for url, why in (("http://hooks.example.org/hook", "(?i)https url must be provided"),
                         ("https://hooks.example.org:8080/hook", "(?i)ports 80, 88, 443 or 8443")):
            with pytest.raises(BadRequest, match=why):
                await bot.set_webhook(url)
        with pytest.raises(BadRequest, match="(?i)unallowed characters"):
            await bot.set_webhook(f"{PUBLIC}/hook", secret_token="no spaces")
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.set_webhook(f"{PUBLIC}:8443/hook", secret_token="s3cret",
                                     allowed_updates=["message"])
        info = await bot.get_webhook_info()
        assert info.url == f"{PUBLIC}:8443/hook" and info.allowed_updates == ("message",)
        with pytest.raises(Conflict, match="(?i)webhook is active"):
            await bot.get_updates()
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.get_updates(timeout=0) == ()


async def test_updates_are_pushed_with_the_secret_and_retried_until_taken(
    emulator: TelegramEmulator, receiver: tuple[list, list[int], str],
) -> None:
    seen, answers, local = receiver
    emulator.webhook.route(PUBLIC, local)
    first = emulator.inject(updates.command(ALICE, "/start"))  # waiting before the webhook is set
    answers.extend([500, 502])
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        await bot.set_webhook(f"{PUBLIC}/hook", secret_token="s3cret")
        second = emulator.inject(updates.private_message(ALICE, "hi"))
        async with asyncio.timeout(10):
            while len(seen) < 4 or emulator.update_queue.pending:  # noqa: ASYNC110 - HTTP arrives
                await asyncio.sleep(0.02)
        info = await bot.get_webhook_info()
    assert [update["update_id"] for _, update in seen] == [first["update_id"]] * 3 + [
        second["update_id"]]
    assert {secret for secret, _ in seen} == {"s3cret"}
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 502"
    assert [status for _, status in emulator.webhook.deliveries] == [500, 502, 200, 200]
