"""Hypothesis: any text, any payload, any command from anyone; nothing escapes, nothing crashes."""

from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.events import ButtonPress, Command, Identity, Origin, ReplyToBot, Text
from tests.conftest import World

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
COMMANDS = st.sampled_from(["start", "hero", "ask", "progress", "timezone", "settings", "forget",
                            "help", "inbox", "answer", "stats", "HERO@herocoach_bot", ""])
payloads = st.one_of(
    st.text(max_size=80),
    st.builds(lambda f, parts: ":".join([f, *parts]), st.sampled_from(["h", "q", "tz", "f"]),
              st.lists(st.from_regex(r"[A-Za-z0-9_./+-]{1,12}", fullmatch=True), max_size=5)),
)


def origin(user: str, private: bool) -> Origin:
    return Origin(Identity("memory", user), "c" if not private else user, "m1", private, user)


@FAST
@given(text=st.text(max_size=2100), private=st.booleans(), kind=st.sampled_from("tr"))
async def test_any_text_gets_a_reply_or_is_ignored(world: World, text: str, private: bool,
                                                   kind: str, caplog) -> None:
    event = Text(origin("u1", private), text) if kind == "t" else ReplyToBot(origin("u1", private), text)
    with caplog.at_level(logging.ERROR):
        replies = await world.runtime.core.handle(event)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(reply.text.strip() for reply in replies)
    world.clock.advance(seconds=7)  # stay under the question rate limit


@FAST
@given(name=COMMANDS, args=st.text(max_size=300), user=st.sampled_from(["coach", "u2"]))
async def test_any_command_and_arguments(world: World, name: str, args: str, user: str,
                                         caplog) -> None:
    with caplog.at_level(logging.ERROR):
        replies = await world.runtime.core.handle(Command(origin(user, True), name, args))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert replies
    world.clock.advance(seconds=7)


@FAST
@given(payload=payloads, user=st.sampled_from(["u3", "u4"]))
async def test_any_button_payload(world: World, payload: str, user: str, caplog) -> None:
    await world.runtime.core.handle(Command(origin("u3", True), "hero", ""))
    with caplog.at_level(logging.ERROR):
        replies = await world.runtime.core.handle(ButtonPress(origin(user, False), payload))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert replies and all(reply.text for reply in replies)
