"""Requests that break Discord's OpenAPI document are caught, named, and fail the test that sent them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.events import Choice, DeliveryResult, Identity, Outbound
from tests.discord.conftest import MEMBER, Bot
from tests.discord.contract import discord_api
from tests.discord.emulator import DiscordEmulator

MESSAGES = "POST /channels/{channel_id}/messages"


async def send(emu: DiscordEmulator, method: str, path: str, body: Any = None, **kwargs: Any) -> int:
    """Send one REST request as any HTTP client could, past discord.py's own checks."""
    headers = {"Authorization": f"Bot {emu.token}"}
    async with aiohttp.ClientSession() as session:
        json_body = {"json": body} if body is not None else {}
        async with session.request(
            method, f"{emu.base_url}{path}", headers=headers, **json_body, **kwargs
        ) as response:
            return response.status


def rules(emu: DiscordEmulator) -> list[tuple[str, str, str]]:
    return [(v.request, v.field, v.rule) for v in emu.violations.take()]


def button(custom_id: str = "hero:next", label: str = "Next") -> dict[str, Any]:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def test_the_pinned_document_keeps_every_path() -> None:
    templates = {entry.template for entry in discord_api().paths}
    assert len(templates) == 150
    assert "/interactions/{interaction_id}/{interaction_token}/callback" in templates


async def test_a_valid_message_passes(emu: DiscordEmulator) -> None:
    row = {"type": 1, "components": [button(), button("hero:back", "Back")]}
    body = {"content": "x" * 2000, "components": [row] * 5, "message_reference": {"message_id": 1}}
    assert await send(emu, "POST", f"/channels/{emu.channel_id}/messages", body) == 200
    assert emu.violations.take() == []


async def test_unknown_paths_methods_and_query_parameters(emu: DiscordEmulator) -> None:
    await send(emu, "POST", f"/channels/{emu.channel_id}/mesages", {"content": "hi"})
    await send(emu, "DELETE", "/users/@me")
    await send(emu, "GET", f"/channels/{emu.channel_id}/messages", params={"limt": "5"})
    await send(emu, "GET", "/channels/general")
    async with aiohttp.ClientSession() as session:
        await session.get(f"http://127.0.0.1:{emu.port}/api/v9/users/@me")
    assert rules(emu) == [
        (f"POST /channels/{emu.channel_id}/mesages", "", "no such path in Discord's HTTP API"),
        ("DELETE /users/@me", "", "no such method on this path (it has GET, PATCH)"),
        ("GET /channels/{channel_id}/messages", "?limt", "not a query parameter here"),
        ("GET /channels/{channel_id}", "{channel_id}", "'general' does not match ^(0|[1-9][0-9]*)$"),
        ("GET /api/v9/users/@me", "", "not under /api/v10, Discord's HTTP API, nor the gateway"),
    ]


async def test_missing_fields_and_wrong_types(emu: DiscordEmulator) -> None:
    path = f"/channels/{emu.channel_id}/messages"
    await send(emu, "POST", path, {"content": "hi", "message_reference": {"channel_id": "1"}})
    await send(emu, "POST", path, {"content": 5})
    await send(emu, "POST", path, {"content": "hi", "tts": "yes"})
    await send(emu, "PUT", f"/applications/{emu.app_id}/commands", [{"description": "no name"}])
    await send(emu, "POST", "/users/@me/channels")
    assert rules(emu) == [
        (MESSAGES, "message_reference.message_id", "required, missing"),
        (MESSAGES, "content", "5 is not of type ['string', 'null']"),
        (MESSAGES, "tts", "'yes' is not of type ['boolean', 'null']"),
        ("PUT /applications/{application_id}/commands", "[0].name", "required, missing"),
        ("POST /users/@me/channels", "", "a request body is required"),
    ]


