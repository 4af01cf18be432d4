"""Questions answered, suggested and passed to the coach; the coach's inbox and answers."""

from __future__ import annotations

from bot.adapters.memory import MemoryChat
from bot.core.faq.matcher import FaqMatcher
from bot.core.questions.matching import BackgroundMatcher
from tests.conftest import World


def coach_of(chat: MemoryChat):
    return chat.user("coach", name="Coach")


async def test_question_answered_with_feedback_stored(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.say("why should i tuck my tail")
    answer = replies[-1]
    assert "tail" in answer.text.lower() and answer.quote
    assert [c.label for c in answer.choices] == ["👍 Helpful", "👎 Not quite"]
    thanks = await user.press("👍")
    assert "glad it helped" in thanks[-1].text
    row = await world.runtime.store.questions.get(1)
    assert row.outcome == "answer" and row.faq_id == "tuck-tail" and row.feedback == 1


async def test_reply_to_bot_is_a_question_too(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.reply("what props can i use if i dont have a block")
    assert "👍 Helpful" in [c.label for c in replies[-1].choices]


async def test_off_topic_question_goes_to_coach_and_answer_is_relayed(world: World) -> None:
    coach = coach_of(world.chat)
    await coach.say("/start")
    user = world.chat.user("ann", name="Ann")
    replies = await user.say("/ask how do i fix my car's gearbox?")
    assert "outside what I can help with" in replies[-1].text
    assert "passed it to the coach" in replies[-1].text
    [notice] = world.chat.inbox_of("coach")
    assert notice.text.startswith("New question #1 from Ann")
    inbox = await coach.say("/inbox")
    assert "#1 from Ann" in inbox[-1].text and "gearbox" in inbox[-1].text
    sent = await coach.say("/answer 1 Sorry, I only know about hips!")
    assert "Sent your answer to #1" in sent[-1].text
    [relay] = world.chat.inbox_of("ann")
    assert "only know about hips" in relay.text and "gearbox" in relay.text
    assert relay.reply_to is not None
    assert "Inbox zero" in (await coach.say("/inbox"))[-1].text
    again = await coach.say("/answer 1 twice")
    assert "already been answered" in again[-1].text


async def test_coach_can_answer_by_replying_to_the_notice(world: World) -> None:
    coach = coach_of(world.chat)
    user = world.chat.user("ann", name="Ann")
    await user.say("/ask what's the capital of peru")
    [notice] = world.chat.inbox_of("coach")
    # The platform shows the notice edited (or the coach's client trims it): routing is by id.
    sent = await coach.reply("Lima, but let's talk hips.", to=notice, to_text="(edited)")
    assert "Sent your answer to #1" in sent[-1].text
    assert "Lima" in world.chat.inbox_of("ann")[-1].text


async def test_a_coach_reply_to_something_else_is_not_an_answer(world: World) -> None:
    coach = coach_of(world.chat)
    user = world.chat.user("ann", name="Ann")
    await user.say("/ask what's the capital of peru")
    [notice] = world.chat.inbox_of("coach")
    # Text that looks like a notice, but is not the notice's message: no answer is sent.
    await coach.reply("Lima", to_text=notice.text)
    assert world.chat.inbox_of("ann") == []
    assert (await world.runtime.store.questions.get(1)).answered_at is None


async def test_unreachable_asker_gets_the_answer_next_time(world: World) -> None:
    coach = coach_of(world.chat)
    user = world.chat.user("ann", name="Ann")
    await user.say("/ask how do i fix my car's gearbox")
    world.chat.unreachable.add("ann")
    saved = await coach.say("/answer 1 Ask a mechanic")
    # Worded as the success it is: the answer is stored and waits for them.
    assert "Saved your answer to #1 for Ann" in saved[-1].text and "couldn't" not in saved[-1].text
    world.chat.unreachable.clear()
    replies = await user.say("/help")
    assert "Ask a mechanic" in replies[0].text
    assert "Ask a mechanic" not in (await user.say("/help"))[0].text


async def test_did_you_mean_offers_choices_then_answers(world: World) -> None:
    # A matcher that never answers outright, so this test is about the flow, not the scores.
    world.runtime.core.asking.matcher = BackgroundMatcher(lambda: FaqMatcher(
        world.runtime.content.faq, answer_threshold=1.0, suggest_threshold=0.0, margin=0.0))
    user = world.chat.user("ann")
    replies = await user.say("how long should i hold the pose")
    labels = [c.label for c in replies[-1].choices]
    assert 2 <= len(labels) <= 4 and labels[-1] == "None of these: ask the coach"
    answer = await user.press(0)
    assert answer[-1].edit and "👍 Helpful" in [c.label for c in answer[-1].choices]
    row = await world.runtime.store.questions.get(1)
    assert row.outcome == "answer" and row.faq_id is not None
    coach = await user.say("how long should i hold the pose")
    passed = await user.press("None of these", coach[-1].choices)
    assert passed[-1].text.startswith("Sent to the coach")
    assert (await world.runtime.store.questions.get(2)).outcome == "escalate"


async def test_red_flag_gets_the_safety_answer(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.say("i get numbness and tingling in my feet when i sit in hero")
    assert "professional" in replies[-1].text.lower() or "doctor" in replies[-1].text.lower()
    row = await world.runtime.store.questions.get(1)
    assert row.outcome == "safety"


async def test_coach_commands_refused_for_members(world: World) -> None:
    user = world.chat.user("mallory")
    for command in ("/inbox", "/answer 1 hi", "/stats"):
        replies = await user.say(command)
        assert "just for the coach" in replies[-1].text


async def test_stats_for_the_coach(world: World) -> None:
    coach = coach_of(world.chat)
    user = world.chat.user("ann")
    await user.say("why tuck the tail")
    await user.say("/ask who won the football last night")
    await user.say("/hero")
    stats = (await coach.say("/stats"))[-1].text
    assert "People: 2" in stats
    assert "answered from the FAQ 1" in stats and "passed to you 1" in stats
    assert "FAQ hit rate: 50%" in stats


async def test_answer_usage_and_unknown_question(world: World) -> None:
    coach = coach_of(world.chat)
    assert "Usage: /answer" in (await coach.say("/answer"))[-1].text
    assert "Usage: /answer" in (await coach.say("/answer twelve hi"))[-1].text
    assert "no question #42" in (await coach.say("/answer 42 hi"))[-1].text


async def test_question_rate_limit(world: World) -> None:
    user = world.chat.user("ann")
    for _ in range(10):
        await user.say("/ask why tuck the tail")
    limited = await user.say("/ask why tuck the tail")
    assert "10 a minute" in limited[-1].text
    world.clock.advance(seconds=61)
    assert "👍 Helpful" in [c.label for c in (await user.say("/ask why tuck the tail"))[-1].choices]


async def test_someone_elses_question_buttons_refused(world: World) -> None:
    ann, bob = world.chat.user("ann"), world.chat.user("bob")
    replies = await ann.say("why tuck the tail")
    refused = await bob.press(0, replies[-1].choices)
    assert refused[-1].alert
    assert (await world.runtime.store.questions.get(1)).feedback is None


async def test_control_characters_never_reach_the_coach(world: World) -> None:
    coach = coach_of(world.chat)
    await coach.say("/start")
    user = world.chat.user("ann", name="Ann\x1b]0;owned\x07")
    await user.say("/ask how do i fix my \x1b[31mcar's\x1b[0m gearbox?\x00\nline two\tend")
    stored = await world.runtime.store.questions.get(1)
    assert stored.text == "how do i fix my [31mcar's[0m gearbox?\nline two\tend"
    inbox = (await coach.say("/inbox"))[-1].text
    assert "\x1b" not in inbox and "\x07" not in inbox and "from Ann]0;owned" in inbox
