import io
import json
import re
from pathlib import Path

from bot.faq_cli import run_ask, run_faq_eval

HERE = Path(__file__).parent
KEYS = {"question", "faq_id", "title", "confidence", "outcome", "answer", "suggestions",
        "red_flag", "severity", "where"}


def _lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_ask_json_shape_for_each_outcome(capsys):
    questions = ["how long do i hold it", "my feet go numb", "how low",
                 "how do i center a div"]
    assert run_ask(questions, as_json=True) == 0
    rows = _lines(capsys)
    assert [r["outcome"] for r in rows][:3] == ["answer", "safety", "suggest"]
    assert rows[3]["outcome"] in ("escalate", "off-topic")
    for row, question in zip(rows, questions, strict=True):
        assert set(row) == KEYS
        assert row["question"] == question
        assert 0.0 <= row["confidence"] <= 1.0
        assert row["confidence"] == round(row["confidence"], 3)
    answer, safety, suggest, escalate = rows
    assert answer["faq_id"] == "static-hold" and answer["answer"] and answer["title"]
    assert safety["faq_id"] == "safety" and safety["answer"] and safety["red_flag"] == "numbness"
    assert safety["confidence"] == 1.0 and safety["severity"] == "stop" and safety["where"] == "feet"
    assert suggest["answer"] is None and suggest["suggestions"][0] == suggest["faq_id"]
    assert escalate["faq_id"] is None and escalate["title"] is None and escalate["answer"] is None


def test_ask_reads_stdin_with_dash_skipping_blank_lines(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("tuck tail why\n\n   \nwhat are hip flexors\n"))
    assert run_ask(["-"], as_json=True) == 0
    rows = _lines(capsys)
    assert [r["faq_id"] for r in rows] == ["tuck-tail", "hip-flexors"]


def test_ask_text_form_is_readable(capsys):
    assert run_ask(["how often should i practise", "how do i center a div"], as_json=False) == 0
    out = capsys.readouterr().out
    assert "progress" in out and "Lower your prop" in out
    assert "coach" in out


def test_ask_reports_small_talk_and_urgent_signs(capsys):
    assert run_ask(["thanks!", "👍", "1", "I get chest pain when I stand up"], as_json=True) == 0
    rows = _lines(capsys)
    assert [r["outcome"] for r in rows] == ["smalltalk", "smalltalk", "smalltalk", "safety"]
    assert [r.get("kind") for r in rows[:3]] == ["thanks", "emoji", "button"]
    assert rows[3]["severity"] == "urgent" and rows[3]["red_flag"] == "chest pain"


def test_ask_reports_broken_content(tmp_path, capsys):
    (tmp_path / "faq").mkdir(parents=True)
    (tmp_path / "faq" / "bad.md").write_text("no front matter", encoding="utf-8")
    assert run_ask(["hi"], as_json=True, content_dir=tmp_path) == 2
    assert "front matter" in capsys.readouterr().err


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
