"""With the settings left alone the bot talks to Discord itself, and patches nothing to do so."""

from __future__ import annotations

import discord
import pytest
import yarl

from bot.adapters.discord.endpoints import DISCORD_API, DISCORD_GATEWAY, use_endpoints
from bot.config import Settings


@pytest.fixture
def untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DISCORD_* in the environment, and discord.py's globals put back after the test."""
    for name in ("DISCORD_API_BASE_URL", "DISCORD_GATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


def test_the_defaults_are_discords_real_urls(untouched: None) -> None:
    settings = Settings(_env_file=None)
    assert settings.discord_api_base_url == DISCORD_API == "https://discord.com/api/v10"
    assert settings.discord_gateway_url == DISCORD_GATEWAY == "wss://gateway.discord.gg"
    # ...and they are what discord.py itself uses when nobody overrides it.
    assert discord.http.Route.BASE == DISCORD_API
    assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL(DISCORD_GATEWAY + "/")


def test_nothing_is_patched_when_the_settings_are_the_defaults(untouched: None) -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    settings = Settings(_env_file=None)
    assert use_endpoints(settings.discord_api_base_url, settings.discord_gateway_url) == []
    assert discord.http.Route.BASE is base
    assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY is gateway


def test_an_override_is_applied_once(untouched: None) -> None:
    api, gateway = "http://127.0.0.1:9/api/v10/", "ws://127.0.0.1:9/gateway"
    assert use_endpoints(api, gateway) == ["DISCORD_API_BASE_URL", "DISCORD_GATEWAY_URL"]
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL(gateway)
    assert use_endpoints(api, gateway) == []
