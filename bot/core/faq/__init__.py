"""The FAQ: safety triage and the matcher (measuring and tuning it: bot.faq_tools)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.content import loader
from bot.content.loader import FAQ_DIR, ContentError, default_content_dir, parse_faq_file
from bot.content.schema import FaqEntry, FaqExample
from bot.core.faq.matcher import FaqMatcher, Outcome, Verdict
from bot.core.faq.triage import red_flag

__all__ = ["FaqMatcher", "Outcome", "Verdict", "load_examples", "load_faq", "red_flag"]


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


def load_examples(entries: Sequence[FaqEntry],
                  root: Path | None = None) -> tuple[FaqExample, ...]:
    """Load and validate `content/faq-examples.jsonl` (none if absent), raising ContentError."""
    root = (root or default_content_dir()).resolve()
    problems: list[str] = []
    examples = loader.load_examples(root / loader.EXAMPLES_FILE, root,
                                    (e.id for e in entries), problems)
    if problems:
        raise ContentError(problems)
    return tuple(examples)
