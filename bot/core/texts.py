"""The bot's fixed words: welcome, help and the short messages many features share."""

from __future__ import annotations

DISCLAIMER = "I'm a coaching helper, not a clinician: nothing here is medical advice."

COMMANDS: tuple[tuple[str, str], ...] = (
    ("hero", "a guided, prop-assisted Hero pose session"),
    ("ask", "ask a question, e.g. /ask why tuck the tail?"),
    ("progress", "your level, sessions and streak"),
    ("breaks", "sit-break nudges in your working hours"),
    ("remind", "a daily practice reminder, e.g. /remind 07:30"),
    ("pause", "pause nudges: /pause 2h, /pause today"),
    ("resume", "turn nudges back on"),
    ("timezone", "set your time zone, e.g. /timezone Europe/Berlin"),
    ("settings", "what I have stored for you"),
    ("forget", "delete everything I store about you"),
    ("help", "this list"),
)

COACH_COMMANDS: tuple[tuple[str, str], ...] = (
    ("inbox", "questions waiting for you"),
    ("answer", "answer one: /answer 12 your text"),
    ("stats", "people, sessions, questions and FAQ hit rate"),
)

EXPIRED = "This button has expired. Type /hero to start again, or /help for everything else."
NOT_YOURS = "These buttons belong to someone else. Type /hero to start your own session."
TOO_LONG = (
    "That message is a bit long for me ({length} characters). "
    "Please keep it under {limit} characters, or split it into a few questions."
)


def command_list(coach: bool = False) -> str:
    """Return the command list, with the coach's commands for coaches."""
    lines = [f"/{name} - {what}" for name, what in COMMANDS]
    if coach:
        lines.append("")
        lines.append("For the coach:")
        lines.extend(f"/{name} - {what}" for name, what in COACH_COMMANDS)
    return "\n".join(lines)


def welcome(name: str, coach: bool = False) -> str:
    """Return the first-contact welcome."""
    hello = f"Hi {name}! " if name else "Hi! "
    return (
        f"{hello}I'm HeroCoach. I help people who sit a lot open their hips and ease "
        "lower-back pain with a gentle, prop-assisted Hero pose (Virasana).\n"
        f"{DISCLAIMER}\n\n"
        "I can walk you through the pose step by step, nudge you to get up during your "
        "working hours, remind you to practise, and answer your questions (just reply to "
        "any of my messages).\n\n"
        f"{command_list(coach)}"
    )


def help_text(coach: bool = False) -> str:
    """Return /help."""
    return (
        "Here's what I can do. Reply to any of my messages with a question, or use /ask.\n\n"
        f"{command_list(coach)}\n\n{DISCLAIMER}"
    )
