from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.cli.content import run_check
from bot.content.loader import (
    MOVEMENTS_FILE,
    PROGRESSION_FILE,
    REQUIRED_FAQ_IDS,
    ContentError,
    check_content,
    load_content,
)
from tests.content.conftest import SHIPPED, faq_text


def _edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _only_problem(root: Path) -> str:
    problems = check_content(root)
    assert len(problems) == 1, problems
    return problems[0]


def test_unbroken_copy_is_valid(root):
    assert check_content(root) == []
    content = load_content(root)
    assert len(content.faq) == len(REQUIRED_FAQ_IDS)


def test_missing_file(root):
    (root / MOVEMENTS_FILE).unlink()
    assert _only_problem(root) == "content/movements.yaml: file is missing"


def test_invalid_yaml(root):
    (root / PROGRESSION_FILE).write_text("session: [unclosed\nlevels: {\n", encoding="utf-8")
    assert _only_problem(root).startswith("content/progression.yaml: not valid YAML at line ")


def test_empty_file_is_reported_at_top_level(root):
    (root / MOVEMENTS_FILE).write_text("", encoding="utf-8")
    problem = _only_problem(root)
    assert problem.startswith("content/movements.yaml: field '(top level)': ")


def test_unknown_field_from_a_typo(root):
    _edit_yaml(root / PROGRESSION_FILE,
               lambda d: d["levels"][1].update(hold_secs=d["levels"][1].pop("hold_seconds")))
    problems = check_content(root)
    assert ("content/progression.yaml: field 'levels.1.hold_secs': "
            "Extra inputs are not permitted") in problems
    assert "content/progression.yaml: field 'levels.1.hold_seconds': Field required" in problems
    assert len(problems) == 2


def test_missing_required_field(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["levels"][2]["cues"].pop("tuck_tail"))
    assert _only_problem(root) == (
        "content/progression.yaml: field 'levels.2.cues.tuck_tail': Field required"
    )


def test_empty_text_counts_as_missing(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["session"].update(stopped="   "))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'session.stopped': ")
    assert "at least 1 character" in problem


def test_wrong_type(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["levels"][1].update(hold_seconds="long"))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'levels.1.hold_seconds': ")
    assert "valid integer" in problem


def test_wrong_type_for_a_list(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["levels"][0].update(setup="Kneel."))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'levels.0.setup': ")
    assert "valid list" in problem


def test_out_of_range_number(root):
    _edit_yaml(root / MOVEMENTS_FILE, lambda d: d["movements"][0].update(seconds=5))
    assert _only_problem(root) == (
        "content/movements.yaml: field 'movements.0.seconds': "
        "Input should be greater than or equal to 30"
    )


def test_out_of_range_ease_rounds(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["session"].update(ease_rounds=0))
    assert "field 'session.ease_rounds': Input should be greater than or equal to 1" in (
        _only_problem(root)
    )


def test_over_long_button_label(root):
    _edit_yaml(root / PROGRESSION_FILE,
               lambda d: d["levels"][1].update(prop_choice="A bolster, or blocks, or " * 3))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'levels.1.prop_choice': ")
    assert "at most 40 characters" in problem


def test_bad_slug_id(root):
    _edit_yaml(root / MOVEMENTS_FILE, lambda d: d["movements"][3].update(id="Calf Raises"))
    problem = _only_problem(root)
    assert problem.startswith("content/movements.yaml: field 'movements.3.id': ")
    assert "pattern" in problem


def test_wrong_level_order(root):
    def swap(data: dict) -> None:
        levels = data["levels"]
        levels[1], levels[2] = levels[2], levels[1]

    _edit_yaml(root / PROGRESSION_FILE, swap)
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'levels': ")
    assert "prep, high, medium, low, floor, reclined in that order" in problem
    assert "got prep, medium, high" in problem


def test_only_reclined_may_be_optional(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["levels"][4].update(optional=True))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'levels': ")
    assert "'reclined'" in problem and "optional" in problem


