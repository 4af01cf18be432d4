"""The bot's fixed words: welcome, help and the short messages many features share."""

from __future__ import annotations

DISCLAIMER = "I'm a coaching helper, not a clinician: nothing here is medical advice."

EXPIRED = "This button has expired. Type /hero to start again, or /help for everything else."
NOT_YOURS = "These buttons belong to someone else. Type /hero to start your own session."
TOO_LONG = (
    "That message is a bit long for me ({length} characters). "
    "Please keep it under {limit} characters, or split it into a few questions."
)


def welcome(name: str, commands: str) -> str:
    """Return the first-contact welcome, ending with the command list."""
    hello = f"Hi {name}! " if name else "Hi! "
    return (
        f"{hello}I'm HeroCoach. I help people who sit a lot open their hips and ease "
        "lower-back pain with a gentle, prop-assisted Hero pose (Virasana).\n"
        f"{DISCLAIMER}\n\n"
        "I can walk you through the pose step by step, nudge you to get up during your "
        "working hours, remind you to practise, and answer your questions (just reply to "
        "any of my messages).\n\n"
        f"{commands}"
    )


def help_text(commands: str) -> str:
    """Return /help around the command list."""
    return (
        "Here's what I can do. Reply to any of my messages with a question, or use /ask.\n\n"
        f"{commands}\n\n{DISCLAIMER}"
    )
