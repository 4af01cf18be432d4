"""The one owner of Telegram 429s: a chat is left alone until its retry_after, then retried."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from bot.adapters.telegram.limits import Patience, SendingStopped


class Chats:
    """A Bot API stand-in for the limiter's callback: refuses the first calls to chat 1 with 429."""

    def __init__(self, refusals: int, wait: timedelta) -> None:
        self.refusals = refusals
        self.wait = wait
        self.calls: list[tuple[str, float]] = []

    async def post(self, chat: str) -> bool:
        self.calls.append((chat, time.monotonic()))
        if chat == "1" and self.refusals:
            self.refusals -= 1
            raise RetryAfter(self.wait)
        return True


async def send(limiter: Patience, api: Chats, chat: str) -> object:
    return await limiter.process_request(api.post, (chat,), {}, "sendMessage",
                                         {"chat_id": chat}, None)


async def test_a_refused_chat_waits_its_turn_and_others_do_not() -> None:
    api = Chats(refusals=2, wait=timedelta(milliseconds=300))
    limiter = Patience()
    results = await asyncio.gather(send(limiter, api, "1"), send(limiter, api, "2"),
                                   send(limiter, api, "1"))
    assert results == [True, True, True]
    to_one = [at for chat, at in api.calls if chat == "1"]
    refused_at = to_one[0]
    assert len(to_one) == 4
    # After the first 429 nothing went to chat 1 for 300 ms; chat 2 was not held up.
    assert all(at - refused_at >= 0.3 for at in to_one[2:])
    assert [at for chat, at in api.calls if chat == "2"][0] - refused_at < 0.2


async def test_it_gives_up_when_patience_runs_out() -> None:
    api = Chats(refusals=100, wait=timedelta(milliseconds=300))
    with pytest.raises(RetryAfter):
        await send(Patience(patience=0.5), api, "1")
    assert len(api.calls) == 2


async def test_a_wait_ends_at_once_when_the_bot_stops() -> None:
    api = Chats(refusals=1, wait=timedelta(seconds=30))
    stopping = False
    limiter = Patience(holding=lambda: stopping)
    sending = asyncio.create_task(send(limiter, api, "1"))
    await asyncio.sleep(0.1)
    stopping = True
    with pytest.raises(SendingStopped):
        await asyncio.wait_for(sending, 1)
