"""Choose the matcher's blend and thresholds by cross-validation, one writer at a time.

Every candidate setting is scored on the worse of two figures: on-topic top-1 (an answer
with the right entry) and off-topic refusal (no answer), ties going to their mean. Both
have the same target, and the mean alone would trade many unanswered on-topic questions
for a few more refusals once refusal is already near 100%. Red flags get the safety answer
before any scoring, so they are left out. The labelled questions are also the
matcher's examples, so each fold's questions are REMOVED from the example index before
that fold is scored: otherwise every question would find itself as its own neighbour.
Each file is one fold, because each file is one writer's batch: a writer repeats their own
habits, so shuffled folds would let a question's siblings vouch for it and flatter the
figures (five shuffled folds gave 94%; new writers gave 82-88%). Within each fold the best
setting on the other folds is chosen and then judged on the held-back writer, which
estimates how the whole choosing procedure does on someone it has never read. The setting
shipped is the one the same procedure picks on all the data.

The word-only setting (used when the sentence model is not installed) is tuned first,
over the whole word grid; the semantic setting keeps that word blend's shares and tunes
both off-topic vetoes, the share of meaning, the threshold and the margin on top of it.

Run: python -m bot.faq_tools.tune [--words-only] tests/faq_tools/tuning/*.jsonl \
         tests/faq_tools/eval_dev.jsonl
"""

from __future__ import annotations

import itertools
import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content.loader import OFFTOPIC
from bot.content.schema import FaqEntry, FaqExample
from bot.core.faq import load_examples, load_faq
from bot.core.faq.matcher import FaqMatcher
from bot.core.faq.scoring import WORDS_ONLY_SETTING, Blend, Setting, Signals
from bot.faq_tools.evaluate import EvalCase, load_cases, question_key

PHRASING_SHARES = (0.0, 0.1, 0.2, 0.3)
COVERAGE_SHARES = (0.2, 0.3, 0.4, 0.5, 0.6)
NEIGHBOUR_SHARES = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8)
OFFTOPIC_GAPS = (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2)
SEMANTIC_SHARES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
SEMANTIC_GAPS = (-0.05, 0.0, 0.05, 0.1, 0.15)
THRESHOLDS = tuple(round(0.05 + 0.005 * i, 3) for i in range(111))
# A tie must never be answered outright, so the smallest margin is above zero.
MARGINS = (0.005, 0.01, 0.02, 0.04)
# Scores are averaged over this many neighbouring thresholds each side, so the choice
# lands inside a plateau rather than on a cliff edge that happens to fit the sample.
_SMOOTHING = 2


@dataclass(frozen=True)
class TuneScores:
    """Top-1 on-topic and off-topic refusal, as fractions."""

    top1_on_topic: float
    offtopic_refused: float


@dataclass(frozen=True)
class TuneResult:
    """The chosen setting, its figures on all the data, and the cross-validated figures."""

    setting: Setting
    fitted: TuneScores
    cross_validated: TuneScores
    folds: int


@dataclass(frozen=True)
class _Row:
    expect: str
    fold: int
    signals: Signals


@dataclass(frozen=True)
class _Group:
    """One (blend, margin): hits per fold and threshold, for on- and off-topic rows."""

    blend: Blend
    margin: float
    on: list[list[int]]
    off: list[list[int]]


def _rows(entries: Sequence[FaqEntry], examples: Sequence[FaqExample],
          folds: Sequence[Sequence[EvalCase]], words_only: bool) -> list[_Row]:
    rows = []
    for k, cases in enumerate(folds):
        held = {question_key(c.q) for c in cases}
        matcher = FaqMatcher(entries, [x for x in examples if question_key(x.q) not in held],
                             words_only=words_only)
        rows += [_Row(c.expect, k, matcher.signals(c.q)) for c in cases]
    return rows


def _tops(blend: Blend, ids: list[str], rows: list[_Row]) -> list[tuple[float, float, bool, bool]]:
    """Per row: best score, gap to the runner-up, whether it is right, whether vetoed."""
    tops = []
    for row in rows:
        ranked = sorted(((score, i) for i, score in enumerate(blend.totals(row.signals))),
                        reverse=True)
        (best, top), runner_up = ranked[0], ranked[1][0]
        vetoed = blend.vetoes(row.signals, top)
        tops.append((best, best - runner_up, ids[top] == row.expect, vetoed))
    return tops


def _blends(words_only: bool) -> list[Blend]:
    if words_only:
        return [Blend(p, c, n, gap) for p, c, n, gap in itertools.product(
            PHRASING_SHARES, COVERAGE_SHARES, NEIGHBOUR_SHARES, OFFTOPIC_GAPS)]
    words = WORDS_ONLY_SETTING.blend
    return [Blend(words.phrasing, words.coverage, words.neighbour, word_gap, share, gap)
            for word_gap, share, gap in itertools.product(OFFTOPIC_GAPS, SEMANTIC_SHARES,
                                                          SEMANTIC_GAPS)]


