"""A content folder of our own: the shipped YAML files, stand-in FAQ entries."""

import shutil
from pathlib import Path

import pytest

from bot.content.loader import (
    MOVEMENTS_FILE,
    PROGRESSION_FILE,
    REQUIRED_FAQ_IDS,
    SAFETY_FILE,
    TRIAGE_FILE,
    default_content_dir,
)

SHIPPED = default_content_dir()


def faq_text(faq_id: str, answer: str = "A short, kind answer.") -> str:
    return (
        f"---\nid: {faq_id}\nquestion: What about {faq_id}?\n"
        f"alternatives: [tell me about {faq_id}]\ntags: [test]\n---\n{answer}\n"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "faq").mkdir(parents=True)
    for name in (PROGRESSION_FILE, MOVEMENTS_FILE, SAFETY_FILE, TRIAGE_FILE):
        shutil.copy(SHIPPED / name, root / name)
    shutil.copytree(SHIPPED / "images", root / "images")
    # Our own FAQ stand-ins keep these tests independent of the shipped FAQ wording.
    for faq_id in REQUIRED_FAQ_IDS:
        (root / "faq" / f"{faq_id}.md").write_text(faq_text(faq_id), encoding="utf-8")
    return root
