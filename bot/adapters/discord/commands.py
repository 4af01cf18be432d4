"""The slash commands, each mapped to the core's neutral Command, synced only when changed."""

from __future__ import annotations

import logging
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.core import texts
from bot.core.coach import COACH_ONLY
from bot.core.timezones import zone_suggestions

log = logging.getLogger(__name__)

DESCRIPTIONS = dict(texts.COMMANDS + texts.COACH_COMMANDS)
# Hidden from members by default; a server admin can grant them in Server Settings > Integrations.
COACH_PERMISSIONS = discord.Permissions(manage_guild=True)
MAX_CHOICES = 25


class CommandHandler(Protocol):
    """What a slash command is handed to (the adapter)."""

    async def on_command(self, interaction: discord.Interaction, name: str, args: str) -> None:
        """Answer the command `name` with its options joined into `args`."""
        ...


def _handler(interaction: discord.Interaction) -> CommandHandler:
    return interaction.client.adapter  # type: ignore[attr-defined]


def _args(*values: object) -> str:
    return " ".join(str(value).strip() for value in values if value not in (None, ""))


def _describe(name: str) -> str:
    text = DESCRIPTIONS[name]
    return text[0].upper() + text[1:]


def build_commands() -> list[app_commands.Command[Any, ..., None]]:
    """Return every slash command; each passes its name and options to the adapter."""

    def simple(name: str) -> app_commands.Command[Any, ..., None]:
        async def run(interaction: discord.Interaction) -> None:
            await _handler(interaction).on_command(interaction, name, "")

        return app_commands.Command(name=name, description=_describe(name), callback=run)

    @app_commands.command(name="breaks", description=_describe("breaks"))
    @app_commands.describe(setting='e.g. "every 30m 09:00-17:30 mon-fri", "off" or "preview"')
    async def breaks(interaction: discord.Interaction, setting: str | None = None) -> None:
        await _handler(interaction).on_command(interaction, "breaks", _args(setting))

    @app_commands.command(name="remind", description=_describe("remind"))
    @app_commands.describe(time='e.g. 07:30, or "off"', days="e.g. mon-fri (every day if empty)")
    async def remind(interaction: discord.Interaction, time: str, days: str | None = None) -> None:
        await _handler(interaction).on_command(interaction, "remind", _args(time, days))

    @app_commands.command(name="pause", description=_describe("pause"))
    @app_commands.rename(for_="for")
    @app_commands.describe(for_='e.g. 2h, or "today"')
    async def pause(interaction: discord.Interaction, for_: str | None = None) -> None:
        await _handler(interaction).on_command(interaction, "pause", _args(for_))

    @app_commands.command(name="ask", description=_describe("ask"))
    @app_commands.describe(question="what you'd like to know")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await _handler(interaction).on_command(interaction, "ask", _args(question))

    @app_commands.command(name="timezone", description=_describe("timezone"))
    @app_commands.describe(zone="a zone such as Europe/Berlin, or a city (empty shows yours)")
    async def timezone(interaction: discord.Interaction, zone: str | None = None) -> None:
        await _handler(interaction).on_command(interaction, "timezone", _args(zone))

    @timezone.autocomplete("zone")
    async def zone_choices(
        _: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = zone_suggestions(current, MAX_CHOICES)
        return [app_commands.Choice(name=name, value=name) for name in names]

    @app_commands.command(name="answer", description=_describe("answer"))
    @app_commands.describe(number="the question number from /inbox", text="your answer")
    async def answer(interaction: discord.Interaction, number: int, text: str) -> None:
        await _handler(interaction).on_command(interaction, "answer", _args(number, text))

    commands = [
        simple("hero"), breaks, remind, pause, simple("resume"), ask, simple("progress"),
        timezone, simple("settings"), simple("forget"), simple("help"),
        simple("inbox"), answer, simple("stats"),
    ]
    for command in commands:
        if command.name in COACH_ONLY:
            command.default_permissions = COACH_PERMISSIONS
    return commands


def build_tree(client: discord.Client, guild_id: int | None) -> app_commands.CommandTree:
    """Return a command tree holding every command, for one guild or globally."""
    tree = app_commands.CommandTree(client)
    # Explicit contexts make the local payload comparable with what Discord stores.
    tree.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True)
    tree.allowed_installs = app_commands.AppInstallationType(guild=True)
    guild = discord.Object(guild_id) if guild_id else None
    for command in build_commands():
        tree.add_command(command, guild=guild)
    return tree


def _covered(local: Any, remote: Any) -> bool:
    """Return whether Discord's stored value says what the local one says.

    Discord omits false and empty fields, writes permission integers as strings and adds
    fields of its own (id, version...), so only what we send is compared.
    """
    if isinstance(local, dict):
        remote = remote if isinstance(remote, dict) else {}
        return all(_covered(value, remote.get(key)) for key, value in local.items())
    if isinstance(local, list):
        remote = remote or []
        return (isinstance(remote, list) and len(remote) == len(local)
                and all(_covered(a, b) for a, b in zip(local, remote, strict=True)))
    if local is None or local is False or local == "":
        return not remote
    if isinstance(local, bool):
        return remote is True
    return str(local) == str(remote)


def unchanged(local: list[dict[str, Any]], remote: list[dict[str, Any]]) -> bool:
    """Return whether the commands Discord has match the local definitions."""
    stored = {command.get("name"): command for command in remote}
    if set(stored) != {command["name"] for command in local}:
        return False
    return all(_covered(command, stored[command["name"]]) for command in local)


async def sync_if_changed(tree: app_commands.CommandTree, guild_id: int | None) -> bool:
    """PUT the commands only when Discord's copy differs (syncs are rate-limited); True if PUT."""
    client = tree.client
    app_id = client.application_id
    if app_id is None:
        raise app_commands.MissingApplicationID
    guild = discord.Object(guild_id) if guild_id else None
    local = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    if guild_id:
        remote = await client.http.get_guild_commands(app_id, guild_id)
    else:
        remote = await client.http.get_global_commands(app_id)
    if unchanged(local, list(remote)):
        log.info("slash commands are up to date")
        return False
    await tree.sync(guild=guild)
    log.info("synced %d slash commands%s", len(local), f" to guild {guild_id}" if guild_id else "")
    return True