def _groups(ids: list[str], rows: list[_Row], folds: int, words_only: bool) -> list[_Group]:
    groups = []
    size = len(THRESHOLDS)
    for blend in _blends(words_only):
        tops = _tops(blend, ids, rows)
        for margin in MARGINS:
            # Rows answered at threshold index i are those with i < cut (best >= threshold).
            on_cut = [[0] * (size + 1) for _ in range(folds)]
            off_cut = [[0] * (size + 1) for _ in range(folds)]
            for row, (best, gap_, right, vetoed) in zip(rows, tops, strict=True):
                answered = not vetoed and gap_ >= margin
                cut = bisect_right(THRESHOLDS, best + 1e-9) if answered else 0
                if row.expect == OFFTOPIC:
                    off_cut[row.fold][cut] += 1
                elif right:
                    on_cut[row.fold][cut] += 1
            on = [list(itertools.accumulate(reversed(f[1:])))[::-1] for f in on_cut]
            off = [list(itertools.accumulate(f[:-1])) for f in off_cut]
            groups.append(_Group(blend, margin, on, off))
    return groups


def _choose(groups: list[_Group], keep: list[int], on_total: int,
            off_total: int) -> tuple[_Group, int]:
    best: tuple[tuple[float, float], tuple[float, float], _Group, int] | None = None
    for group in groups:
        plain = []
        for i in range(len(THRESHOLDS)):
            on = sum(group.on[f][i] for f in keep) / on_total if on_total else 0.0
            off = sum(group.off[f][i] for f in keep) / off_total if off_total else 0.0
            plain.append((min(on, off), (on + off) / 2))
        for i, score in enumerate(plain):
            window = plain[max(0, i - _SMOOTHING): i + _SMOOTHING + 1]
            smoothed = (sum(w for w, _ in window) / len(window),
                        sum(m for _, m in window) / len(window))
            key = (smoothed, score, group, i)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        raise ValueError("no candidate settings")
    return best[2], best[3]


def objective(figures: TuneScores) -> float:
    """Return what tune maximises: the worse of top-1 on-topic and off-topic refusal."""
    return min(figures.top1_on_topic, figures.offtopic_refused)


def _scored(writers: Sequence[Sequence[EvalCase]]) -> list[list[EvalCase]]:
    return [[c for c in cases if c.kind != "red-flag"] for cases in writers]


def figures_of(setting: Setting, entries: Sequence[FaqEntry], examples: Sequence[FaqExample],
               writers: Sequence[Sequence[EvalCase]], *, words_only: bool = False) -> TuneScores:
    """Score one setting on all the writers exactly as tune scores its candidates."""
    rows = _rows(entries, examples, _scored(writers), words_only)
    tops = _tops(setting.blend, [entry.id for entry in entries], rows)
    on = off = on_total = 0
    for row, (best, gap_, right, vetoed) in zip(rows, tops, strict=True):
        answered = (not vetoed and gap_ >= setting.margin
                    and best + 1e-9 >= setting.answer_threshold)
        if row.expect == OFFTOPIC:
            off += not answered
        else:
            on_total += 1
            on += answered and right
    return TuneScores(on / on_total, off / (len(rows) - on_total))


def tune(entries: Sequence[FaqEntry], examples: Sequence[FaqExample],
         writers: Sequence[Sequence[EvalCase]], *, words_only: bool = False) -> TuneResult:
    """Pick the setting with the best balanced accuracy; cross-validate it one writer out."""
    if len(writers) < 2:
        raise ValueError("cross-validation needs at least two writers' files")
    scored = _scored(writers)
    folds = len(scored)
    rows = _rows(entries, examples, scored, words_only)
    groups = _groups([entry.id for entry in entries], rows, folds, words_only)
    on_per = [sum(1 for r in rows if r.fold == f and r.expect != OFFTOPIC) for f in range(folds)]
    off_per = [sum(1 for r in rows if r.fold == f and r.expect == OFFTOPIC) for f in range(folds)]
    on_held = off_held = 0
    for k in range(folds):
        keep = [f for f in range(folds) if f != k]
        group, i = _choose(groups, keep, sum(on_per) - on_per[k], sum(off_per) - off_per[k])
        on_held += group.on[k][i]
        off_held += group.off[k][i]
    group, i = _choose(groups, list(range(folds)), sum(on_per), sum(off_per))
    fitted = TuneScores(sum(g[i] for g in group.on) / sum(on_per),
                     sum(g[i] for g in group.off) / sum(off_per))
    return TuneResult(Setting(group.blend, THRESHOLDS[i], group.margin), fitted,
                      TuneScores(on_held / sum(on_per), off_held / sum(off_per)), folds)


def main(args: list[str]) -> int:
    """Tune on the given JSONL files (one per writer) and print the choice and its figures."""
    words_only = "--words-only" in args
    paths = [arg for arg in args if arg != "--words-only"]
    entries = load_faq()
    result = tune(entries, load_examples(entries), [load_cases(Path(path)) for path in paths],
                  words_only=words_only)
    print(f"chosen: {result.setting}")
    for label, figures in (("fitted", result.fitted),
                           (f"leave-1-of-{result.folds}-out", result.cross_validated)):
        print(f"{label:>20}: top-1 on-topic {figures.top1_on_topic:.1%}, "
              f"off-topic refused {figures.offtopic_refused:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
