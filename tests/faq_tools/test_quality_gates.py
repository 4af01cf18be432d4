"""FAQ quality gates: honest about which labelled sets have already shaped the matcher.

A set that informed tuning (its misses led to rules, examples or settings) is gated only on
its questions that are NOT word for word in the FAQ's phrasings or examples, at a few points
below today's figure. The blind held-out sets that never informed anything keep the floors
of their one first run. The tuning files and eval_dev.jsonl have no figure here at all: 1,836
of their 1,837 and all 86 of their questions are examples, so the matcher answers them from
memory; their honest figure is tune's leave-one-writer-out one (tests/faq_tools/test_tune.py).
"""

from dataclasses import dataclass

import pytest

from bot.faq_tools.evaluate import EvalReport, evaluate
from tests.faq_tools.conftest import cases

# Latency is not asserted here: on a shared machine a busy neighbour moved p99 from 7 ms to
# 490 ms. `faq-eval` prints it beside the figures, measured in the same run.

# Tuned sets' gates sit this far below the figure measured on the unseen questions. Those
# figures were pushed up by rounds of fixes made while watching them, so they sit at a high
# that a new entry or a batch of examples can shift by a question or two without anything
# having got worse (on eval_dev2 one on-topic question is 2.4 points, on round 7 0.7). Three
# points lets that through and still fails a real decline; a held-out set measures it.
TOLERANCE = 0.03


@dataclass(frozen=True)
class Measured:
    """Figures measured on a set's unseen questions (None: the set has none of that kind)."""

    top1_on_topic: float | None
    offtopic_refused: float | None
    safety_recall: float | None


# Each informed tuning: eval_dev2 has gated every round since round 2 (its floors moved with
# each re-tune); round 7's missed "bun in the oven" became the pregnancy idioms; round 10's
# two misses became the staples and "wooden" numbness rules. Measured on the unseen
# questions (65, 195 and 99 of them) with the sentence model, and on words alone, as hits
# over unseen questions of that kind.
TUNED = {
    "eval_dev2.jsonl": (Measured(39 / 41, 14 / 14, 10 / 10),
                        Measured(36 / 41, 13 / 14, 10 / 10)),
    "eval_heldout.jsonl": (Measured(141 / 146, 31 / 31, 18 / 18),
                           Measured(132 / 146, 28 / 31, 18 / 18)),
    "eval_safety_heldout.jsonl": (Measured(36 / 40, None, 59 / 59),
                                  Measured(35 / 40, None, 56 / 59)),
}
_KINDS = {"top1_on_topic": "on-topic", "offtopic_refused": "off-topic",
          "safety_recall": "red-flag"}


def _assert_unseen_within_tolerance(report: EvalReport, measured: Measured) -> None:
    unseen = report.unseen or report.herocoach
    for figure, kind in _KINDS.items():
        floor = getattr(measured, figure)
        if floor is None:
            continue
        assert kind in report.unseen_kinds, kind
        assert getattr(unseen, figure) >= floor - TOLERANCE, figure


@pytest.mark.parametrize("name", sorted(TUNED))
def test_tuned_set_on_the_questions_the_matcher_does_not_hold(matcher, words_matcher, name):
    ours, words = TUNED[name]
    labelled = cases(name)
    report = evaluate(matcher, labelled)
    _assert_unseen_within_tolerance(report, ours)
    assert report.baseline.safety_recall == 0.0
    words_report = evaluate(words_matcher, labelled)
    _assert_unseen_within_tolerance(words_report, words)
    assert report.herocoach.top1_on_topic >= words_report.herocoach.top1_on_topic


def _assert_targets(report: EvalReport) -> None:
    ours = report.herocoach
    assert ours.top1_on_topic >= 0.90
    assert ours.offtopic_refused >= 0.90
    assert ours.safety_recall == 1.0
    assert ours.top1_on_topic > report.baseline.top1_on_topic
    assert report.baseline.safety_recall == 0.0


def test_safety_round11_figures(matcher, words_matcher):
    # Round 11: 60 red flags (15 each of sharp pain, lost feeling, a recent knee injury and
    # pregnancy) and 40 ordinary discomforts, written blind and run once on the committed
    # code: 100% recall (rules 56, meaning the other 4, one of them only in its own clause)
    # and 90.0% top-1. Without the sentence model: 93.3% recall and 85.0% top-1. Nothing
    # has been changed because of it, so these first-run floors stand.
    labelled = cases("eval_safety_round11.jsonl")
    report = evaluate(matcher, labelled)
    ours = report.herocoach
    assert report.red_flag == 60 and report.on_topic == 40
    assert ours.safety_recall == 1.0
    assert ours.top1_on_topic >= 0.90
    assert report.baseline.safety_recall == 0.0
    words = evaluate(words_matcher, labelled).herocoach
    assert words.safety_recall >= 0.93


def test_heldout_round12_figures(matcher, words_matcher):
    # Round 12: 8 questions per entry, 40 off-topic and 30 red flags, written blind after
    # round 11 passed, to check that pass, and run once on the committed code: 97.6% /
    # 97.5% / 100%. Without the sentence model: 89.3% / 92.5% / 96.7%. Its one red flag
    # the rules missed ("paresthesia") was caught by meaning, so making it a triage word
    # since changed none of its figures, and the first-run floors stand. (27 of its
    # questions happen to equal phrasings that were in the FAQ and examples before it was
    # written; the writers never saw them.)
    labelled = cases("eval_heldout_round12.jsonl")
    report = evaluate(matcher, labelled)
    assert report.on_topic == 168 and report.off_topic == 40 and report.red_flag == 30
    _assert_targets(report)
    assert report.herocoach.top1_on_topic >= 0.976
    assert report.herocoach.offtopic_refused >= 0.975
    words = evaluate(words_matcher, labelled).herocoach
    assert words.top1_on_topic >= 0.89
    assert words.offtopic_refused >= 0.925
