"""The core hands adapters pictures: each level's set-up, the tail tuck, coming out, FAQ answers, charts."""

from __future__ import annotations

import io

from PIL import Image as PillowImage

from bot.core.events import Reply
from tests.conftest import COACH, World


def picture_of(replies: list[Reply]) -> str | None:
    images = [reply.image for reply in replies if reply.image is not None]
    return images[-1].name if images else None


async def test_set_up_and_tuck_steps_carry_their_level_picture_and_alt_text(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    await ann.press("All clear")
    for level_id, label in (("high", "Bolster"),):
        [setup] = await ann.press(label)
        assert setup.image is not None and setup.image.name == f"{level_id}.png"
        assert setup.image.alt == world.runtime.content.level(level_id).illustration.alt
        assert setup.image.key and setup.text.startswith("Set up: High seat")
    [ease] = await ann.press("I'm in position")
    assert ease.image is None
    while ann.choices()[0].label != "Tail tucked":
        [step] = await ann.press(0)
    assert picture_of([step]) == "tail-tuck.png"
    [hold] = await ann.press("Tail tucked")
    assert hold.image is None


async def test_too_intense_at_set_up_shows_the_easier_levels_picture(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    await ann.press("All clear")
    await ann.press("Bolster")
    [easier] = await ann.press("Too intense")
    assert picture_of([easier]) == "prep.png"


async def test_times_up_comes_with_the_coming_out_picture(world: World) -> None:
    ann = world.chat.user("ann")
    await ann.say("/hero")
    for label in ("All clear", "Bolster", "I'm in position", "Next", "Next", "Ready to hold", "Tail tucked"):
        await ann.press(label)
    world.clock.advance(seconds=46)
    await world.runtime.core.sweep()
    [times_up] = world.chat.inbox_of("ann")
    assert times_up.image is not None and times_up.image.name == "coming-out.png"


async def test_faq_answers_about_props_tail_and_reclining_show_their_picture(world: World) -> None:
    ann = world.chat.user("ann")
    expected = {"what can I sit on instead of a bolster?": "high.png",
                "why tuck my tail?": "tail-tuck.png",
                "can I lean back into a backbend?": "reclined.png",
                "what does hero pose stretch?": None}
    for question, picture in expected.items():
        assert picture_of(await ann.say(f"/ask {question}")) == picture, question


async def test_progress_has_a_chart_once_there_is_practice(world: World) -> None:
    ann = world.chat.user("ann")
    empty = (await ann.say("/progress"))[-1]
    assert empty.image is None and "No sessions yet" in empty.text
    await ann.say("/hero")
    for label in ("All clear", "Bolster", "I'm in position", "Next", "Next", "Ready to hold",
                  "Tail tucked", "Done holding", "4", "Front of thighs"):
        await ann.press(label)
    [progress] = await ann.say("/progress")
    assert progress.image is not None and progress.image.key is None  # a chart is never cached
    assert progress.image.path is None and progress.image.data is not None
    with PillowImage.open(io.BytesIO(progress.image.data)) as chart:
        assert (chart.format, chart.size) == ("PNG", (1000, 600))
    assert "Chart: 1 session in the last 12 weeks" in progress.text
    assert progress.image.alt in progress.text


async def test_stats_has_a_chart_for_the_coach(world: World) -> None:
    await world.chat.user("ann").say("/ask why tuck my tail?")
    world.clock.advance(days=8)
    stats = (await world.chat.user(COACH.split(":")[1]).say("/stats"))[-1]
    assert stats.image is not None and stats.image.name == "stats.png"
    with PillowImage.open(io.BytesIO(stats.image.read())) as chart:
        assert chart.size == (1000, 600)
    # The question was asked 8 days ago: it counts in last week's column, not this one.
    assert "Chart: 0 active people this week (1 at most in the last 12 weeks)" in stats.text
