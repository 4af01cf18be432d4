"""The shipped FAQ and its two matchers, built once per module; the labelled sets' files."""

from pathlib import Path

import pytest

from bot.core.faq import FaqMatcher, load_examples, load_faq
from bot.faq_tools.evaluate import EvalCase, load_cases

SETS = Path(__file__).parent
# One file per writer's batch; every one of them has informed the matcher's settings.
TUNING = sorted((SETS / "tuning").glob("*.jsonl"))


def cases(name: str) -> list[EvalCase]:
    return load_cases(SETS / name)


def tuning_cases() -> list[EvalCase]:
    return [case for path in TUNING for case in load_cases(path)]


@pytest.fixture(scope="module")
def entries():
    return load_faq()


@pytest.fixture(scope="module")
def examples(entries):
    return load_examples(entries)


@pytest.fixture(scope="module")
def matcher(entries, examples):
    return FaqMatcher(entries, examples)


@pytest.fixture(scope="module")
def words_matcher(entries, examples):
    return FaqMatcher(entries, examples, words_only=True)
