"""The shipped FAQ and its two matchers, built once per module; the labelled sets' files."""

from pathlib import Path

from bot.faq_tools.evaluate import EvalCase, load_cases

# The shipped FAQ and its two matchers: the same module-scoped fixtures the core's FAQ tests use.
from tests.core.faq.conftest import entries, examples, matcher, words_matcher  # noqa: F401

SETS = Path(__file__).parent
# One file per writer's batch; every one of them has informed the matcher's settings.
TUNING = sorted((SETS / "tuning").glob("*.jsonl"))


def cases(name: str) -> list[EvalCase]:
    return load_cases(SETS / name)


def tuning_cases() -> list[EvalCase]:
    return [case for path in TUNING for case in load_cases(path)]
