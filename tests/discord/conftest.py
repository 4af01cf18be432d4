"""Run the real Discord adapter against the loopback emulator, and drive it as people would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.views import from_discord
from bot.app import Runtime, runtime_from_settings
from bot.config import Settings
from bot.core.features import Feature
from bot.core.ports import Clock
from tests.discord.emulator import DiscordEmulator
from tests.discord.payloads import JSON

MEMBER = 4242
STRANGER = 5151
COACH = 7777


@pytest.fixture
async def emu() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        yield emulator


def settings_for(emu: DiscordEmulator, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,
        discord_bot_token=emu.token,
        discord_api_base_url=emu.base_url,
        discord_gateway_url=emu.gateway_url,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        coach_ids=f"discord:{COACH}",
        default_timezone="Europe/Berlin",
        **extra,
    )


@dataclass
class Bot:
    emu: DiscordEmulator
    runtime: Runtime
    adapter: DiscordAdapter


@asynccontextmanager
async def running(settings: Settings, emu: DiscordEmulator,
                  features: tuple[Feature, ...] = (), clock: Clock | None = None) -> AsyncIterator[Bot]:
    runtime = await runtime_from_settings(settings, features=features, clock=clock)
    adapter = DiscordAdapter(runtime, settings, guild_ready_timeout=0.05)
    runtime.router.register(adapter.platform, adapter)
    try:
        await adapter.start()
        await emu.wait_ready()
        yield Bot(emu, runtime, adapter)
    finally:
        await adapter.stop()
        await runtime.close()
    assert not emu.calls(status=404), "the adapter hit a route the emulator does not serve"


@pytest.fixture
async def bot(emu: DiscordEmulator, tmp_path: Path) -> AsyncIterator[Bot]:
    async with running(settings_for(emu, tmp_path), emu) as started:
        yield started


def text_of(message: JSON) -> str:
    return from_discord(message["content"])


def labels(message: JSON) -> list[str]:
    return [b["label"] for row in message.get("components", []) for b in row["components"]]


def button(message: JSON, label: str) -> str:
    for row in message.get("components", []):
        for item in row["components"]:
            if item["label"].startswith(label):
                return item["custom_id"]
    raise AssertionError(f"no button {label!r} among {labels(message)}")


def made_by(emu: DiscordEmulator, interaction: JSON) -> list[JSON]:
    """Return the messages an interaction created (its response and followups)."""
    return [
        m for ms in emu.messages.values() for m in ms
        if m.get("interaction_metadata", {}).get("id") == interaction["id"]
    ]


class DiscordUser:
    """A Discord user who types slash commands and presses buttons in the emulator."""

    def __init__(self, emu: DiscordEmulator, user_id: int, *, in_guild: bool = True,
                 channel_id: int | None = None) -> None:
        self.emu = emu
        self.user_id = user_id
        self.in_guild = in_guild
        self.channel_id = channel_id
        self.current: JSON | None = None

    async def slash(self, name: str, options: JSON | None = None, *, count: int = 1) -> list[JSON]:
        """Run a command and wait for `count` messages from it; the last one becomes current."""
        payload = await self.emu.slash(name, options, user_id=self.user_id, in_guild=self.in_guild,
                                       channel_id=self.channel_id)
        messages = await self.emu.wait_for(
            lambda: (made := made_by(self.emu, payload)) and len(made) >= count and made
        )
        self.current = messages[-1]
        return messages

    async def press(self, label: str, until: Callable[[JSON], bool] | None = None) -> JSON:
        """Press a button on the current message and wait for the message it leaves behind."""
        assert self.current is not None
        target = self.current
        payload = await self.emu.click(
            button(target, label), message_id=target["id"], user_id=self.user_id
        )
        response = await self.emu.wait_for(lambda: self.emu.interaction_response(payload["id"]))
        if response["type"] in (6, 7):
            self.current = target
        else:
            made = await self.emu.wait_for(lambda: made_by(self.emu, payload))
            self.current = made[-1]
        if until is not None:
            await self.emu.wait_for(lambda: until(self.current))
        return self.current
