"""Every /hero text is true at the step and level where it shows, in people's words."""

from __future__ import annotations

from bot.content.loader import load_content
from bot.core.models import HeroState
from tests.conftest import World

COME_OUT = "lean forward onto your hands"


async def to_step(user, label: str) -> list:
    """Start a session and press the way forward until a button called `label` is shown."""
    replies = await user.say("/hero")
    for _ in range(12):
        if any(c.label == label for c in replies[-1].choices):
            return replies
        replies = await user.press(0)
    raise AssertionError(f"never reached {label!r}")


async def test_too_intense_on_the_props_step_doesnt_talk_about_the_pose(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/hero")
    await user.press("All clear")
    replies = await user.press("Too intense")
    text = replies[-1].text
    assert "Ease out of the pose" not in text
    assert "Prep: kneeling" in text and "What will you sit on" in text


async def test_too_intense_at_high_seat_kneels_rather_than_adding_height(world: World) -> None:
    user = world.chat.user("bob")
    await to_step(user, "I'm in position")
    replies = await user.press("Too intense")
    text = replies[-1].text
    assert "Prep: kneeling" in text
    assert "more height under" not in text  # prep has nothing under the hips
    assert "Ease out of the pose" in text


async def test_too_intense_at_medium_adds_height(world: World) -> None:
    user = world.chat.user("cy")
    runtime = world.runtime
    await user.say("/settings")
    person = await runtime.store.people.find(user.identity)
    await runtime.store.hero.save_state(HeroState(person.id, "medium", 0, False), world.clock.now())
    await to_step(user, "I'm in position")
    replies = await user.press("Too intense")
    assert "more height under your hips" in replies[-1].text
    assert "carry on at High seat" in replies[-1].text


async def test_two_too_intense_presses_show_in_the_next_start(world: World) -> None:
    user = world.chat.user("dan")
    await to_step(user, "I'm in position")
    await user.press("Too intense")
    replies = await user.press("Too intense")
    assert "most support" in replies[-1].text
    progress = await user.say("/progress")
    assert "Your next /hero starts at: Prep: kneeling" in progress[-1].text


async def test_one_too_intense_then_stop_still_starts_easier_next_time(world: World) -> None:
    user = world.chat.user("dee")
    await to_step(user, "I'm in position")
    await user.press("Too intense")
    await user.press("Stop")
    progress = await user.say("/progress")
    assert "starts at: Prep: kneeling" in progress[-1].text


async def test_pain_at_prep_doesnt_promise_more_support(world: World) -> None:
    user = world.chat.user("eve")
    await to_step(user, "I'm in position")
    await user.press("Too intense")  # now at prep
    for label in ("I'm in position", 0, 0, 0, "Tail tucked", "Done holding", "9"):
        await user.press(label)
    replies = await user.press("Front of thighs")
    text = replies[-1].text
    assert "more support (Prep" not in text
    assert "already the most support" in text


async def test_done_holding_early_says_how_to_come_out(world: World) -> None:
    user = world.chat.user("fay")
    await to_step(user, "Done holding")
    replies = await user.press("Done holding")
    assert COME_OUT in replies[-1].text
    assert replies[-1].choices[0].label == "0"


async def test_stop_during_the_hold_says_how_to_come_out(world: World) -> None:
    user = world.chat.user("gus")
    await to_step(user, "Done holding")
    replies = await user.press("Stop")
    assert COME_OUT in replies[-1].text and "stopped" in replies[-1].text


async def test_stop_before_the_pose_doesnt_talk_about_coming_out(world: World) -> None:
    user = world.chat.user("hal")
    await to_step(user, "I'm in position")
    replies = await user.press("Stop")
    assert COME_OUT not in replies[-1].text


async def test_times_up_says_how_to_come_out_and_offers_only_check_in(world: World) -> None:
    user = world.chat.user("ida")
    await to_step(user, "Done holding")
    world.clock.advance(minutes=2)
    await world.runtime.core.sweep()
    [message] = world.chat.inbox_of("ida")
    assert "Time's up" in message.text and COME_OUT in message.text
    assert [c.label for c in message.choices] == ["Check in"]
    checkin = await user.press("Check in", message.choices)
    assert COME_OUT not in checkin[-1].text  # said once, just above
    assert checkin[-1].text.startswith("How strong")


async def test_labels_read_plainly(world: World) -> None:
    user = world.chat.user("jo")
    await user.say("/hero")
    props = await user.press("All clear")
    assert "Suggested for you: High seat\nA bolster" in props[-1].text
    assert "::" not in props[-1].text and "High seat:" not in props[-1].text
    setup = await user.press(0)
    assert "Under your hips:" not in setup[-1].text
    assert "Set up: High seat\nA bolster or a stack of blocks under your hips." in setup[-1].text
    await user.press("I'm in position")
    await user.press("Next round")
    last_round = await user.press("Next round")
    labels = [c.label for c in last_round[-1].choices]
    assert "Releasing has settled" not in labels and labels[0] == "Ready to hold still"
    await user.press(0)
    hold = await user.press("Tail tucked")
    assert "stopped letting go" not in hold[-1].text


async def test_stop_at_the_safety_check_is_not_a_session(world: World) -> None:
    user = world.chat.user("kim")
    await user.say("/hero")
    await user.press("Stop")
    await user.say("/hero")
    await user.press("One of these applies")
    progress = await user.say("/progress")
    assert "No sessions yet" in progress[-1].text
    assert "(stopped)" not in progress[-1].text and "(safety)" not in progress[-1].text


async def test_progress_lists_sessions_in_peoples_words(world: World) -> None:
    user = world.chat.user("lee")
    await to_step(user, "I'm in position")
    await user.say("/hero")
    await user.press("Restart")  # the first one is left unfinished
    await user.press("All clear")
    await user.press("Stop")
    progress = (await user.say("/progress"))[-1].text
    assert "(abandoned)" not in progress and "(stopped)" not in progress
    assert "(left unfinished)" in progress and "(stopped early)" in progress


def test_the_knee_faq_and_the_hero_answer_agree_on_where_the_prop_goes() -> None:
    content = load_content()
    answers = {entry.id: " ".join(entry.answer.split()) for entry in content.faq}
    # The prop sits between the feet; the hips rest on it rather than between the heels.
    assert "prop placed between your feet" in answers["what-is-virasana"]
    assert "hips sit on the prop, not between your heels" in answers["knee-pain"]
    assert all("between your feet" in content.level(level).setup[1]
               for level in ("high", "medium"))
