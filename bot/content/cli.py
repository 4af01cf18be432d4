"""`content check`: validate `content/` and report every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content.images import RenderError, render_all
from bot.content.loader import (
    PROGRESSION_FILE,
    TRIAGE_FILE,
    ContentError,
    default_content_dir,
    load_content,
)
from bot.content.schema import Progression


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
        f"{len(content.progression.levels)} levels, {len(content.movements)} movements, "
        f"{len(content.pictures)} pictures"
    )
    return 0


def run_render(root: Path | None = None) -> int:
    """Render every illustration's SVG to the PNG beside it where the PNG is missing or stale."""
    import yaml

    root = (root or default_content_dir()).resolve()
    try:
        data = yaml.safe_load((root / PROGRESSION_FILE).read_text(encoding="utf-8"))
        progression = Progression.model_validate(data)
    except Exception as exc:  # any reason the file can't be read is told, not raised
        print(f"{root.name}/{PROGRESSION_FILE}: cannot be read: {exc}", file=sys.stderr)
        print("fix it (python -m bot content check lists every problem), then render again",
              file=sys.stderr)
        return 1
    try:
        written = render_all(root, progression.illustrations())
    except (RenderError, OSError) as exc:
        print(f"content render failed: {exc}", file=sys.stderr)
        return 1
    for png in written:
        print(f"rendered {png.relative_to(root.parent)}")
    print(f"{len(written)} rendered, {len(progression.illustrations()) - len(written)} already up to date")
    return 0
