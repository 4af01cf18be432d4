"""The FAQ's and the labelled sets' structure, written as "at least these" so a new entry fits."""

from collections import Counter
from pathlib import Path

from bot.content.loader import FAQ_DIR, OFFTOPIC, REQUIRED_FAQ_IDS, default_content_dir
from bot.faq_tools.evaluate import SAFETY, EvalCase
from tests.faq_tools.conftest import cases, tuning_cases


def assert_well_formed_faq(entries, root: Path) -> None:
    """Every required entry is there, and every entry has a file, tags and 4-10 alternatives."""
    assert set(REQUIRED_FAQ_IDS) <= {entry.id for entry in entries}
    for entry in entries:
        assert 4 <= len(entry.alternatives) <= 10, entry.id
        assert entry.tags, entry.id
        assert (root / FAQ_DIR / f"{entry.id}.md").exists(), entry.id


def assert_covers(labelled: list[EvalCase], entries, *, per_entry: int, exactly: bool = False,
                  offtopic: int, safety: int) -> None:
    """The set names only real entries and has `per_entry` questions for each it names.

    It must name at least the required entries. An entry added after the set was written is
    simply not in it, which is no fault of the set's, so the check is never "every entry".
    """
    counts = Counter(case.expect for case in labelled)
    ids = {entry.id for entry in entries}
    assert set(counts) - {OFFTOPIC} <= ids, set(counts) - {OFFTOPIC} - ids
    for faq_id in (set(counts) | set(REQUIRED_FAQ_IDS)) - {OFFTOPIC, SAFETY}:
        if exactly:
            assert counts[faq_id] == per_entry, faq_id
        else:
            assert counts[faq_id] >= per_entry, faq_id
    assert counts[OFFTOPIC] == offtopic if exactly else counts[OFFTOPIC] >= offtopic
    assert counts[SAFETY] >= safety


def copies_of_faq_wording(entries, labelled: list[EvalCase]) -> list[str]:
    """Return the set's questions that are an entry's question or alternative verbatim."""
    wording = {text.lower() for entry in entries for text in [entry.question, *entry.alternatives]}
    return [case.q for case in labelled if case.q.lower() in wording]


def assert_sets_fit(entries) -> None:
    """Every labelled set's shape holds against these entries."""
    for labelled in (tuning_cases(), cases("eval_heldout.jsonl")):
        assert_covers(labelled, entries, per_entry=5, offtopic=20, safety=10)
    dev = cases("eval_dev.jsonl")
    assert_covers(dev, entries, per_entry=3, offtopic=15, safety=8)
    assert not copies_of_faq_wording(entries, dev)
    dev2 = cases("eval_dev2.jsonl")
    # Two casual questions per entry it was written for, and 8 casual red flags beside the
    # two general questions the safety entry answers.
    assert_covers(dev2, entries, per_entry=2, exactly=True, offtopic=15, safety=2 + 8)
    assert not copies_of_faq_wording(entries, dev2)


def test_shipped_faq_has_every_required_entry_with_alternatives(entries):
    assert_well_formed_faq(entries, default_content_dir())


def test_labelled_sets_cover_the_shipped_entries(entries):
    assert_sets_fit(entries)


def test_examples_file_holds_no_question_of_a_blind_set(examples):
    # These sets are measured as strangers' questions, so none may be taught as an example.
    # (Round 12's writers happened to repeat 24 short questions already in the examples
    # before it was written; its gate counts them, as its first run did.)
    known = {example.q.lower() for example in examples}
    for name in ("eval_dev2.jsonl", "eval_safety_round11.jsonl"):
        assert not {case.q.lower() for case in cases(name)} & known, name
