"""The `faq-eval` command: the matcher and a plain baseline, measured on a JSONL file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.ask import load_matcher
from bot.faq_tools.evaluate import EvalFileError, evaluate, load_cases


def run_faq_eval(path: Path, content_dir: Path | None = None) -> int:
    """Evaluate the matcher and the baseline on a JSONL file and print the report."""
    try:
        cases = load_cases(path)
    except (EvalFileError, OSError) as exc:
        print(f"faq-eval: {exc}", file=sys.stderr)
        return 2
    matcher = load_matcher(content_dir)
    if matcher is None:
        return 2
    report = evaluate(matcher, cases)
    print(report.render())
    if report.unseen is not None:
        # A question the matcher holds word for word is answered from memory; say how much
        # of the score that is, so a figure is never flattered by it unnoticed.
        figures = [(label, value) for label, value, kind in (
            ("top-1 on-topic", report.unseen.top1_on_topic, "on-topic"),
            ("off-topic refused", report.unseen.offtopic_refused, "off-topic"),
            ("safety recall", report.unseen.safety_recall, "red-flag"))
            if kind in report.unseen_kinds]
        print(f"\n{report.seen} of these questions are word for word in the FAQ's "
              "phrasings or examples. Without them: "
              + ", ".join(f"{label} {value:.1%}" for label, value in figures) + ".")
    if report.misses:
        print(f"\nherocoach misses ({len(report.misses)}):")
        for miss in report.misses:
            print(f"  expected {miss.case.expect}, got {miss.outcome.value} {miss.got or '-'} "
                  f"({miss.confidence:.2f}): {miss.case.q}")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `faq-eval` options to `parser`."""
    parser.add_argument("file", type=Path, help="a JSONL file of labelled questions")


def run(args: argparse.Namespace) -> int:
    """Run `faq-eval` with parsed arguments."""
    return run_faq_eval(args.file)
