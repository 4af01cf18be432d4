"""The FAQ: safety triage, the matcher, and its evaluation."""

from __future__ import annotations

from pathlib import Path

from bot.content.loader import FAQ_DIR, ContentError, default_content_dir, parse_faq_file
from bot.content.schema import FaqEntry
from bot.core.faq.matcher import FaqMatcher, Outcome, Verdict
from bot.core.faq.triage import red_flag

__all__ = ["FaqMatcher", "Outcome", "Verdict", "load_faq", "red_flag"]


def load_faq(root: Path | None = None) -> tuple[FaqEntry, ...]:
    """Load and validate only `content/faq/*.md`, raising ContentError on any problem."""
    root = (root or default_content_dir()).resolve()
    problems: list[str] = []
    entries = [
        entry
        for path in sorted((root / FAQ_DIR).glob("*.md"))
        if (entry := parse_faq_file(path, root, problems)) is not None
    ]
    if problems or not entries:
        raise ContentError(problems or [f"{root.name}/{FAQ_DIR}: no FAQ entries found"])
    return tuple(entries)
