"""The blind small-talk, negation and urgent sets (see blind_sets/README.md), gated with slack.

Both rounds informed the rules, so the gates sit a few points under what they now score
rather than on it; urgent recall and small talk have no slack, since one miss there is
an emergency answered mildly or a "thanks" paging the coach.
"""

import json
from pathlib import Path

import pytest

from bot.core.faq import FaqMatcher, Outcome
from bot.core.faq.triage import Severity
from bot.core.questions import smalltalk

BLIND = Path(__file__).parent / "blind_sets"
_NEGATION_FLOOR = 0.97


def _rows(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (BLIND / name).read_text().splitlines() if line.strip()]


def _heard(matcher: FaqMatcher, text: str) -> str:
    """Return "urgent", "flag" (the stop answer), or "none" (no answer about safety, or the note)."""
    verdict = matcher.match(text)
    if verdict.outcome is not Outcome.SAFETY or verdict.severity is Severity.CAUTION:
        return "none"
    return "urgent" if verdict.severity is Severity.URGENT else "flag"


@pytest.mark.parametrize("name", ["round13_smalltalk.jsonl", "round14_smalltalk.jsonl"])
def test_every_pleasantry_is_small_talk_and_every_wrapped_question_is_not(name: str) -> None:
    wrong = []
    for row in _rows(name):
        kind = smalltalk.kind_of(row["text"])
        expected = {"smalltalk": kind is not None and kind is not smalltalk.Kind.BUTTON,
                    "number": kind is smalltalk.Kind.BUTTON, "wrapped": kind is None}
        if not expected[row["kind"]]:
            wrong.append((row["kind"], row["text"]))
    assert wrong == []


@pytest.mark.parametrize("name", ["round13_urgent.jsonl", "round14_urgent.jsonl"])
def test_every_urgent_sign_gets_the_urgent_answer(matcher: FaqMatcher, name: str) -> None:
    wrong = [(row["expect"], row["text"]) for row in _rows(name)
             if _heard(matcher, row["text"]) != row["expect"]]
    assert wrong == []


@pytest.mark.parametrize("name", ["round13_negation.jsonl", "round14_negation.jsonl"])
def test_negation_both_ways(matcher: FaqMatcher, name: str) -> None:
    rows = _rows(name)
    wrong = [(row["expect"], row["text"]) for row in rows
             if _heard(matcher, row["text"]) != row["expect"]]
    assert 1 - len(wrong) / len(rows) >= _NEGATION_FLOOR, wrong
    # Never the milder answer for what the writer called urgent.
    assert not [text for expect, text in wrong if expect == "urgent"]
