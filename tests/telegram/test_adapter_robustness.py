"""Updates of every shape never break the Telegram adapter; the token never reaches a log line."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import ContextTypes

from bot.adapters.base import BadToken
from bot.adapters.telegram.adapter import TelegramAdapter
from bot.core.events import Identity, Outbound
from tests.telegram import updates
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import (
    ALICE,
    BOB,
    COACH,
    GROUP,
    TOKEN,
    TelegramBot,
    running_bot,
    settings_for,
)
from tests.telegram.updates import JSON, User, now

USERS = (ALICE, BOB, COACH)
COMMAND_NAMES = ("start", "hero", "help", "ask", "progress", "timezone", "settings", "forget",
                 "inbox", "answer", "stats", "breaks", "nope")
ENTITY_TYPES = ("bot_command", "bold", "mention", "url", "hashtag", "code", "text_link")


@pytest.fixture
async def connected(tmp_path: Path) -> AsyncIterator[TelegramBot]:
    async with running_bot(tmp_path, polling=False) as bot:
        yield bot


@st.composite
def texts(draw: st.DrawFn) -> str:
    body = draw(st.one_of(st.text(min_size=1, max_size=120), st.just("x" * 5000),
                          st.sampled_from(["why tuck the tail?", "<b>&amp;</b> & <", "  "])))
    if draw(st.booleans()):
        name = draw(st.sampled_from(COMMAND_NAMES))
        suffix = draw(st.sampled_from(["", "@herocoach_bot", "@other_bot", "@"]))
        return f"/{name}{suffix} {body}"
    return body


@st.composite
def entities(draw: st.DrawFn, text: str) -> list[JSON]:
    found = []
    for _ in range(draw(st.integers(0, 3))):
        offset = draw(st.integers(0, len(text) + 2))
        entity = {"type": draw(st.sampled_from(ENTITY_TYPES)), "offset": offset,
                  "length": draw(st.integers(1, len(text) + 2))}
        if entity["type"] == "text_link":
            entity["url"] = "https://example.com"
        found.append(entity)
    return found


def bot_message(chat: JSON, message_id: int, bot: User) -> JSON:
    return {"message_id": message_id, "from": bot.to_dict(), "chat": chat, "date": now(),
            "text": "New question #1 from Alice (telegram):\nhi"}


@st.composite
def any_update(draw: st.DrawFn, bot: User) -> JSON:
    user = draw(st.sampled_from(USERS))
    chat = draw(st.sampled_from([user.private_chat, GROUP]))
    kind = draw(st.sampled_from(["message", "reply", "press", "sticker", "photo", "voice",
                                 "edited", "forwarded", "channel", "member", "poll"]))
    if kind in ("message", "reply"):
        text = draw(texts())
        update = updates.command(user, text, chat=chat) if text.startswith("/") else (
            updates.group_message(user, chat, text))
        update["message"]["entities"] = draw(entities(text))
        if kind == "reply":
            author = draw(st.sampled_from([bot, BOB]))
            replied = bot_message(chat, draw(st.integers(1, 10_000)), author)
            update["message"]["reply_to_message"] = replied
        return update
    if kind == "press":
        data = draw(st.one_of(st.text(max_size=80), st.sampled_from(["h:new", "h:1:any:resume",
                                                                      "q:1:up", "f:1:no"])))
        return updates.callback_query(user, bot_message(chat, 1, bot), data)
    if kind == "member":
        status = draw(st.sampled_from(["member", "kicked", "left"]))
        return updates.my_chat_member(user, bot, status, chat=chat)
    simple = {
        "sticker": lambda: updates.sticker(user),
        "photo": lambda: updates.photo(user, caption=draw(st.none() | st.text(max_size=20))),
        "voice": lambda: updates.voice(user),
        "edited": lambda: updates.edited_message(
            updates.private_message(user, "hi")["message"] | {"message_id": 1}, draw(texts())),
        "forwarded": lambda: updates.forwarded(user, draw(texts()), origin=BOB),
        "channel": lambda: updates.channel_post(updates.channel(-100777, "News"), draw(texts())),
        "poll": lambda: updates.poll("Best pose?", ["Hero", "Squat"]),
    }
    return simple[kind]()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
async def test_random_updates_never_break_the_bot(
    connected: TelegramBot, data: st.DataObject
) -> None:
    tg = connected
    app = tg.adapter.application
    errors: list[BaseException | None] = []

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app.add_error_handler(record)
    try:
        for chat in (ALICE.private_chat, BOB.private_chat, COACH.private_chat, GROUP):
            tg.emulator.add_chat(chat)
        update = data.draw(any_update(tg.emulator.bot))
        injected = tg.emulator.inject(update)
        await app.process_update(Update.de_json(injected, app.bot))
        for chat_id in (ALICE.id, BOB.id, COACH.id, GROUP["id"]):
            tg.emulator.unblock(chat_id)
        mark = tg.mark()
        alive = tg.emulator.inject(updates.command(ALICE, "/help"))
        await app.process_update(Update.de_json(alive, app.bot))
        await tg.emulator.wait_for("sendMessage", lambda p: p["chat_id"] == ALICE.id, since=mark)
    finally:
        app.remove_error_handler(record)
    assert errors == []


async def test_token_never_reaches_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(tmp_path) as tg:
        mark = tg.mark()
        tg.say(ALICE, "/hero")
        await tg.sent(ALICE.id, mark, markup=True)
        tg.emulator.bad_request("editMessageText", "message can't be edited")
        mark = tg.mark()
        await tg.press(ALICE, "All clear")
        await tg.sent(ALICE.id, mark)
        tg.emulator.block(ALICE.id)
        await tg.runtime.router.send(Outbound(Identity("telegram", str(ALICE.id)), "Stand up!"))
    async with TelegramEmulator(TOKEN) as emulator:
        adapter = TelegramAdapter(tg.runtime, settings_for(emulator, token="42:wrong-token-abcdef"))
        with pytest.raises(BadToken) as refused:
            await adapter.start()
        await adapter.stop()
    assert "wrong-token" not in str(refused.value)
    assert any("HTTP Request" in record.getMessage() for record in caplog.records)
    assert any("[redacted]" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        assert TOKEN not in record.getMessage() and "wrong-token" not in record.getMessage()
        assert TOKEN not in (record.exc_text or "")
    assert TOKEN not in caplog.text and "wrong-token" not in caplog.text
