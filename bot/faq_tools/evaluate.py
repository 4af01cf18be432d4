"""Measure the FAQ matcher on labelled questions, side by side with a plain baseline."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz, process, utils

from bot.content.loader import OFFTOPIC
from bot.content.schema import FaqEntry
from bot.core.faq.matcher import FaqMatcher, Outcome, Verdict
from bot.core.faq.scope import normalise

SAFETY = "safety"
FAQ_PREFIX = "faq:"
# The baseline's one knob, fixed: the WRatio score below which it gives up. Chosen on the
# tuning set like our own thresholds; below 86 it answers nearly every off-topic question.
BASELINE_CUTOFF = 86.0


class EvalFileError(ValueError):
    """An evaluation file has a bad line; the message names the line."""


@dataclass(frozen=True)
class EvalCase:
    """One labelled question: `expect` is an FAQ id, "offtopic" or "safety" (a red flag).

    "safety" is also an FAQ id, so `faq:<id>` names an entry explicitly: `faq:safety` is a
    general question the safety entry answers, not a red flag.
    """

    q: str
    expect: str
    explicit: bool = False

    def __post_init__(self) -> None:
        """Resolve the explicit `faq:` prefix to the entry id."""
        if self.expect.startswith(FAQ_PREFIX):
            object.__setattr__(self, "expect", self.expect.removeprefix(FAQ_PREFIX))
            object.__setattr__(self, "explicit", True)

    @property
    def kind(self) -> str:
        """Return "red-flag", "off-topic" or "on-topic"."""
        if self.expect == SAFETY and not self.explicit:
            return "red-flag"
        return "off-topic" if self.expect == OFFTOPIC else "on-topic"


class Matcher(Protocol):
    """Anything with FaqMatcher's `match`."""

    def match(self, question: str) -> Verdict:
        """Decide how to answer `question`."""
        ...


class BaselineMatcher:
    """Plain rapidfuzz: WRatio against the entry questions only, with a fixed cutoff."""

    def __init__(self, entries: Sequence[FaqEntry], cutoff: float = BASELINE_CUTOFF) -> None:
        self._entries = tuple(entries)
        self._titles = [entry.question for entry in self._entries]
        self._cutoff = cutoff

    def match(self, question: str) -> Verdict:
        """Answer with the closest title above the cutoff, else escalate."""
        best = process.extractOne(question, self._titles, scorer=fuzz.WRatio,
                                  processor=utils.default_process, score_cutoff=self._cutoff)
        if best is None:
            return Verdict(Outcome.ESCALATE, 0.0, None, ())
        return Verdict(Outcome.ANSWER, best[1] / 100.0, self._entries[best[2]], ())


@dataclass(frozen=True)
class Figures:
    """The headline numbers for one system."""

    top1_on_topic: float
    offtopic_refused: float
    safety_recall: float
    latency_p50_ms: float
    latency_p99_ms: float


@dataclass(frozen=True)
class Miss:
    """A case the system got wrong, with what it did instead."""

    case: EvalCase
    outcome: Outcome
    got: str | None
    confidence: float


@dataclass(frozen=True)
class EvalReport:
    """HeroCoach's figures, the baseline's, and HeroCoach's misses."""

    on_topic: int
    off_topic: int
    red_flag: int
    herocoach: Figures
    baseline: Figures
    misses: tuple[Miss, ...]
    # HeroCoach on the cases it does not hold word for word (None when it holds none),
    # and which kinds ("on-topic", ...) those cases include.
    seen: int = 0
    unseen: Figures | None = None
    unseen_kinds: frozenset[str] = frozenset()

    def render(self) -> str:
        """Return the report as the aligned text table the CLI prints."""
        total = self.on_topic + self.off_topic + self.red_flag
        rows = [
            ("top-1 on-topic", "top1_on_topic", "{:.1%}"),
            ("off-topic refused", "offtopic_refused", "{:.1%}"),
            ("safety recall", "safety_recall", "{:.1%}"),
            ("latency p50 (ms)", "latency_p50_ms", "{:.2f}"),
            ("latency p99 (ms)", "latency_p99_ms", "{:.2f}"),
        ]
        lines = [
            f"cases: {total} (on-topic {self.on_topic}, off-topic {self.off_topic}, "
            f"red-flag {self.red_flag})",
            f"{'':18}{'herocoach':>11}{'baseline':>11}",
        ]
        counts = {"top1_on_topic": self.on_topic, "offtopic_refused": self.off_topic,
                  "safety_recall": self.red_flag}
        for label, attr, fmt in rows:
            if counts.get(attr, total) == 0:
                lines.append(f"{label:18}{'n/a':>11}{'n/a':>11}")
                continue
            ours = fmt.format(getattr(self.herocoach, attr))
            theirs = fmt.format(getattr(self.baseline, attr))
            lines.append(f"{label:18}{ours:>11}{theirs:>11}")
        return "\n".join(lines)


