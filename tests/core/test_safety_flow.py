"""Warning signs in the chat: urgent help for emergencies, naming what was heard, ending /hero."""

from __future__ import annotations

import pytest

from tests.conftest import World


@pytest.mark.parametrize(("message", "named"), [
    ("I can't control my bladder and my back hurts", "bladder or bowel control"),
    ("I get chest pain when I stand up", "chest pain"),
    ("my groin and inner thighs have gone numb since my back went", "groin or saddle area"),
    ("my left leg suddenly went weak when I stood up", "sudden weakness in a leg"),
    ("I fell down the stairs and the pain is severe", "a fall with severe pain"),
])
async def test_urgent_signs_get_the_urgent_answer_naming_them(world: World, message: str,
                                                              named: str) -> None:
    replies = await world.chat.user("ann").say(message)
    text = replies[-1].text
    assert named in text
    assert "urgent medical help" in text and "emergency number" in text
    assert "physio" not in text
    assert (await world.runtime.store.questions.get(1)).outcome == "safety"


async def test_a_stop_sign_gets_the_stop_answer_naming_it_and_where(world: World) -> None:
    text = (await world.chat.user("ann").say("no pain, just numbness in my foot"))[-1].text
    assert text.startswith("You mentioned numbness in your foot.")
    assert "physiotherapist" in text and "urgent medical help" not in text


async def test_a_red_flag_during_the_hold_ends_the_session_with_no_times_up(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    await ann.press("All clear")
    await ann.press(0)  # the suggested prop
    for label in ("I'm in position", "Next round", "Next round", "Ready to hold still", "Tail tucked"):
        await ann.press(label)
    session = await world.runtime.store.hero.open_session(1)
    assert session is not None and session.step == "hold"
    replies = await ann.say("ouch sharp pain in my knee")
    texts = [reply.text for reply in replies]
    assert texts[0].startswith("I've ended your /hero session")
    assert world.runtime.content.progression.session.come_out in texts[0]
    assert texts[1].startswith("You mentioned sharp or shooting pain in your knee.")
    assert not any("still waiting" in text for text in texts)
    assert await world.runtime.store.hero.open_session(1) is None
    [logged] = await world.runtime.store.hero.history(1)
    assert logged.outcome == "safety_stop"
    assert "stopped for safety" in (await ann.say("/progress"))[-1].text
    world.clock.advance(minutes=5)
    await world.runtime.core.sweep()
    assert not any("Time's up" in m.text for m in world.chat.inbox_of("ann"))
    again = await ann.say("/hero")
    assert "Quick check before we start" in again[-1].text
    state = await world.runtime.store.hero.state(1, "high")
    assert state.needs_safety_check and state.level == "prep"


async def test_a_red_flag_before_the_pose_ends_the_session_without_pose_words(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    await ann.press("All clear")
    replies = await ann.say("actually I'm pregnant, is that ok?")
    assert "ended your /hero session" in replies[0].text
    assert world.runtime.content.progression.session.come_out not in replies[0].text
    assert replies[1].text.startswith("You mentioned a pregnancy.")


async def test_the_safety_check_names_a_recent_back_or_hip_injury(world: World) -> None:
    replies = await world.chat.user("ann").say("/hero")
    assert "back or hip injury" in replies[-1].text


@pytest.mark.parametrize("message", [
    "my wife is pregnant, can she use the bot?",
    "my knee surgery was 10 years ago",
    "no numbness or tingling, just tight thighs",
    "I don't have any sharp pain, just a dull stretch",
])
async def test_negated_someone_elses_and_old_signs_do_not_get_the_stop_answer(
        world: World, message: str) -> None:
    replies = await world.chat.user("ann").say(message)
    assert "You mentioned" not in replies[-1].text
    assert "warning sign" not in replies[-1].text


async def test_someone_elses_sign_gets_the_gentler_note_and_leaves_my_session_open(
        world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    await ann.press("All clear")
    replies = await ann.say("my wife has numbness in her feet, should she try this?")
    text = replies[0].text
    assert "still waiting" in replies[-1].text
    assert text.startswith("You mentioned numbness for someone else.")
    assert "doctor or physiotherapist" in text and "urgent medical help" not in text
    assert not any("ended your /hero session" in reply.text for reply in replies)
    assert await world.runtime.store.hero.open_session(1) is not None


async def test_an_old_replaced_joint_gets_the_gentler_note(world: World) -> None:
    replies = await world.chat.user("ann").say(
        "I had a hip replacement 15 years ago, all healed up, can I still kneel on a block?")
    assert replies[-1].text.startswith("You mentioned a replaced or fused joint.")
    assert "urgent medical help" not in replies[-1].text
