"""The hero feature's declaration: `/hero`, `/progress`, its buttons and the hold timer."""

from __future__ import annotations

from bot.core.features import CommandHandler, CommandSpec, Feature
from bot.core.hero.flow import HOLD_TIMER, HeroFlow


def declare(flow: HeroFlow, progress: CommandHandler) -> Feature:
    """Return what the hero feature handles; `progress` answers `/progress`."""
    return Feature(
        "hero",
        commands=(
            CommandSpec("hero", "a guided, prop-assisted Hero pose session",
                        lambda turn, _: flow.command(turn), in_groups=True,
                        continues_in_private=True, runs_a_session=True),
            CommandSpec("progress", "your level, sessions and streak", progress),
        ),
        buttons={"h": flow.press},
        timers={HOLD_TIMER: flow.on_timer},
    )
