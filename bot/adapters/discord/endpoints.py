"""Where discord.py sends its REST calls and opens its gateway: Discord's own, or an override.

discord.py reads both from class attributes, not from the client: `discord.http.Route.BASE`
(REST, default https://discord.com/api/v10) and `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`
(the gateway, default wss://gateway.discord.gg). They are process-wide, so `use_endpoints` sets
them once per process, before the first client logs in, and only when `DISCORD_API_BASE_URL` or
`DISCORD_GATEWAY_URL` name something other than what discord.py already uses: with the settings
left at their defaults nothing is touched. The overrides are for a REST proxy in front of the API
(as large bots run) and for the loopback emulator in the tests. A sharded client with a shard
count also opens every shard's connection at `DEFAULT_GATEWAY`; Discord then moves each session
to the `resume_gateway_url` its READY names.
"""

from __future__ import annotations

import logging

import discord
import yarl

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg"


def _same(a: str | yarl.URL, b: str | yarl.URL) -> bool:
    return str(a).rstrip("/") == str(b).rstrip("/")


def use_endpoints(api_base: str, gateway: str) -> list[str]:
    """Point discord.py at these endpoints where they differ; return the names it changed."""
    changed: list[str] = []
    if not _same(discord.http.Route.BASE, api_base):
        discord.http.Route.BASE = api_base.rstrip("/")
        changed.append("DISCORD_API_BASE_URL")
    socket = discord.gateway.DiscordWebSocket
    if not _same(socket.DEFAULT_GATEWAY, gateway):
        socket.DEFAULT_GATEWAY = yarl.URL(gateway)
        changed.append("DISCORD_GATEWAY_URL")
    if changed:
        log.debug("discord endpoints: REST %s, gateway %s", api_base, gateway)
    return changed
