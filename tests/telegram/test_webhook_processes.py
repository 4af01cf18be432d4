"""Two `python -m bot` processes in webhook mode on one PostgreSQL, behind a round-robin proxy.

The emulator posts each update to the public URL; the proxy (standing in for the load
balancer) hands requests to the two processes in turn, and also sends every update a second
time to the other process, as a Telegram retry landing elsewhere would. A /hero session whose
presses alternate between the processes must complete exactly as on one process, each update
handled once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from tests.postgres_server import PostgresServer
from tests.telegram import updates
from tests.telegram.balancer import RoundRobin
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import ALICE, PUBLIC, SECRET, TOKEN, WEBHOOK_URL
from tests.telegram.test_adapter_process import SETTINGS_PREFIXES
from tests.telegram.updates import JSON

ROOT = Path(__file__).resolve().parents[2]


async def start_bot(emulator: TelegramEmulator, url: str, port: int, log: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)} | {
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": url, "LOG_LEVEL": "INFO", "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL,
        "TELEGRAM_WEBHOOK_LISTEN": f"127.0.0.1:{port}", "TELEGRAM_WEBHOOK_SECRET": SECRET}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb"))


async def quiet(emulator: TelegramEmulator, seconds: float = 0.6) -> None:
    """Wait until the bot has made no call for `seconds` (a step may be a photo, then text)."""
    seen = -1
    async with asyncio.timeout(30):
        while len(emulator.calls) != seen:
            seen = len(emulator.calls)
            await asyncio.sleep(seconds)


def labels(message: JSON) -> list[str]:
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row]


async def press(emulator: TelegramEmulator, label: str) -> JSON:
    """Press the button starting with `label` on the chat's latest keyboard; return what follows."""
    keyboard = next(m for m in reversed(emulator.sent_messages(ALICE.id)) if "reply_markup" in m)
    [data] = [b["callback_data"] for row in keyboard["reply_markup"]["inline_keyboard"]
              for b in row if b["text"].startswith(label)][:1]
    query = emulator.inject(updates.callback_query(ALICE, keyboard, data))
    query_id = query["callback_query"]["id"]
    await emulator.wait_for("answerCallbackQuery", lambda p: p["callback_query_id"] == query_id,
                            timeout=30)
    await quiet(emulator)
    return emulator.sent_messages(ALICE.id)[-1]


async def test_a_hero_session_across_two_processes(
    postgres_server: PostgresServer, proxy: tuple[RoundRobin, int, list[int]], tmp_path: Path,
) -> None:
    balancer, proxy_port, ports = proxy
    url = postgres_server.new_database("webhooks")
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    async with TelegramEmulator(TOKEN) as emulator:
        emulator.webhook.route(PUBLIC, f"http://127.0.0.1:{proxy_port}")
        bots = [await start_bot(emulator, url, port, log) for port, log in zip(ports, logs,
                                                                                strict=True)]
        try:
            async with asyncio.timeout(90):
                while len(emulator.calls_to("setWebhook")) < 2:  # noqa: ASYNC110 - two processes
                    await asyncio.sleep(0.1)
            emulator.inject(updates.command(ALICE, "/start"))
            await quiet(emulator)
            emulator.inject(updates.command(ALICE, "/hero"))
            await quiet(emulator)
            presses = ["All clear", "Bolster", "I'm in position"]
            step = await press(emulator, "All clear")
            step = await press(emulator, "Bolster")
            step = await press(emulator, "I'm in position")
            while "Tail tucked" not in labels(step):
                first = labels(step)[0]
                assert first in ("Next round", "Ready to hold still"), labels(step)
                presses.append(first)
                step = await press(emulator, first)
            for label in ("Tail tucked", "Done holding", "9", "Front of thighs"):
                presses.append(label)
                step = await press(emulator, label)
            done = step
            answers = emulator.calls_to("answerCallbackQuery")
            kinds = ["photo" if "photo" in m else "text" for m in emulator.sent_messages(ALICE.id)[1:]]
        finally:
            for bot in bots:
                if bot.returncode is None:
                    bot.send_signal(signal.SIGTERM)
            codes = [await asyncio.wait_for(bot.wait(), 30) for bot in bots]
        deleted = emulator.calls_to("deleteWebhook")
        still_set = emulator.webhook.active
    texts = [log.read_text() for log in logs]
    taken_again = sum(text.count("arrived again; it was taken in already") for text in texts)
    press_routes = [backend for _, backend, _ in balancer.routed[2:]]
    print(f"\n{len(balancer.routed)} updates, each sent to both processes: first to "
          f"{[b for _, b, _ in balancer.routed]}, statuses {sorted({s for *_, s in balancer.routed})}"
          f"; second copies answered {sorted({s for *_, s in balancer.echoes})}, recognised as "
          f"taken in {taken_again} times; {len(presses)} presses, {len(answers)} answered")
    assert "intensity 9/10" in done["text"] and "reply_markup" not in done
    assert kinds == ["text", "photo", "text", "photo", "text"]
    assert len(answers) == len(presses) and not any(a.get("show_alert") for a in answers)
    assert press_routes == [n % 2 for n in range(press_routes[0], press_routes[0] + len(presses))]
    assert {status for *_, status in balancer.routed + balancer.echoes} == {200}
    assert taken_again == len(balancer.echoes) == len(presses) + 2
    assert codes == [0, 0], texts
    assert deleted == [] and still_set
    for text in texts:
        assert "Traceback" not in text and TOKEN not in text and SECRET not in text, text
