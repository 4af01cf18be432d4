"""Run the Discord emulator in a terminal, to try sharded bot processes by hand.

    .venv/bin/python -m tests.discord.serve --port 8765 --shards 2

It prints the settings that point a bot at it, then reads lines such as `slash help 1` (run
/help in the server on shard 1), `slash hero dm`, `dm hello`, `block`, `sessions` and `quit`
(`help` lists them), and prints what the bot answered.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable

from tests.discord import payloads as p
from tests.discord.emulator import DiscordEmulator

USAGE = """\
  sessions             the gateway sessions and their shards
  slash NAME SHARD|dm [OPTION=VALUE ...]
                       run a slash command in the server on that shard, or in a DM
  dm TEXT              send the bot a DM (Discord delivers DMs to shard 0)
  block / unblock      refuse / accept the bot's DMs (Discord's 50007)
  user ID              act as another user
  syncs                how many times the slash commands were uploaded
  quit"""


class Terminal:
    """One person typing at the emulator."""

    def __init__(self, emu: DiscordEmulator, channels: list[int], user_id: int) -> None:
        self.emu = emu
        self.channels = channels
        self.user_id = user_id

    async def run(self, line: str) -> str:
        """Carry out one typed line and return what to print."""
        word, _, rest = line.strip().partition(" ")
        if word == "sessions":
            return "\n".join(f"  shard {s.shard[0]} of {s.shard[1]}: {s.session_id}"
                             for s in self.emu.gateway.live()) or "  no sessions"
        if word == "syncs":
            return f"  {len(self.emu.calls(method='PUT', path_contains='/commands'))} upload(s)"
        if word in ("block", "unblock"):
            (self.emu.block_dms_from if word == "block"
             else self.emu.unblock_dms_from)(self.user_id)
            return f"  user {self.user_id}: DMs {'closed' if word == 'block' else 'open'}"
        if word == "user" and rest.isdigit():
            self.user_id = int(rest)
            return f"  you are user {self.user_id}"
        if word == "slash" and rest:
            return await self._slash(*rest.split(" "))
        if word == "dm" and rest:
            return await self._dm(rest)
        return USAGE

    async def _slash(self, name: str, where: str = "0", *options: str) -> str:
        if where != "dm" and not (where.isdigit() and int(where) < len(self.channels)):
            return f"  no server on shard {where!r}; shards are 0 to {len(self.channels) - 1}"
        channel = None if where == "dm" else self.channels[int(where)]
        values = dict(option.partition("=")[::2] for option in options)
        sent = await self.emu.slash(name, values, user_id=self.user_id,
                                    in_guild=channel is not None, channel_id=channel)
        return await self._printed(lambda: [
            m for ms in self.emu.messages.values() for m in ms
            if m.get("interaction_metadata", {}).get("id") == sent["id"]])

    async def _dm(self, text: str) -> str:
        channel = self.emu.dm_channel_id(self.user_id)
        before = len(self.emu.channel_messages(channel))
        await self.emu.dispatch_message(text, user_id=self.user_id)
        return await self._printed(lambda: [m for m in self.emu.channel_messages(channel)[before:]
                                            if m["author"]["id"] == str(self.emu.app_id)])

    async def _printed(self, found: Callable[[], list[p.JSON]]) -> str:
        try:
            await self.emu.wait_for(found, 15)
        except TimeoutError:
            return "  (no answer within 15 s)"
        await asyncio.sleep(0.5)  # followups (a hint, a second part) come just after
        return "\n".join(f"  bot: {m['content']}".replace("\n", "\n       ") for m in found())


async def serve(port: int, shards: int, user_id: int) -> None:
    """Start the emulator with one server per shard and read commands until quit."""
    emu = DiscordEmulator()
    await emu.start(port)
    channels = [emu.add_guild(shard=n, num_shards=shards)[1] for n in range(shards)]
    print(f"Discord emulator on 127.0.0.1:{emu.port}, one server per shard ({shards}).\n"
          "Point a bot at it with:\n"
          f"  DISCORD_BOT_TOKEN={emu.token} DISCORD_API_BASE_URL={emu.base_url} "
          f"DISCORD_GATEWAY_URL={emu.gateway_url}\n{USAGE}", flush=True)
    terminal = Terminal(emu, channels, user_id)
    loop = asyncio.get_running_loop()
    try:
        while (line := await loop.run_in_executor(None, sys.stdin.readline)) and \
                line.strip() != "quit":
            if line.strip():
                print(await terminal.run(line), flush=True)
    finally:
        await emu.stop()


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--user", type=int, default=4242, help="the user you act as")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.shards, args.user))


if __name__ == "__main__":
    main()
