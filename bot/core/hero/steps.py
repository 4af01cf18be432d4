"""The `/hero` session's steps, the actions its buttons carry, and how a session ends."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    """Where a session is; stored as its value."""

    SAFETY = "safety"
    PROPS = "props"
    SETUP = "setup"
    EASE = "ease"
    TUCK = "tuck"
    HOLD = "hold"
    INTENSITY = "intensity"
    WHERE = "where"
    OFFER = "offer"
    DONE = "done"


class Action(StrEnum):
    """What a session button asks for; carried in its payload."""

    OK = "ok"
    FLAG = "flag"
    LEVEL = "lv"
    INTENSITY = "i"
    WHERE = "w"
    LOWER = "lower"
    STAY = "stay"
    STOP = "stop"
    TOO_INTENSE = "hard"
    RESUME = "resume"
    RESTART = "restart"


class Ending(StrEnum):
    """How a session ended; stored as its value, shown in /progress in people's words."""

    COMPLETED = "completed"
    STOPPED = "stopped"
    ABANDONED = "abandoned"
    # A warning sign ended it.
    SAFETY_STOP = "safety_stop"
    # "One of these applies" at the safety check.
    FLAGGED = "safety"
    # Stopped at the safety check: nothing was practised, so it isn't listed.
    NOT_STARTED = "not-started"


# The steps with a pose in them (or about to be): "Too intense" is offered there.
POSE_STEPS = frozenset({Step.PROPS, Step.SETUP, Step.EASE, Step.TUCK, Step.HOLD})
# Steps where the person is down in the pose and needs to be told how to come out of it.
IN_POSE = frozenset({Step.EASE, Step.TUCK, Step.HOLD})
