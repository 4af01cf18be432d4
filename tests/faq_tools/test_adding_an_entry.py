"""Adding one FAQ entry to a copy of content/ breaks none of the data checks."""

import shutil

import pytest

from bot.cli.content import run_check
from bot.content.loader import FAQ_DIR, check_content, default_content_dir, load_content
from bot.core.faq import FaqMatcher, Outcome, load_examples, load_faq
from tests.faq_tools.test_data_checks import assert_sets_fit, assert_well_formed_faq

NEW_ID = "after-meals"
ALTERNATIVES = [
    "is it ok to do hero pose after a meal",
    "can i kneel in the pose right after lunch",
    "should i wait after eating before the pose",
    "does virasana help digestion",
]
NEW_ENTRY = """---
id: after-meals
question: Can I do Hero pose after eating?
alternatives:
  - is it ok to do hero pose after a meal
  - can i kneel in the pose right after lunch
  - should i wait after eating before the pose
  - does virasana help digestion
tags: [eating, meal, food, digestion, lunch, dinner, full stomach]
---
Yes. Hero pose is one of the few poses that sits well on a full stomach: nothing presses
on your belly. If a big meal makes the kneeling uncomfortable, give it half an hour.
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("extended") / "content"
    shutil.copytree(default_content_dir(), root)
    (root / FAQ_DIR / f"{NEW_ID}.md").write_text(NEW_ENTRY, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def extended(root):
    return load_faq(root)


def test_the_copy_with_one_more_entry_passes_content_check(root, capsys):
    assert check_content(root) == []
    assert run_check(root) == 0
    shipped = len(load_faq())
    assert f"content OK: {shipped + 1} FAQ entries" in capsys.readouterr().out
    assert load_content(root).faq_entry(NEW_ID).alternatives == ALTERNATIVES


def test_the_structural_checks_hold_with_the_new_entry(root, extended):
    assert_well_formed_faq(extended, root)
    assert_sets_fit(extended)


@pytest.fixture(scope="module")
def extended_matcher(root, extended):
    return FaqMatcher(extended, load_examples(extended, root))


@pytest.mark.parametrize("question", [*ALTERNATIVES, "can i do the hero pose after dinner"])
def test_the_matcher_answers_the_new_entry(extended_matcher, question):
    verdict = extended_matcher.match(question)
    assert verdict.outcome is Outcome.ANSWER, verdict
    assert verdict.entry is not None and verdict.entry.id == NEW_ID
