"""`content check`: validate `content/` and report every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content.loader import TRIAGE_FILE, ContentError, default_content_dir, load_content


def run_check(root: Path | None = None) -> int:
    """Validate the content under `root` (default: shipped) and return an exit code."""
    try:
        content = load_content(root)
        # Whole-message examples need the triage rules themselves, which live in the core.
        from bot.core.faq.triage import example_problems

        shown = f"{(root or default_content_dir()).resolve().name}/{TRIAGE_FILE}"
        faults = [f"{shown}: {fault}" for fault in example_problems(content.triage)]
        if faults:
            raise ContentError(faults)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"content check failed: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    print(
        f"content OK: {len(content.faq)} FAQ entries, "
        f"{len(content.progression.levels)} levels, {len(content.movements)} movements"
    )
    return 0
