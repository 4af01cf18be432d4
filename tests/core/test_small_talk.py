"""Small talk is answered kindly and never reaches the coach, the stats or the rate limit."""

from __future__ import annotations

import pytest

from bot.core.questions.smalltalk import Kind, kind_of, question_inside
from tests.conftest import World
from tests.core.test_questions import coach_of

PLEASANTRIES = ["thanks!", "hello", "ok", "got it", "lol", "👍", "🙏", "1",
                "thank you so much that helped", "Thanksss 🙏", "good morning coach", "bye!",
                "cheers mate", "haha", "ok cool", "you're the best", "5/10"]


@pytest.mark.parametrize("text", PLEASANTRIES)
def test_pleasantries_are_small_talk(text: str) -> None:
    assert kind_of(text) is not None


@pytest.mark.parametrize("text", [
    "thanks! also how long do I hold?", "hi, what do I sit on", "ok but my knee is numb",
    "how long do I hold", "no", "why tuck the tail?", "my foot is numb lol",
])
def test_a_question_or_a_sign_is_not_small_talk(text: str) -> None:
    assert kind_of(text) is None or kind_of(text) is Kind.BUTTON


def test_the_question_inside_a_pleasantry_is_kept() -> None:
    assert question_inside("thanks! also how long do I hold?") == "how long do I hold?"
    assert question_inside("hi there, what can I sit on if I have no block") == \
        "what can I sit on if I have no block"
    assert question_inside("how long do I hold?") == "how long do I hold?"


async def test_small_talk_is_answered_and_never_filed_or_counted(world: World) -> None:
    coach = coach_of(world.chat)
    await coach.say("/start")
    ann = world.chat.user("ann", name="Ann")
    for text in PLEASANTRIES:
        replies = await ann.say(text)
        assert replies[-1].text, text
        assert "passed" not in replies[-1].text, text
    assert world.chat.inbox_of("coach") == []
    assert await world.runtime.store.questions.outcome_counts() == {}
    assert "Questions: 0" in (await coach.say("/stats"))[-1].text
    # Small talk does not use up the question rate limit.
    assert "👍 Helpful" in [c.label for c in (await ann.say("why tuck the tail"))[-1].choices]


async def test_a_lone_number_with_no_buttons_points_to_help(world: World) -> None:
    replies = await world.chat.user("ann").say("1")
    assert "no buttons" in replies[-1].text and "/help" in replies[-1].text


async def test_a_greeting_says_hello_by_name(world: World) -> None:
    ann = world.chat.user("ann", name="Ann")
    await ann.say("/start")
    assert (await ann.say("hi"))[-1].text.startswith("Hi Ann!")


async def test_thanks_after_a_relayed_answer_notifies_no_coach(world: World) -> None:
    coach = coach_of(world.chat)
    await coach.say("/start")
    ann = world.chat.user("ann", name="Ann")
    await ann.say("/ask how do i fix my car's gearbox?")
    await coach.say("/answer 1 Ask a mechanic")
    relay = world.chat.inbox_of("ann")[-1]
    notices = len(world.chat.inbox_of("coach"))
    thanks = await ann.reply("thanks!", to=relay)
    assert "welcome" in thanks[-1].text
    assert len(world.chat.inbox_of("coach")) == notices
    assert "Inbox zero" in (await coach.say("/inbox"))[-1].text


async def test_a_question_wrapped_in_thanks_is_still_answered(world: World) -> None:
    replies = await world.chat.user("ann").say("thanks! also why should I tuck my tail?")
    assert "👍 Helpful" in [c.label for c in replies[-1].choices]
    assert (await world.runtime.store.questions.get(1)).text == "why should I tuck my tail?"


async def test_ask_the_coach_after_thumbs_down_says_sent(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("why should i tuck my tail")
    await ann.press("👎")
    sent = await ann.press("Ask the coach")
    assert sent[-1].text.startswith("Sent to the coach")


async def test_a_typed_number_during_a_session_points_to_its_buttons(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    replies = await ann.say("8")
    assert [reply.text for reply in replies] == [
        "Your /hero session is still waiting: use its buttons, or type /hero to pick it up."]
