"""Choose the matcher's blend and thresholds by k-fold cross-validation.

Every candidate setting is scored on balanced accuracy: the mean of on-topic top-1 (an
answer with the right entry) and off-topic refusal (no answer). Questions triage flags
never reach the scorer, so they are left out. Within each fold the best setting on the
other folds is chosen and then judged on the held-back fold, which estimates how the
whole choosing procedure does on questions it has not seen. The setting shipped is the
one the same procedure picks on all the data.

Run: python -m bot.core.faq.tune tests/core/faq/eval_tuning.jsonl tests/core/faq/eval_dev.jsonl
"""

from __future__ import annotations

import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.faq import load_faq
from bot.core.faq.evaluate import OFFTOPIC, SAFETY, EvalCase, load_cases
from bot.core.faq.matcher import Blend, FaqMatcher
from bot.core.faq.triage import red_flag

PHRASING_SHARES = (0.0, 0.1, 0.2, 0.3)
COVERAGE_SHARES = (0.2, 0.3, 0.4, 0.5, 0.6)
COVERAGE_POWERS = (0.0, 0.5, 1.0, 1.5)
THRESHOLDS = tuple(round(0.02 + 0.005 * i, 3) for i in range(117))
# A tie must never be answered outright, so the smallest margin is above zero.
MARGINS = (0.005, 0.01, 0.02, 0.04)
# Scores are averaged over this many neighbouring thresholds each side, so the choice
# lands inside a plateau rather than on a cliff edge that happens to fit the sample.
_SMOOTHING = 2


@dataclass(frozen=True)
class Setting:
    """One candidate: a blend, an answer threshold and a margin."""

    blend: Blend
    answer_threshold: float
    margin: float


@dataclass(frozen=True)
class Figures:
    """Top-1 on-topic and off-topic refusal, as fractions."""

    top1_on_topic: float
    offtopic_refused: float


@dataclass(frozen=True)
class TuneResult:
    """The chosen setting, its figures on all the data, and the cross-validated figures."""

    setting: Setting
    fitted: Figures
    cross_validated: Figures
    folds: int


@dataclass(frozen=True)
class _Row:
    expect: str
    features: list[tuple[float, float, float]]


@dataclass(frozen=True)
class _Candidate:
    setting: Setting
    hits: int  # bitmask over rows: which rows this setting gets right


def _rows(matcher: FaqMatcher, cases: Sequence[EvalCase]) -> list[_Row]:
    return [_Row(case.expect, matcher.features(case.q)) for case in cases
            if not (case.expect == SAFETY and red_flag(case.q))]


def _candidates(matcher: FaqMatcher, rows: list[_Row]) -> list[list[_Candidate]]:
    """Return candidates grouped by (blend, margin), each group in threshold order."""
    ids = [entry.id for entry in matcher.entries]
    groups: list[list[_Candidate]] = []
    for shares in itertools.product(PHRASING_SHARES, COVERAGE_SHARES, COVERAGE_POWERS):
        if shares[0] + shares[1] > 1.0:
            continue
        blend = Blend(*shares)
        tops = []
        for row in rows:
            ranked = sorted(((blend.score(*f), i) for i, f in enumerate(row.features)),
                            reverse=True)
            gap = ranked[0][0] - ranked[1][0] if len(ranked) > 1 else ranked[0][0]
            tops.append((ranked[0][0], gap, ids[ranked[0][1]]))
        for margin in MARGINS:
            group = []
            for threshold in THRESHOLDS:
                mask = 0
                for bit, (row, (best, gap, top)) in enumerate(zip(rows, tops, strict=True)):
                    answered = best >= threshold and gap >= margin
                    right = not answered if row.expect == OFFTOPIC else (
                        answered and top == row.expect)
                    mask |= right << bit
                group.append(_Candidate(Setting(blend, threshold, margin), mask))
            groups.append(group)
    return groups


def _figures(mask: int, on_mask: int, off_mask: int) -> Figures:
    on, off = on_mask.bit_count(), off_mask.bit_count()
    return Figures((mask & on_mask).bit_count() / on if on else 0.0,
                   (mask & off_mask).bit_count() / off if off else 0.0)


def _choose(groups: list[list[_Candidate]], on_mask: int, off_mask: int) -> _Candidate:
    best: tuple[float, float, _Candidate] | None = None
    for group in groups:
        plain = []
        for candidate in group:
            figures = _figures(candidate.hits, on_mask, off_mask)
            plain.append((figures.top1_on_topic + figures.offtopic_refused) / 2)
        for i, candidate in enumerate(group):
            window = plain[max(0, i - _SMOOTHING): i + _SMOOTHING + 1]
            key = (sum(window) / len(window), plain[i], candidate)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        raise ValueError("no candidate settings")
    return best[2]


def _folds(rows: list[_Row], count: int, seed: int) -> list[int]:
    """Return a fold number per row, spreading every label evenly over the folds."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    order.sort(key=lambda i: rows[i].expect)
    fold = [0] * len(rows)
    for position, i in enumerate(order):
        fold[i] = position % count
    return fold


def tune(matcher: FaqMatcher, cases: Sequence[EvalCase], folds: int = 5,
         seed: int = 7) -> TuneResult:
    """Pick the setting with the best balanced accuracy and cross-validate the picking."""
    rows = _rows(matcher, cases)
    groups = _candidates(matcher, rows)
    off_all = sum(1 << i for i, row in enumerate(rows) if row.expect == OFFTOPIC)
    on_all = ((1 << len(rows)) - 1) & ~off_all
    fold_of = _folds(rows, folds, seed)
    held_hits = 0
    for k in range(folds):
        test = sum(1 << i for i, f in enumerate(fold_of) if f == k)
        chosen = _choose(groups, on_all & ~test, off_all & ~test)
        held_hits |= chosen.hits & test
    final = _choose(groups, on_all, off_all)
    return TuneResult(final.setting, _figures(final.hits, on_all, off_all),
                      _figures(held_hits, on_all, off_all), folds)


def main(paths: list[str]) -> int:
    """Tune on the given JSONL files and print the choice and its figures."""
    cases = [case for path in paths for case in load_cases(Path(path))]
    result = tune(FaqMatcher(load_faq()), cases)
    print(f"chosen: {result.setting}")
    for label, figures in (("fitted", result.fitted),
                           (f"{result.folds}-fold CV", result.cross_validated)):
        print(f"{label:>10}: top-1 on-topic {figures.top1_on_topic:.1%}, "
              f"off-topic refused {figures.offtopic_refused:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
