"""discord.py's client for the bot, one gateway connection or a set of shards, handing events on.

Gateway intents, the minimum that works without any privileged intent:
- guilds: the server and channel cache discord.py needs to make sense of every other event.
- guild_messages: replies to the bot in a server channel. Their content arrives without the
  privileged message-content intent because a reply mentions the author of the message it
  replies to (the bot), unless the person turns that mention off.
- dm_messages: DMs and replies in DMs, whose content always arrives.
Slash commands, autocomplete and button presses come as interactions, which need no intent.
"""

from __future__ import annotations

import logging
from typing import Protocol

import discord
from discord import app_commands

from bot.adapters.discord.commands import build_tree
from bot.adapters.discord.views import PayloadButton
from bot.core.features import Registry

log = logging.getLogger(__name__)

INTENTS = discord.Intents(guilds=True, guild_messages=True, dm_messages=True)
# Coach texts and FAQ answers are plain text: they never ping anyone but the person replied to.
MENTIONS = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=True)


class EventSink(Protocol):
    """What the client hands events to (the adapter)."""

    async def on_message(self, message: discord.Message) -> None:
        """Handle a message the bot can see."""
        ...

    async def on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Handle a slash command or autocomplete that raised."""
        ...


class _BotEvents:
    """The bot's handlers, shared by the one-connection and the sharded client."""

    adapter: EventSink

    async def setup_hook(self) -> None:
        """Route presses of the bot's buttons, including ones sent before a restart."""
        self.add_dynamic_items(PayloadButton)  # type: ignore[attr-defined]

    async def on_message(self, message: discord.Message) -> None:
        """Pass messages to the adapter."""
        await self.adapter.on_message(message)

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        """Log an error in an event handler and keep running."""
        log.exception("error in Discord event %s", event_method)


class DiscordClient(_BotEvents, discord.Client):
    """One gateway connection (no sharding)."""


class ShardedDiscordClient(_BotEvents, discord.AutoShardedClient):
    """A set of shards (`shard_ids` of `shard_count`) over one HTTP client."""


def build_client(adapter: EventSink, registry: Registry, guild_id: int | None,
                 shards: tuple[int, list[int]] | None, **options: object) -> discord.Client:
    """Return a client with the command tree, sharded when `shards` is (count, ids)."""
    # The bot has no voice features; without this discord.py warns about missing voice libs.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    common: dict = dict(intents=INTENTS, allowed_mentions=MENTIONS, chunk_guilds_at_startup=False,
                        member_cache_flags=discord.MemberCacheFlags.none(), **options)
    client: DiscordClient | ShardedDiscordClient
    if shards is None:
        client = DiscordClient(**common)
    else:
        count, ids = shards
        client = ShardedDiscordClient(shard_count=count, shard_ids=ids, **common)
    client.adapter = adapter
    client.tree = build_tree(client, guild_id, registry)  # type: ignore[attr-defined]
    client.tree.on_error = adapter.on_command_error  # type: ignore[attr-defined]
    return client
