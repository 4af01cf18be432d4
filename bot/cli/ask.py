"""`herocoach ask`: try the FAQ matcher from a terminal, no database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.content.loader import ContentError
from bot.core.faq import FaqMatcher, Outcome, Verdict, load_examples, load_faq
from bot.core.faq.vocabulary import load_vocabulary
from bot.core.questions import smalltalk

# What `ask` reports for a greeting, thanks or "ok": the chat answers it and files nothing.
SMALLTALK = "smalltalk"


def load_matcher(content_dir: Path | None) -> FaqMatcher | None:
    """Build the matcher from the content folder, or print its problems and return None."""
    try:
        entries = load_faq(content_dir)
        return FaqMatcher(entries, load_examples(entries, content_dir),
                          vocabulary=load_vocabulary(content_dir))
    except ContentError as exc:
        print("content has problems:", *exc.problems, sep="\n  ", file=sys.stderr)
        return None


def _as_dict(question: str, verdict: Verdict) -> dict[str, object]:
    entry = verdict.entry
    # The gentler note comes from content/safety.yaml, not the FAQ's stop answer.
    shows_answer = verdict.outcome in (Outcome.ANSWER, Outcome.SAFETY) and entry is not None \
        and verdict.caution is None
    return {
        "question": question,
        "faq_id": entry.id if entry else None,
        "title": entry.question if entry else None,
        "confidence": round(verdict.confidence, 3),
        "outcome": verdict.outcome.value,
        "answer": entry.answer if shows_answer and entry else None,
        "suggestions": [e.id for e in verdict.suggestions],
        "red_flag": verdict.red_flag,
        "severity": verdict.severity.value if verdict.severity else None,
        "where": verdict.where,
        "caution": verdict.caution.value if verdict.caution else None,
    }


def _as_text(question: str, verdict: Verdict) -> str:
    entry = verdict.entry
    head = f"? {question}\n"
    if verdict.outcome is Outcome.SAFETY and entry is not None:
        return f"{head}! {verdict.severity} ({verdict.red_flag})\n{entry.answer}\n"
    if verdict.outcome is Outcome.ANSWER and entry is not None:
        return f"{head}= {entry.id} ({verdict.confidence:.2f}): {entry.question}\n{entry.answer}\n"
    if verdict.outcome is Outcome.SUGGEST:
        options = "\n".join(f"  - {e.id}: {e.question}" for e in verdict.suggestions)
        return f"{head}~ did you mean ({verdict.confidence:.2f}):\n{options}\n"
    if verdict.outcome is Outcome.OFF_TOPIC:
        return f"{head}> outside the FAQ's field ({verdict.confidence:.2f}): this goes to the coach\n"
    return f"{head}> not sure ({verdict.confidence:.2f}): this goes to the coach\n"


def run_ask(questions: list[str], *, as_json: bool, content_dir: Path | None = None) -> int:
    """Answer each question as the chat would; '-' alone reads one question per stdin line."""
    matcher = load_matcher(content_dir)
    if matcher is None:
        return 2
    if questions == ["-"]:
        questions = [line.strip() for line in sys.stdin if line.strip()]
    for question in questions:
        kind = smalltalk.kind_of(question)
        if kind is not None:
            print(json.dumps({"question": question, "outcome": SMALLTALK, "kind": kind.value},
                             ensure_ascii=False) if as_json else f"? {question}\n. small talk ({kind})\n")
            continue
        verdict = matcher.match(smalltalk.question_inside(question))
        if as_json:
            print(json.dumps(_as_dict(question, verdict), ensure_ascii=False))
        else:
            print(_as_text(question, verdict))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `ask` options to `parser`."""
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("questions", nargs="+", metavar="QUESTION")


def run(args: argparse.Namespace) -> int:
    """Run `ask` with parsed arguments."""
    return run_ask(args.questions, as_json=args.json)
