from pathlib import Path

import pytest

from bot.content.loader import (
    EXAMPLES_FILE,
    check_content,
    load_content,
)


def _write(root: Path, *lines: str) -> None:
    (root / EXAMPLES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_shipped_examples_load_and_name_only_entries_that_exist():
    # A new entry may ship with only its alternatives; examples are optional per entry.
    content = load_content()
    labels = {x.faq for x in content.examples}
    assert labels <= {e.id for e in content.faq} | {"offtopic", "redflag", "ordinary"}
    assert {"offtopic", "redflag", "ordinary"} <= labels
    assert len(content.examples) >= 500


def test_missing_examples_file_means_no_examples(root):
    assert load_content(root).examples == ()


def test_good_lines_load_and_blank_lines_are_skipped(root):
    _write(root, '{"q": "why hero", "faq": "props"}', "", '{"q": "pizza?", "faq": "offtopic"}')
    examples = load_content(root).examples
    assert [(x.q, x.faq) for x in examples] == [("why hero", "props"), ("pizza?", "offtopic")]


def test_warning_sign_labels_load(root):
    _write(root, '{"q": "my toes went fizzy", "faq": "redflag"}',
           '{"q": "my thighs feel tight", "faq": "ordinary"}')
    assert [x.faq for x in load_content(root).examples] == ["redflag", "ordinary"]


def test_unknown_faq_id_names_file_line_and_field(root):
    _write(root, '{"q": "ok", "faq": "props"}', '{"q": "why hero", "faq": "no-such-entry"}')
    assert check_content(root) == [
        "content/faq-examples.jsonl:2: field 'faq': unknown FAQ id 'no-such-entry'"]


def test_bad_json_names_the_line(root):
    _write(root, '{"q": "why hero", "faq": "props"', '{"q": "ok", "faq": "props"}')
    (problem,) = check_content(root)
    assert problem.startswith("content/faq-examples.jsonl:1: not valid JSON at column ")


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"faq": "props"}', "q", "Field required"),
        ('{"q": "  ", "faq": "props"}', "q", "at least 1 character"),
        ('{"q": "hi", "faq": "Props!"}', "faq", "should match pattern"),
        ('{"q": "hi", "faq": "props", "expect": "props"}', "expect", "Extra inputs"),
        ('["hi", "props"]', "(top level)", "valid dictionary"),
    ],
)
def test_invalid_fields_name_file_line_and_field(root, line, field, message):
    _write(root, '{"q": "ok", "faq": "props"}', line)
    (problem,) = check_content(root)
    assert problem.startswith(f"content/faq-examples.jsonl:2: field '{field}': ")
    assert message in problem
