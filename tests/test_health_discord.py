"""/healthz follows the Discord gateway (the emulator behind a proxy); /metrics counts Discord's 429s."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.app import runtime_from_settings
from tests.cutting_proxy import CuttingProxy
from tests.discord.conftest import MEMBER, DiscordUser, running, settings_for
from tests.discord.emulator import API_PREFIX, DiscordEmulator
from tests.test_health import get, samples, serving, until, value


class ProxiedDiscord(DiscordEmulator):
    """The emulator, telling the bot to (re)connect to its gateway through the proxy."""

    proxy_port = 0

    @property
    def gateway_url(self) -> str:
        """Return the gateway URL READY gives for resuming: the proxy's, once there is one."""
        return f"ws://127.0.0.1:{self.proxy_port or self.port}/gateway"


@pytest.fixture
async def emu() -> AsyncIterator[ProxiedDiscord]:
    async with ProxiedDiscord() as emulator:
        yield emulator


async def test_healthz_flips_to_503_when_the_gateway_goes_away_and_back(
    emu: ProxiedDiscord, tmp_path: Path
) -> None:
    proxy = await CuttingProxy(emu.port).start()
    emu.proxy_port = proxy.port  # a resume must not go around the proxy
    settings = settings_for(emu, tmp_path).model_copy(update={
        "discord_api_base_url": f"http://127.0.0.1:{proxy.port}{API_PREFIX}",
        "discord_gateway_url": emu.gateway_url,
    })
    runtime = await runtime_from_settings(settings, answers=False)
    adapter = DiscordAdapter(runtime, settings, guild_ready_timeout=0.05)
    try:
        async with serving(runtime, [adapter]) as base:
            status, text = await get(f"{base}/healthz")
            assert status == 503 and text.startswith("discord: not connected yet")
            await adapter.start()
            await emu.wait_ready()
            assert await get(f"{base}/healthz") == (200, "ok: database, discord\n")
            await proxy.cut()
            status, text, took = await until(f"{base}/healthz", lambda s, _: s == 503)
            print(f"503 after the cut: {took:.2f} s: {text.strip()}")
            assert text.startswith("discord: gateway not connected since ")
            await asyncio.sleep(1)
            assert (await get(f"{base}/healthz"))[0] == 503  # still cut off: no way around it
            await proxy.restore()
            status, text, took = await until(f"{base}/healthz", lambda s, _: s == 200)
            print(f"200 again after the restore: {took:.2f} s")
        await emu.wait_ready()
    finally:
        await adapter.stop()
        await runtime.close()
        await proxy.close()
    assert len(emu.gateway_queries) >= 2  # it really reconnected


async def test_metrics_count_discord_429s(emu: DiscordEmulator, tmp_path: Path) -> None:
    async with running(settings_for(emu, tmp_path), emu) as bot, serving(bot.runtime, []) as base:
        # discord.py waits out a 429 (with Via, as Discord sends it) and retries by itself.
        emu.rate_limit_next("POST", "/callback", retry_after=0.2)
        await DiscordUser(emu, MEMBER).slash("help")
        status, text = await get(f"{base}/metrics")
    assert status == 200
    parsed = samples(text)
    assert value(parsed, "herocoach_rate_limited_total", platform="discord") == 1
    assert value(parsed, "herocoach_updates_handled_total", platform="discord", kind="Command") == 1
