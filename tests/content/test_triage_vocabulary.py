import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli.content import run_check
from bot.content.loader import TRIAGE_FILE, default_content_dir, load_triage
from bot.core.faq.triage import assess, example_problems, red_flag
from bot.core.faq.vocabulary import Severity, Vocabulary


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the whole shipped `content/`, FAQ included, to extend or break."""
    copy = tmp_path / "content"
    shutil.copytree(default_content_dir(), copy)
    return copy


def _edit(root: Path, change) -> None:
    path = root / TRIAGE_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _sign(data: dict, sign_id: str) -> dict:
    return next(sign for sign in data["signs"] if sign["id"] == sign_id)


def _problems(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert run_check(root) == 1
    return capsys.readouterr().err.splitlines()[:-1]


def test_the_shipped_vocabulary_validates_with_all_its_examples():
    data = load_triage()
    assert list(data.problems()) == []
    assert example_problems(data) == []


def test_every_pattern_has_an_example_it_matches():
    data = load_triage()
    for sign in data.signs:
        assert all(pattern.examples.match for pattern in sign.patterns), sign.id


def test_a_sign_added_as_a_plain_phrase_is_caught_with_its_severity_and_words(root):
    def add(data: dict) -> None:
        data["signs"].append({
            "id": "vision change", "severity": "urgent", "heard_as": "a change in your sight",
            "phrases": ["seeing double", "blurry vision"],
            "phrase_examples": {"match": ["I'm seeing double", "suddenly Blurry  vision"],
                                "no_match": ["double the hold"]},
        })
    _edit(root, add)
    vocabulary = Vocabulary.build(load_triage(root))
    flag, _ = assess("my knee is fine but I'm   SEEING double after the hold", vocabulary)
    assert flag is not None
    assert (flag.sign, flag.severity) == ("vision change", Severity.URGENT)
    assert red_flag("no blurry vision, just tight quads", vocabulary) is None
    assert red_flag("I'm seeing double") is None  # the shipped vocabulary is untouched


def test_a_word_added_by_a_coach_is_caught_typos_and_all(root):
    _edit(root, lambda data: _sign(data, "dizziness or fainting")["words"].append("woozy"))
    vocabulary = Vocabulary.build(load_triage(root))
    assert red_flag("i feel woozy when i stand up", vocabulary) == "dizziness or fainting"


def test_a_broken_regex_names_the_sign_and_pattern_and_says_why(root, capsys):
    def breaks(data: dict) -> None:
        _sign(data, "numbness")["patterns"][1]["pattern"] = r"\bnumb(?:ish"
    _edit(root, breaks)
    [problem] = _problems(root, capsys)
    assert problem.startswith("content/triage.yaml: sign 'numbness', pattern 2 ('\\bnumb(?:ish')")
    assert "is not a valid regex: missing ), unterminated subpattern" in problem


def test_an_unknown_fragment_is_named(root, capsys):
    def breaks(data: dict) -> None:
        _sign(data, "tingling")["patterns"][0]["pattern"] = r"\b{limbs}\s+buzz\b"
    _edit(root, breaks)
    [problem] = _problems(root, capsys)
    assert "sign 'tingling', pattern 1" in problem
    assert "unknown fragment {limbs}" in problem and "{limb}" in problem


def test_examples_a_pattern_gets_wrong_are_named_with_their_sign(root, capsys):
    def breaks(data: dict) -> None:
        pattern = _sign(data, "chest pain")["patterns"][0]["examples"]
        pattern["match"].append("my calves are tight")
        pattern["no_match"].append("chest pain at night")
    _edit(root, breaks)
    problems = _problems(root, capsys)
    assert len(problems) == 2
    assert all(p.startswith("content/triage.yaml: sign 'chest pain', pattern 1") for p in problems)
    assert problems[0].endswith('example "my calves are tight" is under match but is not matched')
    assert problems[1].endswith('example "chest pain at night" is under no_match but is matched')


def test_a_phrase_without_an_example_and_a_word_that_is_a_phrase_are_reported(root, capsys):
    def breaks(data: dict) -> None:
        sign = _sign(data, "pregnancy")
        sign["phrases"].append("baby on its way")
        sign["words"].append("Expecting a baby")
    _edit(root, breaks)
    problems = _problems(root, capsys)
    assert any("field 'signs.0.words'" in p and "'Expecting a baby' must be one word" in p
               for p in problems)


def test_a_phrase_with_no_example_is_reported(root, capsys):
    _edit(root, lambda data: _sign(data, "pregnancy")["phrases"].append("baby on its way"))
    [problem] = _problems(root, capsys)
    assert problem == ("content/triage.yaml: sign 'pregnancy': phrase 'baby on its way' has no "
                       "example it matches; add one under phrase_examples.match")


def test_a_scope_example_triage_gets_wrong_is_reported(root, capsys):
    def breaks(data: dict) -> None:
        data["scope"]["negators"]["examples"]["not_flagged"].append("no pain, just numb toes")
    _edit(root, breaks)
    [problem] = _problems(root, capsys)
    assert problem == ('content/triage.yaml: scope.negators: example "no pain, just numb toes" '
                       "is under not_flagged but raises 'numbness'")
