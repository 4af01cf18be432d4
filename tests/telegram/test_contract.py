"""Requests that break the Bot API description are caught, named, and fail the test that sent them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.core.events import Choice, DeliveryResult, Identity, Outbound
from tests.specs.violations import Violation
from tests.telegram.contract import bot_api
from tests.telegram.emulator import TelegramEmulator
from tests.telegram.harness import running_bot
from tests.telegram.updates import User

TOKEN = "123456789:TEST-contract-token"
ALICE = User(1001, "Alice", "alice")


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(TOKEN) as emu:
        emu.add_chat(ALICE.private_chat)
        yield emu


# The emulator and the router's send, not the whole bot, so a failing example prints short.
Connected = tuple[TelegramEmulator, Callable[[Outbound], Awaitable[DeliveryResult]]]


@pytest.fixture
async def connected(tmp_path: Path) -> AsyncIterator[Connected]:
    async with running_bot(tmp_path, polling=False) as bot:
        bot.emulator.add_chat(ALICE.private_chat)
        yield bot.emulator, bot.runtime.router.send


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emulator.base_url) as bot:
        yield bot


async def raw(emulator: TelegramEmulator, method: str, params: dict[str, object]) -> None:
    """Send a request as JSON, past PTB's own checks, the way any HTTP client could."""
    async with aiohttp.ClientSession() as session:
        await session.post(f"{emulator.base_url}{TOKEN}/{method}", json=params)


def test_the_pinned_description_is_the_one_described() -> None:
    api = bot_api()
    assert api.version.startswith("Bot API ")
    assert {"sendmessage", "answercallbackquery", "editmessagemedia"} <= api.methods.keys()


