import re
from pathlib import Path

from bot.cli.faq_eval import run_faq_eval

HERE = Path(__file__).parent


def test_faq_eval_prints_the_side_by_side_report(capsys):
    assert run_faq_eval(HERE / "eval_heldout.jsonl") == 0
    out = capsys.readouterr().out
    assert re.match(r"cases: \d+ \(on-topic \d+, off-topic \d+, red-flag \d+\)\n", out)
    for label in ("top-1 on-topic", "off-topic refused", "safety recall", "latency p50 (ms)",
                  "latency p99 (ms)"):
        assert label in out
    assert "herocoach" in out and "baseline" in out


def test_faq_eval_says_how_many_questions_it_has_seen_word_for_word(tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"q": "What is hero pose?", "expect": "what-is-virasana"}\n'
                    '{"q": "tell me a joke", "expect": "offtopic"}\n'
                    '{"q": "my knees feel squished when i kneel, help", "expect": "knee-pain"}\n',
                    encoding="utf-8")
    assert run_faq_eval(path) == 0
    out = capsys.readouterr().out
    assert "2 of these questions are word for word in the FAQ's phrasings or examples." in out
    assert "Without them: top-1 on-topic" in out


def test_faq_eval_says_n_a_for_a_kind_the_file_lacks(tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"q": "sharp pain in my knee", "expect": "safety"}\n', encoding="utf-8")
    assert run_faq_eval(path) == 0
    out = capsys.readouterr().out
    assert re.search(r"off-topic refused\s+n/a\s+n/a", out)
    assert re.search(r"top-1 on-topic\s+n/a\s+n/a", out)
    assert re.search(r"safety recall\s+100\.0%", out)


def test_faq_eval_names_the_bad_line(tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"q": "hi", "expect": "offtopic"}\n\n{"q": "oops"\n', encoding="utf-8")
    assert run_faq_eval(path) == 2
    assert f"{path}:3" in capsys.readouterr().err


def test_faq_eval_rejects_wrong_fields(tmp_path, capsys):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"q": "hi", "expect": 3}\n', encoding="utf-8")
    assert run_faq_eval(path) == 2
    assert ":1:" in capsys.readouterr().err