def load_cases(path: Path) -> list[EvalCase]:
    """Read a JSONL file of {"q", "expect"} objects, blank lines skipped."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise EvalFileError(f"{path}:{number}: expected an object with 'q' and 'expect'")
        q, expect = data.get("q"), data.get("expect")
        if not isinstance(q, str) or not isinstance(expect, str) or not expect:
            raise EvalFileError(f"{path}:{number}: 'q' and 'expect' must both be strings")
        cases.append(EvalCase(q, expect))
    return cases


def question_key(question: str) -> str:
    """Return the form two questions share when they are the same words ("What's X?" = "whats x")."""
    return " ".join(normalise(question).split())


def _known_questions(matcher: FaqMatcher) -> set[str]:
    known = {question_key(text) for entry in matcher.entries
             for text in [entry.question, *entry.alternatives]}
    return known | {question_key(example.q) for example in matcher.examples}


def _correct(case: EvalCase, verdict: Verdict) -> bool:
    if case.kind == "red-flag":
        # "safety" labels both red flags and questions about when to stop; either way the
        # person must be given the safety entry's answer, by triage or by the FAQ.
        return verdict.outcome is Outcome.SAFETY or (
            verdict.outcome is Outcome.ANSWER and verdict.entry is not None
            and verdict.entry.id == SAFETY
        )
    if case.kind == "off-topic":
        return verdict.outcome is not Outcome.ANSWER
    return (verdict.outcome is Outcome.ANSWER and verdict.entry is not None
            and verdict.entry.id == case.expect)


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _percentile(values: list[float], pct: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


@dataclass(frozen=True)
class _Result:
    case: EvalCase
    verdict: Verdict
    latency_ms: float


def _run(matcher: Matcher, cases: Sequence[EvalCase]) -> list[_Result]:
    for case in cases[:5]:
        matcher.match(case.q)
    results = []
    for case in cases:
        start = time.perf_counter()
        verdict = matcher.match(case.q)
        results.append(_Result(case, verdict, (time.perf_counter() - start) * 1000.0))
    return results


def _figures(results: Sequence[_Result]) -> Figures:
    hits = {"on-topic": 0, "off-topic": 0, "red-flag": 0}
    totals = {"on-topic": 0, "off-topic": 0, "red-flag": 0}
    for result in results:
        totals[result.case.kind] += 1
        hits[result.case.kind] += _correct(result.case, result.verdict)
    latencies = [result.latency_ms for result in results]
    return Figures(
        top1_on_topic=_ratio(hits["on-topic"], totals["on-topic"]),
        offtopic_refused=_ratio(hits["off-topic"], totals["off-topic"]),
        safety_recall=_ratio(hits["red-flag"], totals["red-flag"]),
        latency_p50_ms=_percentile(latencies, 50),
        latency_p99_ms=_percentile(latencies, 99),
    )


def evaluate(matcher: FaqMatcher, cases: Sequence[EvalCase]) -> EvalReport:
    """Run `matcher` and the baseline over `cases` and report both side by side."""
    ours = _run(matcher, cases)
    known = _known_questions(matcher)
    fresh = [r for r in ours if question_key(r.case.q) not in known]
    kinds = [case.kind for case in cases]
    return EvalReport(
        on_topic=kinds.count("on-topic"),
        off_topic=kinds.count("off-topic"),
        red_flag=kinds.count("red-flag"),
        herocoach=_figures(ours),
        baseline=_figures(_run(BaselineMatcher(matcher.entries), cases)),
        misses=tuple(Miss(r.case, r.verdict.outcome, r.verdict.entry.id if r.verdict.entry else None,
                          r.verdict.confidence) for r in ours if not _correct(r.case, r.verdict)),
        seen=len(ours) - len(fresh),
        unseen=_figures(fresh) if len(fresh) < len(ours) else None,
        unseen_kinds=frozenset(r.case.kind for r in fresh),
    )