async def test_documented_limits_on_messages_and_components(emu: DiscordEmulator) -> None:
    path = f"/channels/{emu.channel_id}/messages"
    six_rows = [{"type": 1, "components": [button()]}] * 6
    crowded = [{"type": 1, "components": [button(f"b{i}") for i in range(6)]}]
    await send(emu, "POST", path, {"content": "x" * 2001})
    await send(emu, "POST", path, {"components": [{"type": 1, "components": [button("c" * 101)]}]})
    await send(emu, "POST", path, {"components": [{"type": 1, "components": [button(label="l" * 81)]}]})
    await send(emu, "POST", path, {"components": six_rows})
    await send(emu, "POST", path, {"components": crowded})
    assert rules(emu) == [
        (MESSAGES, "content", "2,001 characters, more than 2,000"),
        (MESSAGES, "components[0].components[0].custom_id", "101 characters, more than 100"),
        (MESSAGES, "components[0].components[0].label", "81 characters, more than 80"),
        (MESSAGES, "components", "6 action rows, more than 5"),
        (MESSAGES, "components[0].components", "6 items, more than 5"),
    ]


async def test_interaction_responses_and_edits_are_checked(emu: DiscordEmulator) -> None:
    callback = "/interactions/1/token/callback"
    await send(emu, "POST", callback, {"type": 4, "data": {"content": "x" * 2001}})
    await send(emu, "POST", callback, {"type": 42})
    await send(emu, "PATCH", f"/webhooks/{emu.app_id}/token/messages/@original", {"content": "x" * 2001})
    label = "POST /interactions/{interaction_id}/{interaction_token}/callback"
    found = rules(emu)
    assert found[0] == (label, "data.content", "2,001 characters, more than 2,000")
    assert found[1][:2] == (label, "type") and found[1][2].startswith("42 is none of ")
    assert found[2] == (
        "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original", "content",
        "2,001 characters, more than 2,000",
    )


async def test_multipart_uploads_are_checked(emu: DiscordEmulator) -> None:
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps({"content": "x" * 2001}))
    form.add_field("file", b"\x89PNG", filename="a.png")
    await send(emu, "POST", f"/channels/{emu.channel_id}/messages", data=form)
    assert rules(emu) == [
        (MESSAGES, "file", "a file part must be named files[n]"),
        (MESSAGES, "content", "2,001 characters, more than 2,000"),
    ]


async def test_a_violation_fails_the_test_that_caused_it() -> None:
    with pytest.raises(AssertionError) as failure:
        async with DiscordEmulator() as emu:
            row = {"type": 1, "components": [button("c" * 101)]}
            await send(emu, "POST", f"/channels/{emu.channel_id}/messages", {"components": [row]})
    assert str(failure.value) == (
        "1 request(s) to the Discord emulator broke the API description (tests/specs):\n"
        f"  - {MESSAGES}, field components[0].components[0].custom_id: 101 characters, more than 100"
    )



@st.composite
def outbound_texts(draw: st.DrawFn) -> str:
    """Texts of every length and shape: astral characters, markdown, long unbroken words."""
    piece = st.one_of(
        st.text(max_size=300), st.sampled_from(["**", "_", "`", "> ", "🦸" * 700, "\n\n", " "]),
        st.integers(1, 5000).map(lambda n: "x" * n),
    )
    return "".join(draw(st.lists(piece, min_size=1, max_size=8))) or "."


payloads = st.from_regex(r"[a-z]{1,6}(:[A-Za-z0-9_./+-]{1,12}){0,3}", fullmatch=True)
labels = st.one_of(st.text(min_size=1, max_size=40), st.integers(60, 200).map(lambda n: "y" * n))
choices = st.lists(st.builds(Choice, labels, payloads), max_size=30)


@pytest.fixture
def to_member(bot: Bot) -> Callable[[Outbound], Awaitable[DeliveryResult]]:
    """Send through the running bot's router (a function, so a failing example prints short)."""
    return bot.runtime.router.send


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=outbound_texts(), buttons=choices)
async def test_whatever_the_core_sends_meets_the_document(
    emu: DiscordEmulator, to_member: Callable[[Outbound], Awaitable[DeliveryResult]],
    text: str, buttons: list[Choice],
) -> None:
    result = await to_member(Outbound(Identity("discord", str(MEMBER)), text, buttons))
    assert emu.violations.take() == []
    assert result.ok
