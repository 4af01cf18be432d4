"""Matching runs on a worker thread: a burst of long questions never stalls other chats."""

from __future__ import annotations

import asyncio
import logging
import statistics
import time

import pytest

from bot.core.faq.matcher import FaqMatcher
from bot.core.questions.matching import BackgroundMatcher
from tests.conftest import World

LONG_QUESTION = " ".join(
    f"question {n}: when I sit in the pose my thighs feel tight, the blocks wobble a bit, "
    "and I wonder whether to hold longer or ease in and out more before the hold."
    for n in range(6))


async def test_other_commands_are_answered_quickly_during_a_burst_of_long_questions(
        world: World) -> None:
    await world.runtime.matcher.matcher()
    askers = [world.chat.user(f"asker{n}") for n in range(20)]
    burst = [asyncio.create_task(asker.say(LONG_QUESTION)) for asker in askers]
    await asyncio.sleep(0.05)
    bob, lags = world.chat.user("bob"), []
    while not all(task.done() for task in burst) and len(lags) < 40:
        started = time.perf_counter()
        replies = await bob.say("/help")
        lags.append(time.perf_counter() - started)
        assert "Here's what I can do" in replies[-1].text
        await asyncio.sleep(0.02)
    answered = await asyncio.gather(*burst)
    assert len(lags) >= 5, "the burst finished before bob could ask: make the questions longer"
    assert statistics.median(lags) < 0.05, lags
    assert all(replies[-1].text for replies in answered)


async def test_a_slow_match_is_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    slow = BackgroundMatcher(lambda: FaqMatcher(world.runtime.content.faq), slow_after=0.0)
    with caplog.at_level(logging.WARNING, logger="bot.core.questions.matching"):
        await slow.match("why tuck the tail")
    slow.close()
    assert "matching one question took" in caplog.text


async def test_start_up_does_not_wait_for_the_matcher() -> None:
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def build() -> FaqMatcher:
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(timeout=10)
        raise RuntimeError("not needed")

    started = time.perf_counter()
    background = BackgroundMatcher(build)
    # The build is blocked until released below, so waiting for it would take the full 10 s;
    # the slack is for a loaded machine, not for the build.
    assert time.perf_counter() - started < 5
    release.set()
    with pytest.raises(RuntimeError):
        await background.matcher()
    background.close()


async def test_a_lazy_matcher_is_built_only_when_a_question_comes() -> None:
    built = []

    def build() -> FaqMatcher:
        built.append(True)
        raise RuntimeError("built")

    background = BackgroundMatcher(build, eager=False)  # what a worker, which only sends, uses
    await asyncio.sleep(0.1)
    assert built == []
    with pytest.raises(RuntimeError, match="built"):
        await background.match("why tuck the tail")
    assert built == [True]
    background.close()
