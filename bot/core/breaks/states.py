"""The names the breaks feature stores: schedule and nudge kinds, statuses, pause reasons."""

from __future__ import annotations

from enum import StrEnum


class ScheduleKind(StrEnum):
    """What a schedule sends."""

    BREAKS = "breaks"
    REMINDER = "reminder"


class NudgeKind(StrEnum):
    """What one nudge is: a break in the window, a catch-up after downtime, or a reminder."""

    BREAK = "break"
    CATCHUP = "catchup"
    REMINDER = "reminder"
    # "I'll stop for now": sent once when three break nudges went unanswered.
    NOTE = "note"


class NudgeStatus(StrEnum):
    """Where a nudge stands: claimed, then sent or failed (or lost), then the person's answer."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    LOST = "lost"
    DONE = "done"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    PAUSED = "paused"
    IGNORED = "ignored"
    # Due while the person was in a /hero session: not sent, and not counted as ignored.
    HELD = "held"


class NudgeAction(StrEnum):
    """What a nudge's button asks for."""

    DONE = "done"
    SNOOZE = "snooze"
    SKIP = "skip"
    PAUSE = "pause"
    RESUME = "resume"


# The status each answer records.
RESPONSES = {NudgeAction.DONE: NudgeStatus.DONE, NudgeAction.SNOOZE: NudgeStatus.SNOOZED,
             NudgeAction.SKIP: NudgeStatus.SKIPPED, NudgeAction.PAUSE: NudgeStatus.PAUSED}


class PausedReason(StrEnum):
    """Why a schedule is paused."""

    USER = "user"
    IGNORED = "ignored"
    UNREACHABLE = "unreachable"
