"""Polling never stalls: unreadable updates are skipped and confirmed, handled ones confirmed only."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from tests.telegram import updates
from tests.telegram.harness import ALICE, BOB, running_bot
from tests.telegram.updates import JSON


def poison_poll(user: updates.User) -> JSON:
    """A message carrying a poll whose options lack `persistent_id` (older Bot API servers)."""
    poll = updates.poll("Best pose?", ["Hero", "Squat"])["poll"]
    poll["options"] = [{"text": o["text"], "voter_count": 0} for o in poll["options"]]
    update = updates.private_message(user, "")
    del update["message"]["text"]
    update["message"]["poll"] = poll
    return update


async def test_an_unreadable_update_is_skipped_confirmed_and_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_bot(tmp_path) as tg:
        poisoned = tg.emulator.inject(poison_poll(ALICE))
        mark = tg.mark()
        tg.say(BOB, "/help")
        await tg.sent(BOB.id, mark)
        await asyncio.sleep(0.3)
        polls = len(tg.emulator.calls_to("getUpdates"))
        assert tg.emulator.update_queue.pending == 0
        await asyncio.sleep(1.0)
        assert len(tg.emulator.calls_to("getUpdates")) - polls <= 3
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert lines[0].levelno == logging.WARNING
    text = lines[0].getMessage()
    assert str(poisoned["update_id"]) in text and "message" in text and "Best pose" not in text
