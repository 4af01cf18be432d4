"""Whether the Discord gateway is connected, for /healthz: every shard's websocket open, cheaply."""

from __future__ import annotations

from datetime import UTC, datetime

import discord


class GatewayWatch:
    """Answer "is the gateway connected?" and remember since when it has not been."""

    def __init__(self) -> None:
        self._down_since: datetime | None = None

    def problem(self, client: discord.Client) -> str | None:
        """Return None while every gateway connection is open, else what is down and since when."""
        if client.is_closed():
            return "not connected (closed)"
        if not client.is_ready():
            return "not connected yet (waiting for the gateway's READY)"
        shards = getattr(client, "shards", None)  # an AutoShardedClient's ShardInfo by id
        if shards:
            down = sorted(shard_id for shard_id, shard in shards.items() if shard.is_closed())
        else:
            down = [] if client.ws is not None and client.ws.open else [client.shard_id or 0]
        if not down:
            self._down_since = None
            return None
        # Noticed by this check, so the time is when the problem was first seen, at the latest.
        self._down_since = self._down_since or datetime.now(UTC)
        which = f"shard {', '.join(map(str, down))}" if shards else "gateway"
        return f"{which} not connected since {self._down_since:%H:%M:%S} UTC (reconnecting)"
