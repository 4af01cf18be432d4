"""Run the Telegram and Discord emulators on their own, and talk to the bot through them.

`python -m tests.emulate serve --env-file F` starts both on free loopback ports and writes the
settings that point a bot at them into F; `say TEXT` and `press LABEL` act as one Telegram
user ("Sam") and print what the bot sent back. This is how the README's "Running at scale"
commands are tried on one machine, and how tests/test_readme_scale.py runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import os
import signal
import sys
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.discord.emulator import DiscordEmulator
from tests.telegram import updates
from tests.telegram.balancer import RoundRobin
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.updates import JSON, User

TOKEN = "123456:emulated-telegram-token"
# What the webhook examples use as the bot's public address; `--webhook-to` stands in for the proxy.
PUBLIC = "https://bot.example.com"
SAM = User(4242, "Sam", "sam")
SENDING = ("sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup", "editMessageMedia")
QUIET = 1.5
LONGEST = 20.0


class Control:
    """The emulators' control endpoints: inject what Sam types or presses, return what came back."""

    def __init__(self, telegram: TelegramEmulator) -> None:
        self.telegram = telegram

    def routes(self) -> list[web.RouteDef]:
        """Return the control routes."""
        return [web.post("/say", self.say), web.post("/press", self.press)]

    async def say(self, request: web.Request) -> web.Response:
        """Inject a message from Sam; answer with the bot's messages after it."""
        text = str((await request.json())["text"])
        mark = len(self.telegram.calls)
        update = updates.command(SAM, text) if text.startswith("/") else updates.private_message(SAM, text)
        self.telegram.inject(update)
        return web.json_response(await self._replies(mark))

    async def press(self, request: web.Request) -> web.Response:
        """Press the button starting with `label` on the latest message that has one."""
        label = str((await request.json())["label"])
        for message in reversed(self.telegram.sent_messages(SAM.id)):
            buttons = _buttons(message)
            chosen = [b for b in buttons if b["text"].lower().startswith(label.lower())]
            if buttons:
                break
        else:
            return web.json_response({"error": "no message with buttons yet"}, status=404)
        if not chosen:
            names = ", ".join(b["text"] for b in buttons)
            return web.json_response({"error": f"no button {label!r}; there are: {names}"}, status=404)
        mark = len(self.telegram.calls)
        self.telegram.inject(updates.callback_query(SAM, message, chosen[0]["callback_data"]))
        return web.json_response(await self._replies(mark))

    async def _replies(self, mark: int) -> list[JSON]:
        """Wait until the bot has been quiet for a moment, then return what it sent Sam."""
        waited, quiet, seen = 0.0, 0.0, mark
        while quiet < QUIET and waited < LONGEST:
            await asyncio.sleep(0.1)
            waited += 0.1
            if len(self.telegram.calls) > seen:
                seen, quiet = len(self.telegram.calls), 0.0
            elif seen > mark:
                quiet += 0.1
        return [{"method": call.method, "text": call.params.get("text") or call.params.get("caption"),
                 "buttons": [button["text"] for button in _buttons(call.params)]}
                for call in self.telegram.calls[mark:]
                if call.method in SENDING and call.params.get("chat_id") in (SAM.id, str(SAM.id))]


def _buttons(message: JSON) -> list[JSON]:
    """Return the inline buttons of a message (or of a call's params, which the emulator decoded)."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def serve(env_file: Path, webhook_to: list[str]) -> None:
    """Run both emulators and the control server until SIGTERM or SIGINT.

    With `webhook_to`, what Telegram would post to PUBLIC goes to those addresses in turn.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    discord = DiscordEmulator(token="emulated-discord-token")  # noqa: S106 - a stand-in, not a secret
    async with TelegramEmulator(TOKEN) as telegram:
        await discord.start()
        telegram.add_chat(SAM.private_chat)
        control = web.Application()
        control.add_routes(Control(telegram).routes())
        balancer = RoundRobin(webhook_to, echo=False)
        if webhook_to:
            control.router.add_post("/webhook/{path:.*}", balancer.handle)
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        control_port = runner.addresses[0][1]
        telegram.webhook.route(PUBLIC, f"http://127.0.0.1:{control_port}/webhook")
        env_file.write_text(  # noqa: ASYNC240 - a few lines, once, before serving
            f"TELEGRAM_BOT_TOKEN={TOKEN}\n"
            f"TELEGRAM_API_BASE_URL={telegram.base_url}\n"
            f"DISCORD_API_BASE_URL={discord.base_url}\n"
            f"DISCORD_GATEWAY_URL={discord.gateway_url}\n"
            f"EMULATED_DISCORD_TOKEN={discord.token}\n"
            f"EMULATOR_CONTROL_URL=http://127.0.0.1:{control_port}\n", encoding="utf-8")
        print(f"emulators ready; settings written to {env_file}", flush=True)
        try:
            async with balancer.session_open:
                await stop.wait()
        finally:
            await runner.cleanup()
            await discord.stop()


async def act(path: str, body: JSON) -> int:
    """Post to the control server and print the bot's replies."""
    url = os.environ.get("EMULATOR_CONTROL_URL")
    if not url:
        print("emulate: EMULATOR_CONTROL_URL is not set; source the --env-file that `serve` wrote",
              file=sys.stderr)
        return 2
    async with aiohttp.ClientSession() as session, session.post(url + path, json=body) as response:
        answer = await response.json()
    if response.status != 200:
        print(f"emulate: {answer['error']}", file=sys.stderr)
        return 1
    if not answer:
        print("(no reply)")
        return 1
    for sent in answer:
        verb = "edited" if sent["method"].startswith("edit") else "bot"
        print(f"{verb}: {html.unescape(sent['text'] or '(a picture)')}")
        if sent["buttons"]:
            print("   buttons: " + " | ".join(sent["buttons"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run `serve`, `say` or `press`."""
    parser = argparse.ArgumentParser(prog="python -m tests.emulate", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve", help="run the emulators until Ctrl-C")
    serving.add_argument("--env-file", type=Path, default=Path("emulators.env"))
    serving.add_argument("--webhook-to", action="append", default=[], metavar="URL",
                         help=f"send what Telegram posts to {PUBLIC} here (repeat: in turn)")
    commands.add_parser("say", help="send a message as Sam").add_argument("text")
    commands.add_parser("press", help="press a button as Sam").add_argument("label")
    args = parser.parse_args(argv)
    if args.command == "serve":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.env_file, args.webhook_to))
        return 0
    body = {"text": args.text} if args.command == "say" else {"label": args.label}
    return asyncio.run(act("/" + args.command, body))


if __name__ == "__main__":
    raise SystemExit(main())
