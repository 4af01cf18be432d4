"""The breaks feature's declaration: `/breaks`, `/remind`, `/pause`, `/resume`, nudge buttons, snoozes."""

from __future__ import annotations

from bot.core.breaks.commands import BreaksCommands
from bot.core.breaks.nudges import SNOOZE_TIMER, Nudges
from bot.core.features import CommandSpec, Feature, Option


def declare(commands: BreaksCommands, nudges: Nudges) -> Feature:
    """Return what the breaks feature handles."""
    return Feature(
        "breaks",
        commands=(
            CommandSpec("breaks", "sit-break nudges in your working hours", commands.breaks,
                        options=(Option("setting", 'e.g. "every 30m 09:00-17:30 mon-fri", '
                                                   '"off" or "preview"'),),
                        in_groups=True, continues_in_private=True),
            CommandSpec("remind", "a daily practice reminder, e.g. /remind 07:30",
                        commands.remind, hint="<time>",
                        options=(Option("time", 'e.g. 07:30, or "off"', required=True),
                                 Option("days", "e.g. mon-fri (every day if empty)"))),
            CommandSpec("pause", "pause nudges: /pause 2h, /pause today", commands.pause,
                        options=(Option("for", 'e.g. 2h, or "today"'),)),
            CommandSpec("resume", "turn nudges back on", commands.resume),
        ),
        buttons={"n": nudges.press, "b": commands.press, "p": commands.press_pause},
        timers={SNOOZE_TIMER: nudges.on_snooze},
    )
