"""Run the Telegram emulator on its own, to walk the bot as an operator would, typing as a member.

    .venv/bin/python -m tests.telegram.serve --port 8081 \\
        --route https://bot.example.com=http://127.0.0.1:8443

Point the bot at it with TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot and the token printed
at the start. `--route` sends what Telegram would post to the public address to the bot's
TELEGRAM_WEBHOOK_LISTEN instead (the proxy's part). Each line typed is a message from Alice in
her private chat; "press LABEL" presses the button starting with LABEL on the bot's latest
message. The bot's messages and the webhook's state are printed as they change.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import sys

from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, TOKEN
from tests.telegram.updates import JSON

SHOWN = ("sendMessage", "editMessageText", "sendPhoto", "editMessageMedia", "setWebhook",
         "deleteWebhook", "answerCallbackQuery")


def _describe(method: str, params: JSON) -> str:
    if method == "setWebhook":
        return f"[the bot set its webhook to {params.get('url')}]"
    if method == "deleteWebhook":
        return "[the bot removed its webhook]"
    if method == "answerCallbackQuery":
        return "[button press answered]" + (f": {params['text']}" if params.get("text") else "")
    text = html.unescape(params.get("text") or params.get("caption") or "")
    keyboard = params.get("reply_markup") or {}
    buttons = [b["text"] for row in keyboard.get("inline_keyboard", []) for b in row]
    picture = " [picture]" if "photo" in method.lower() or "media" in method.lower() else ""
    edited = " (edited)" if method.startswith("edit") else ""
    return f"bot{edited}{picture}: {text}" + (f"\n    buttons: {buttons}" if buttons else "")


async def _show(emulator: TelegramEmulator) -> None:
    position = 0
    while True:
        await asyncio.sleep(0.1)
        for method, params in emulator.calls[position:]:
            if method in SHOWN:
                print(_describe(method, params), flush=True)
        position = len(emulator.calls)


def _press(emulator: TelegramEmulator, label: str) -> None:
    for message in reversed(emulator.sent_messages(ALICE.id)):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"].startswith(label):
                    emulator.inject(updates.callback_query(ALICE, message, button["callback_data"]))
                    return
        if "reply_markup" in message:
            break
    print(f"[no button starting with {label!r} on the latest message]", flush=True)


async def main(port: int, routes: list[str]) -> None:
    """Serve until stdin closes."""
    async with TelegramEmulator(TOKEN, port=port) as emulator:
        for route in routes:
            public, _, local = route.partition("=")
            emulator.webhook.route(public, local)
        print(f"Telegram emulator on {emulator.base_url} (token {TOKEN}); type as Alice", flush=True)
        shower = asyncio.create_task(_show(emulator))
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            line = line.strip()
            if line.startswith("press "):
                _press(emulator, line.removeprefix("press ").strip())
            elif line == "webhook":
                print(emulator.webhook.info(), flush=True)
            elif line:
                maker = updates.command if line.startswith("/") else updates.private_message
                emulator.inject(maker(ALICE, line))
        shower.cancel()
        for violation in emulator.violations.take():
            print(f"API violation: {violation}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--route", action="append", default=[], metavar="PUBLIC=LOCAL")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.port, arguments.route))
