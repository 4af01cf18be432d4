"""The level rules: where the next `/hero` session starts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import HeroSession, HeroState

LADDER = ("prep", "high", "medium", "low", "floor")
OPTIONAL = "reclined"
FIRST_LEVEL = "high"
STRONG_INTENSITY = 8
COMFORTABLE_INTENSITY = 5
COMFORTABLE_RUN_FOR_OFFER = 2


def easier(level: str) -> str:
    """Return the level with one step more support (prep is the floor of the ladder)."""
    if level == OPTIONAL:
        return LADDER[-1]
    index = LADDER.index(level) if level in LADDER else 1
    return LADDER[max(index - 1, 0)]


def harder(level: str) -> str | None:
    """Return the level with one step less support, or None at the floor."""
    if level not in LADDER or level == LADDER[-1]:
        return None
    return LADDER[LADDER.index(level) + 1]


def choosable(recommended: str) -> list[str]:
    """Return the levels offered at the props step: the recommendation first, then easier ones."""
    base = LADDER[-1] if recommended == OPTIONAL else recommended
    index = LADDER.index(base) if base in LADDER else 1
    levels = [LADDER[i] for i in range(index, -1, -1)]
    if base == LADDER[-1]:
        levels.insert(1, OPTIONAL)
    if recommended == OPTIONAL:
        levels.remove(OPTIONAL)
        levels.insert(0, OPTIONAL)
    return levels


@dataclass(frozen=True)
class CheckinResult:
    """What the check-in decided: the new state and whether to offer a lower prop."""

    state: HeroState
    offer_lower: bool
    pain: bool


def after_checkin(state: HeroState, session: HeroSession, pain_reported: bool) -> CheckinResult:
    """Apply the rules: pain or 8+ means one level easier; a comfortable run offers less height."""
    intensity = session.intensity if session.intensity is not None else 0
    if pain_reported or intensity >= STRONG_INTENSITY:
        new = HeroState(state.person_id, easier(session.level), 0, needs_safety_check=True)
        return CheckinResult(new, offer_lower=False, pain=True)
    comfortable = intensity <= COMFORTABLE_INTENSITY and not session.too_intense
    streak = state.comfortable_streak + 1 if comfortable and session.level == state.level else (
        1 if comfortable else 0
    )
    new = HeroState(state.person_id, session.level, streak, needs_safety_check=False)
    offer = comfortable and streak >= COMFORTABLE_RUN_FOR_OFFER and harder(session.level) is not None
    return CheckinResult(new, offer_lower=offer, pain=False)