async def test_an_unknown_method_is_a_violation(emulator: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(TelegramError):
        await bot.do_api_request("sendMesage", api_kwargs={"chat_id": ALICE.id, "text": "hi"})
    assert emulator.violations.take() == [
        Violation("sendMesage", "", "no such method in the Bot API (Bot API 10.1)")
    ]


async def test_method_names_are_case_insensitive(emulator: TelegramEmulator, bot: Bot) -> None:
    await bot.do_api_request("SENDMESSAGE", api_kwargs={"chat_id": ALICE.id, "text": "hi"})
    assert emulator.violations.take() == []


async def test_a_missing_required_parameter(emulator: TelegramEmulator) -> None:
    await raw(emulator, "sendMessage", {"chat_id": ALICE.id})
    assert emulator.violations.take() == [Violation("sendMessage", "text", "required, missing")]


async def test_a_missing_required_field_deep_in_a_keyboard(emulator: TelegramEmulator) -> None:
    keyboard = {"inline_keyboard": [[{"callback_data": "x"}]]}
    await raw(emulator, "sendMessage", {"chat_id": ALICE.id, "text": "hi", "reply_markup": keyboard})
    (violation,) = emulator.violations.take()
    assert violation.field == "reply_markup.inline_keyboard[0][0].text"
    assert violation.rule == "required, missing"


async def test_wrong_types_in_a_form_and_in_json(emulator: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest):  # the emulator then looks for message "abc" and can't find it
        await bot.do_api_request(
            "editMessageText", api_kwargs={"chat_id": ALICE.id, "message_id": "abc", "text": "x"}
        )
    await raw(emulator, "sendMessage", {"chat_id": ALICE.id, "text": "hi", "disable_notification": "yes"})
    assert [(v.request, v.field, v.rule) for v in emulator.violations.take()] == [
        ("editMessageText", "message_id", "'abc' is not of type 'integer'"),
        ("sendMessage", "disable_notification", "'yes' is not of type 'boolean'"),
    ]


async def test_an_unknown_parameter_is_a_violation(emulator: TelegramEmulator) -> None:
    await raw(emulator, "sendMessage", {"chat_id": ALICE.id, "text": "hi", "parse_mod": "HTML"})
    (violation,) = emulator.violations.take()
    assert (violation.field, violation.rule.split(" (")[0]) == (
        "parse_mod", "not in the API description"
    )


async def test_documented_sizes(emulator: TelegramEmulator, bot: Bot) -> None:
    await raw(emulator, "answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201})
    await raw(emulator, "sendMessage", {"chat_id": ALICE.id, "text": ""})
    commands = [{"command": "Start", "description": "d" * 257}]
    await raw(emulator, "setMyCommands", {"commands": commands})
    assert [(v.request, v.field, v.rule) for v in emulator.violations.take()] == [
        ("answerCallbackQuery", "text", "201 characters, outside 0-200 characters"),
        ("sendMessage", "text", "0 characters after entities parsing, outside 1-4096 characters "
         "after entities parsing"),
        ("setMyCommands", "commands[0].description", "257 characters, outside 1-256 characters"),
    ]


async def test_the_type_of_a_media_is_checked_against_its_kind(emulator: TelegramEmulator) -> None:
    media = {"type": "photograph", "media": "AgAC-file-id"}
    await raw(emulator, "editMessageMedia", {"chat_id": ALICE.id, "message_id": 1, "media": media})
    (violation,) = emulator.violations.take()
    assert violation.field == "media.type"
    assert violation.rule.startswith("'photograph' is none of 'animation', 'audio'")


async def test_an_attachment_must_name_a_file_part(emulator: TelegramEmulator, bot: Bot) -> None:
    media = json.dumps({"type": "photo", "media": "attach://picture"})
    form = aiohttp.FormData({"chat_id": str(ALICE.id), "message_id": "1", "media": media})
    form.add_field("other", b"\x89PNG", filename="other.png")
    async with aiohttp.ClientSession() as session:
        await session.post(f"{emulator.base_url}{TOKEN}/editMessageMedia", data=form)
    assert [str(v) for v in emulator.violations.take()] == [
        "editMessageMedia: attach://picture names no file part of the request",
        "editMessageMedia, field other: a file part no parameter names (attach://...)",
    ]


async def test_a_violation_fails_the_test_that_caused_it() -> None:
    with pytest.raises(AssertionError) as failure:
        async with TelegramEmulator(TOKEN) as emu:
            await raw(emu, "sendMessage", {"chat_id": ALICE.id, "text": "x" * 4097})
    assert str(failure.value) == (
        "1 request(s) to the Telegram emulator broke the API description (tests/specs):\n"
        "  - sendMessage, field text: 4,097 characters after entities parsing, outside "
        "1-4096 characters after entities parsing"
    )


@st.composite
def outbound_texts(draw: st.DrawFn) -> str:
    """Texts of every length and shape: astral characters, HTML-like markup, long unbroken words."""
    piece = st.one_of(
        st.text(max_size=300), st.sampled_from(["<b>", "&amp;", "</i>", "🦸" * 700, "\n\n", " "]),
        st.integers(1, 5000).map(lambda n: "x" * n),
    )
    return "".join(draw(st.lists(piece, min_size=1, max_size=8))) or "."


payloads = st.from_regex(r"[a-z]{1,6}(:[A-Za-z0-9_./+-]{1,12}){0,3}", fullmatch=True)
labels = st.one_of(st.text(min_size=1, max_size=40), st.integers(60, 200).map(lambda n: "y" * n))
choices = st.lists(st.builds(Choice, labels, payloads), max_size=30)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=outbound_texts(), buttons=choices)
async def test_whatever_the_core_sends_meets_the_bot_api(
    connected: Connected, text: str, buttons: list[Choice]
) -> None:
    emulator, send = connected
    result = await send(Outbound(Identity("telegram", str(ALICE.id)), text, buttons))
    assert emulator.violations.take() == []
    assert result.ok


async def test_a_url_outside_the_bot_api_is_a_violation(emulator: TelegramEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        await session.post(f"http://127.0.0.1:{emulator.port}/bot{TOKEN}")
    assert [str(v) for v in emulator.violations.take()] == [
        f"POST /bot{TOKEN}: not a Bot API URL (/bot<token>/<method>)"
    ]