def test_duplicate_movement_id(root):
    _edit_yaml(root / MOVEMENTS_FILE,
               lambda d: d["movements"][1].update(id=d["movements"][0]["id"]))
    problem = _only_problem(root)
    assert problem.startswith("content/movements.yaml: field 'movements': ")
    assert "used more than once" in problem


def test_duplicate_felt_area_id(root):
    _edit_yaml(root / PROGRESSION_FILE,
               lambda d: d["session"]["felt_areas"][1].update(id="front-thighs"))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'session.felt_areas': ")
    assert "'front-thighs' is used more than once" in problem


def test_unknown_placeholder(root):
    _edit_yaml(root / PROGRESSION_FILE,
               lambda d: d["session"].update(hold_intro="Hold for {secs} seconds."))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'session.hold_intro': ")
    assert "unknown placeholder {secs}" in problem and "{seconds}" in problem


def test_broken_placeholder(root):
    _edit_yaml(root / PROGRESSION_FILE,
               lambda d: d["session"].update(finished="Well done at {level today."))
    problem = _only_problem(root)
    assert problem.startswith("content/progression.yaml: field 'session.finished': ")
    assert "broken {placeholder}" in problem


def test_faq_front_matter_missing(root):
    (root / "faq" / "props.md").write_text("Just an answer, no front matter.\n", encoding="utf-8")
    assert _only_problem(root) == "content/faq/props.md: must start with '---' front matter"


def test_faq_front_matter_unclosed(root):
    (root / "faq" / "props.md").write_text("---\nid: props\nquestion: Props?\n", encoding="utf-8")
    assert _only_problem(root) == "content/faq/props.md: front matter is not closed with '---'"


def test_faq_front_matter_not_a_mapping(root):
    (root / "faq" / "props.md").write_text("---\n- id\n- props\n---\nAnswer.\n", encoding="utf-8")
    assert _only_problem(root) == "content/faq/props.md: front matter must be a mapping of fields"


def test_faq_front_matter_invalid_yaml(root):
    (root / "faq" / "props.md").write_text("---\nid: [props\n---\nAnswer.\n", encoding="utf-8")
    assert _only_problem(root).startswith("content/faq/props.md: front matter is not valid YAML")


def test_faq_not_utf8(root):
    (root / "faq" / "props.md").write_bytes(b"---\nid: props\n---\n\xff\xfe broken\n")
    assert _only_problem(root).startswith("content/faq/props.md: cannot be read as UTF-8 text")


def test_faq_id_must_match_file_name(root):
    (root / "faq" / "props.md").write_text(faq_text("prop"), encoding="utf-8")
    assert _only_problem(root) == (
        "content/faq/props.md: field 'id': 'prop' must match the file name 'props'"
    )


def test_faq_missing_question(root):
    (root / "faq" / "props.md").write_text("---\nid: props\n---\nAnswer.\n", encoding="utf-8")
    assert _only_problem(root) == "content/faq/props.md: field 'question': Field required"


def test_faq_unknown_field(root):
    text = faq_text("props").replace("tags:", "tagz:")
    (root / "faq" / "props.md").write_text(text, encoding="utf-8")
    assert _only_problem(root) == (
        "content/faq/props.md: field 'tagz': Extra inputs are not permitted"
    )


def test_faq_answer_too_long(root):
    answer = " ".join(["word"] * 200)
    (root / "faq" / "props.md").write_text(faq_text("props", answer), encoding="utf-8")
    problem = _only_problem(root)
    assert problem.startswith("content/faq/props.md: the answer (the text below the front matter): ")
    assert "200 words" in problem


def test_faq_empty_answer(root):
    (root / "faq" / "props.md").write_text(faq_text("props", ""), encoding="utf-8")
    assert _only_problem(root) == (
        "content/faq/props.md: the answer (the text below the front matter) is empty")


def test_missing_required_faq_id(root):
    (root / "faq" / "safety.md").unlink()
    assert _only_problem(root) == "content/faq/safety.md: required FAQ entry is missing"


def test_extra_faq_entries_are_welcome(root):
    (root / "faq" / "extra-one.md").write_text(faq_text("extra-one"), encoding="utf-8")
    assert check_content(root) == []
    assert load_content(root).faq_entry("extra-one").question == "What about extra-one?"


