"""The slash commands, each mapped to the core's neutral Command, synced only when changed."""

from __future__ import annotations

import inspect
import keyword
import logging
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.core.features import CommandSpec, Option, OptionKind, Registry

log = logging.getLogger(__name__)

# Hidden from members by default; a server admin can grant them in Server Settings > Integrations.
COACH_PERMISSIONS = discord.Permissions(manage_guild=True)
MAX_CHOICES = 25
_TYPES: dict[OptionKind, type] = {OptionKind.TEXT: str, OptionKind.NUMBER: int}


class CommandHandler(Protocol):
    """What a slash command is handed to (the adapter)."""

    async def on_command(self, interaction: discord.Interaction, name: str, args: str) -> None:
        """Answer the command `name` with its options joined into `args`."""
        ...


def _handler(interaction: discord.Interaction) -> CommandHandler:
    return interaction.client.adapter  # type: ignore[attr-defined]


def _args(*values: object) -> str:
    return " ".join(str(value).strip() for value in values if value not in (None, ""))


def _param_name(option: Option) -> str:
    # "for" can't be a Python parameter; Discord still shows the option's own name.
    return f"{option.name}_" if keyword.iskeyword(option.name) else option.name


def _parameter(option: Option) -> inspect.Parameter:
    kind = _TYPES[option.kind]
    return inspect.Parameter(
        _param_name(option), inspect.Parameter.KEYWORD_ONLY,
        annotation=kind if option.required else kind | None,
        default=inspect.Parameter.empty if option.required else None,
    )


def _suggester(option: Option) -> Any:
    suggest = option.suggest
    assert suggest is not None

    async def choices(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in suggest(current, MAX_CHOICES)]

    return choices


def slash_command(spec: CommandSpec) -> app_commands.Command[Any, ..., None]:
    """Return the slash command for one declared command; its options become typed options."""
    names = [_param_name(option) for option in spec.options]

    async def run(interaction: discord.Interaction, **values: object) -> None:
        await _handler(interaction).on_command(interaction, spec.name,
                                               _args(*(values.get(name) for name in names)))

    first = inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              annotation=discord.Interaction)
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [first, *(_parameter(option) for option in spec.options)])
    described = {_param_name(option): option.description for option in spec.options}
    renamed = {_param_name(option): option.name for option in spec.options
               if _param_name(option) != option.name}
    callback = app_commands.rename(**renamed)(app_commands.describe(**described)(run))
    command = app_commands.Command(name=spec.name, description=_describe(spec), callback=callback)
    for option in spec.options:
        if option.suggest is not None:
            command.autocomplete(_param_name(option))(_suggester(option))
    if spec.coach_only:
        command.default_permissions = COACH_PERMISSIONS
    return command


def _describe(spec: CommandSpec) -> str:
    return spec.description[0].upper() + spec.description[1:]


def build_commands(registry: Registry) -> list[app_commands.Command[Any, ..., None]]:
    """Return a slash command for every listed command, members' first, then the coach's."""
    return [slash_command(spec) for spec in registry.listed(coach=True)]


def build_tree(client: discord.Client, guild_id: int | None,
               registry: Registry) -> app_commands.CommandTree:
    """Return a command tree holding every declared command, for one guild or globally."""
    tree = app_commands.CommandTree(client)
    # Explicit contexts make the local payload comparable with what Discord stores.
    tree.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True)
    tree.allowed_installs = app_commands.AppInstallationType(guild=True)
    guild = discord.Object(guild_id) if guild_id else None
    for command in build_commands(registry):
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
