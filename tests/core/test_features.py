"""A feature declares itself once; the core, /help and every platform's menu follow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.memory import MemoryChat
from bot.app import build_runtime
from bot.core.buttons import Payload, encode
from bot.core.context import CoreConfig, Turn
from bot.core.events import Choice, Reply
from bot.core.features import (
    Audience,
    CommandSpec,
    DuplicateDeclaration,
    Feature,
    Option,
    Registry,
)
from bot.core.models import Timer
from bot.core.ports import ManualClock
from tests.conftest import COACH, START, World

FORGOTTEN: list[int] = []


def toy_feature() -> Feature:
    """A feature outside the shipped ones: a command with an option, a button, a timer, a hook."""

    async def water(turn: Turn, args: str) -> list[Reply]:
        glasses = args.strip() or "one"
        return [Reply(f"Drink {glasses} glass of water.",
                      [Choice("Done", encode("w", turn.person.id, "done"))])]

    async def press(_turn: Turn, payload: Payload) -> list[Reply]:
        return [Reply(f"Well done ({payload.part(1)}).", edit=True)]

    async def on_timer(_timer: Timer) -> None:
        return None

    async def forget(person_id: int) -> None:
        FORGOTTEN.append(person_id)

    return Feature("water", commands=(
        CommandSpec("water", "a reminder to drink water", water, hint="[glasses]",
                    options=(Option("glasses", "how many glasses"),), in_groups=True),
    ), buttons={"w": press}, timers={"water": on_timer}, forget=forget)


@pytest.fixture
async def toy_world(tmp_path: Path) -> AsyncIterator[World]:
    clock = ManualClock(START)
    runtime = await build_runtime(
        database_url=f"sqlite:///{tmp_path / 'toy.db'}",
        config=CoreConfig(coach_ids=frozenset({COACH})), clock=clock, features=(toy_feature(),),
    )
    chat = MemoryChat(runtime.core)
    runtime.router.register("memory", chat)
    yield World(runtime, chat, clock, tmp_path / "toy.db")
    await runtime.close()


async def test_a_toy_feature_is_routed_and_listed_in_help(toy_world: World) -> None:
    ann = toy_world.chat.user("ann")
    [reply] = (await ann.say("/water two"))[-1:]
    assert reply.text == "Drink two glass of water."
    assert (await ann.press("Done"))[-1].text == "Well done (done)."
    assert "/water [glasses] - a reminder to drink water" in (await ann.say("/help"))[-1].text
    assert "water" in toy_world.runtime.core.features.timers


def test_two_features_cannot_claim_one_command() -> None:
    async def nothing(_turn: Turn, _args: str) -> list[Reply]:
        return []

    twice = [Feature(name, commands=(CommandSpec("hero", "x", nothing),)) for name in ("a", "b")]
    with pytest.raises(DuplicateDeclaration, match="command 'hero' is declared twice"):
        Registry.of(twice)


def test_menus_list_members_then_the_coach_and_leave_unlisted_out(world: World) -> None:
    features = world.runtime.core.features
    members = [spec.name for spec in features.listed()]
    assert "start" not in members and "inbox" not in members
    coach = [spec.name for spec in features.listed(coach=True)]
    assert coach == [*members, "inbox", "answer", "stats"]
    assert [spec.name for spec in features.listed(groups=True)] == ["hero", "ask", "breaks", "help"]
    assert all(spec.audience is Audience.COACH for spec in features.commands.values()
               if spec.name in {"inbox", "answer", "stats"})


async def test_forget_runs_every_features_hook_before_the_person_goes(toy_world: World) -> None:
    ann = toy_world.chat.user("ann")
    await ann.say("/water")
    await ann.say("/forget")
    await ann.press("Yes, delete everything")
    assert FORGOTTEN == [1]
    assert await toy_world.runtime.store.people.count() == 0
