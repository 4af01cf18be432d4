"""Back to long polling after a webhook: the bot removes the webhook first, or getUpdates fails."""

from __future__ import annotations

from pathlib import Path

from tests.telegram.harness import ALICE, running_bot


async def test_polling_deletes_a_leftover_webhook_and_answers(tmp_path: Path) -> None:
    async with running_bot(tmp_path, polling=False) as bot:
        bot.emulator.webhook.set({"url": "https://bot.example.com/telegram"})
        bot.say(ALICE, "/help")
        mark = bot.mark()
        bot.adapter.poller.start()
        reply = await bot.sent(ALICE.id, mark)
        deleted = bot.emulator.calls_to("deleteWebhook")
    assert "/hero" in reply["text"]
    assert deleted == [{"drop_pending_updates": False}]
    assert not bot.emulator.webhook.active