def test_all_problems_are_listed_at_once(root):
    _edit_yaml(root / PROGRESSION_FILE, lambda d: d["session"].pop("times_up"))
    _edit_yaml(root / MOVEMENTS_FILE, lambda d: d["movements"][2].update(seconds=900))
    (root / "faq" / "tuck-tail.md").write_text("no front matter", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0] == "content/progression.yaml: field 'session.times_up': Field required"
    assert problems[1].startswith("content/movements.yaml: field 'movements.2.seconds': ")
    assert problems[2] == "content/faq/tuck-tail.md: must start with '---' front matter"
    assert str(caught.value) == "\n".join(problems)


def test_run_check_ok(root, capsys):
    movements = yaml.safe_load((SHIPPED / MOVEMENTS_FILE).read_text(encoding="utf-8"))
    assert run_check(root) == 0
    out, err = capsys.readouterr()
    assert out.strip() == (
        f"content OK: {len(REQUIRED_FAQ_IDS)} FAQ entries, 6 levels, "
        f"{len(movements['movements'])} movements, 8 pictures"
    )
    assert err == ""


def test_run_check_reports_every_problem(root, capsys):
    (root / MOVEMENTS_FILE).unlink()
    (root / "faq" / "safety.md").unlink()
    assert run_check(root) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "content/movements.yaml: file is missing",
        "content/faq/safety.md: required FAQ entry is missing",
        "content check failed: 2 problems",
    ]


def _shipped_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "content"
    shutil.copytree(SHIPPED, root)
    return root


def test_a_broken_faq_file_is_reported_once_not_with_every_example_that_names_it(tmp_path):
    root = _shipped_copy(tmp_path)
    props = root / "faq" / "props.md"
    props.write_text("".join(line for line in props.read_text(encoding="utf-8").splitlines(True)
                             if not line.startswith("question:")), encoding="utf-8")
    assert check_content(root) == ["content/faq/props.md: field 'question': Field required"]


def test_examples_naming_one_unknown_id_are_summarised_in_one_line(root):
    lines = [f'{{"q": "question {n}", "faq": "prop"}}' for n in range(5)]
    (root / "faq-examples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _only_problem(root) == (
        "content/faq-examples.jsonl:1: field 'faq': unknown FAQ id 'prop' (and 4 more lines)")


def test_yaml_error_names_the_file_and_line_not_a_unicode_string(root):
    (root / MOVEMENTS_FILE).write_text("movements: [\n  - a: b\n", encoding="utf-8")
    problem = _only_problem(root)
    assert "<unicode string>" not in problem
    assert problem.startswith("content/movements.yaml: not valid YAML at line 2, column 3: ")


def test_front_matter_yaml_error_gives_the_file_line(root):
    (root / "faq" / "props.md").write_text("---\nid: props\nquestion: [Props?\n---\nAn answer.\n",
                                           encoding="utf-8")
    problem = _only_problem(root)
    assert "<unicode string>" not in problem
    assert problem.startswith("content/faq/props.md: front matter is not valid YAML at line ")


def test_json_error_says_where_on_the_line(root):
    (root / "faq-examples.jsonl").write_text('{"q": "hi", "faq" "props"}\n', encoding="utf-8")
    assert _only_problem(root) == (
        "content/faq-examples.jsonl:1: not valid JSON at column 19: Expecting ':' delimiter "
        "near '{\"q\": \"hi\", \"faq\" \"props\"}'")


def test_a_missing_folder_is_one_clear_problem(tmp_path, capsys):
    assert run_check(tmp_path / "nonexistent") == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'nonexistent'}: content folder not found" in err
    assert "is missing" not in err and "1 problem" in err


def test_an_answer_field_in_front_matter_is_not_silently_replaced_by_the_body(root):
    text = faq_text("props").replace("tags:", "answer: Use a block.\ntags:")
    (root / "faq" / "props.md").write_text(text, encoding="utf-8")
    assert "the answer goes below the front matter" in _only_problem(root)
