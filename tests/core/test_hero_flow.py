"""Full /hero sessions typed and pressed through the in-memory adapter."""

from __future__ import annotations

import asyncio

from tests.conftest import World


async def run_session(user, intensity: str, felt: str) -> list:
    """Press through one whole session, answering the check-in as given."""
    replies = await user.say("/hero")
    if "Quick check" in replies[-1].text:
        await user.press("All clear")
    await user.press(0)  # the suggested props come first
    await user.press("I'm in position")
    for _ in range(3):
        await user.press(0)
    await user.press("Tail tucked")
    await user.press("Done holding")
    await user.press(intensity)
    return await user.press(felt)


async def test_every_step_offers_the_way_forward_first_and_stop(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.say("/hero")
    seen = []
    while True:
        reply = replies[-1]
        labels = [c.label for c in reply.choices]
        if not labels:
            break
        seen.append(labels)
        assert "Stop" in labels
        assert labels[0] not in ("Stop", "Too intense")
        if reply.text.startswith("How strong"):
            replies = await user.press("4")
        else:
            replies = await user.press(0)
    assert len(seen) >= 10
    pose_steps = [labels for labels in seen if "I'm in position" in labels or "Tail tucked" in labels
                  or "Done holding" in labels or "Next round" in labels]
    assert all("Too intense" in labels for labels in pose_steps)
    assert "Logged" in replies[-1].text


async def test_two_sessions_level_changes_by_the_rules(world: World) -> None:
    user = world.chat.user("ann")
    first = await run_session(user, "9", "Front of thighs")
    assert "Prep: kneeling" in first[-1].text  # 9/10 means one level easier than high seat
    world.clock.advance(days=1)
    replies = await user.say("/hero")
    assert "Quick check" in replies[-1].text  # strong session: safety check again
    await user.press("All clear")
    assert user.choices()[0].label.startswith("Just a blanket under my shins (suggested)")


async def test_comfortable_run_offers_to_lower_the_prop(world: World) -> None:
    user = world.chat.user("bob")
    await run_session(user, "3", "Front of hips")
    world.clock.advance(days=1)
    second = await run_session(user, "4", "Front of thighs")
    assert "2 comfortable sessions in a row" in second[-1].text
    done = await user.press("Yes, lower it")
    assert "Medium seat" in done[-1].text
    world.clock.advance(days=1)
    await user.say("/hero")
    assert user.choices()[0].label.endswith("(suggested)")
    assert "block" in user.choices()[0].label.lower() or "blanket" in user.choices()[0].label.lower()
    progress = await user.say("/progress")
    assert "Medium seat" in progress[-1].text
    assert "Sessions completed: 2" in progress[-1].text
    assert "Practice streak: 2 days" in progress[-1].text


async def test_pain_reported_in_knees_means_easier_and_safety_check(world: World) -> None:
    user = world.chat.user("cat")
    replies = await run_session(user, "3", "Knees")
    assert "more support" in replies[-1].text
    state = await world.runtime.store.hero.state(
        (await world.runtime.store.people.find(user.identity)).id, "high")
    assert state.level == "prep" and state.needs_safety_check


async def test_too_intense_backs_out_and_adds_height(world: World) -> None:
    user = world.chat.user("dan")
    await user.say("/hero")
    await user.press("All clear")
    await user.press(0)
    replies = await user.press("Too intense")
    assert "Prep: kneeling" in replies[-1].text
    assert replies[-1].choices[0].label == "I'm in position"
    replies = await user.press("Too intense")
    assert "most support" in replies[-1].text and not replies[-1].choices


async def test_safety_flag_stops_and_points_to_a_professional(world: World) -> None:
    user = world.chat.user("eve")
    await user.say("/hero")
    replies = await user.press("One of these applies")
    assert "professional" in replies[-1].text
    again = await user.say("/hero")
    assert "Quick check" in again[-1].text


async def test_hold_timer_sends_times_up_through_delivery(world: World) -> None:
    user = world.chat.user("fay")
    await user.say("/hero")
    await user.press("All clear")
    await user.press(0)
    await user.press(0)
    for _ in range(3):
        await user.press(0)
    await user.press("Tail tucked")
    assert await world.runtime.core.sweep() == 0
    world.clock.advance(seconds=44)
    assert await world.runtime.core.sweep() == 0
    world.clock.advance(seconds=2)
    assert await world.runtime.core.sweep() == 1
    [message] = world.chat.inbox_of("fay")
    assert "Time's up" in message.text
    await user.press("Check in", message.choices)
    assert user.choices()[0].label == "0"
    assert await world.runtime.core.sweep() == 0


async def test_times_up_is_skipped_when_already_done_holding(world: World) -> None:
    user = world.chat.user("gus")
    await user.say("/hero")
    for label in ("All clear", 0, 0, 0, 0, 0, "Tail tucked", "Done holding"):
        await user.press(label)
    world.clock.advance(minutes=2)
    assert await world.runtime.core.sweep() == 1
    assert world.chat.inbox_of("gus") == []


async def test_hero_mid_session_offers_resume_or_restart(world: World) -> None:
    user = world.chat.user("hal")
    await user.say("/hero")
    await user.press("All clear")
    replies = await user.say("/hero")
    assert [c.label for c in replies[-1].choices] == ["Resume", "Restart", "Stop"]
    resumed = await user.press("Resume")
    assert "What will you sit on" in resumed[-1].text
    await user.say("/hero")
    restarted = await user.press("Restart")
    assert restarted[-1].choices[0].label.startswith("All clear")


async def test_stop_ends_the_session_and_logs_it(world: World) -> None:
    user = world.chat.user("ivy")
    await user.say("/hero")
    await user.press("All clear")
    replies = await user.press("Stop")
    assert "stopped" in replies[-1].text
    progress = await user.say("/progress")
    assert "(stopped early)" in progress[-1].text


async def test_stale_and_forged_buttons_expire(world: World) -> None:
    user = world.chat.user("jo")
    await user.say("/hero")
    old = user.choices()
    await user.press("All clear")
    stale = await user.press(0, old)
    assert stale[-1].alert and "expired" in stale[-1].text
    for forged in ("h:999:props:lv:floor", "h:1:props:lv:../../x", "zz:1", "", "h", "q:abc:up",
                   "h:1:props:lv:floor:extra:more", "🙂", "h:" + "9" * 40 + ":x:y"):
        replies = await user.press_payload(forged)
        assert replies[-1].alert and "expired" in replies[-1].text, forged


async def test_buttons_belong_to_their_owner(world: World) -> None:
    owner = world.chat.user("kim", chat_id="group-1")
    stranger = world.chat.user("lee", chat_id="group-1")
    owner.group = stranger.group = "group-1"
    await owner.say("/hero")
    buttons = owner.choices()
    refused = await stranger.press(0, buttons)
    assert refused[-1].alert and "someone else" in refused[-1].text
    still = await owner.press(0, buttons)
    assert "What will you sit on" in still[-1].text


async def test_two_simultaneous_presses_move_the_session_once(world: World) -> None:
    """A double tap, or two processes: the second press is told the button expired."""
    from bot.adapters.memory import MemoryChat
    from bot.app import build_runtime
    from bot.core import texts
    from bot.core.context import CoreConfig

    second = await build_runtime(database_url=world.database_url, config=CoreConfig(),
                                 clock=world.clock)
    try:
        here, there = world.chat.user("ann"), MemoryChat(second.core).user("ann")
        replies = await here.say("/hero")
        if "Quick check" in replies[-1].text:
            await here.press("All clear")
        await here.press(0)
        await here.press("I'm in position")
        for _ in range(3):
            await here.press(0)
        tuck = next(c for c in here.choices() if c.label == "Tail tucked")
        results = await asyncio.gather(here.press_payload(tuck.payload),
                                       there.press_payload(tuck.payload))
        texts_seen = sorted(replies[-1].text for replies in results)
        assert sum(t == texts.EXPIRED for t in texts_seen) == 1, texts_seen
        timers = await world.rows("SELECT COUNT(*) FROM timers WHERE kind = 'hold'")
        assert timers[0][0] == 1  # the hold started once
    finally:
        await second.close()
