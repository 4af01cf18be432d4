import io
import json

from bot.cli.ask import run_ask

KEYS = {"question", "faq_id", "title", "confidence", "outcome", "answer", "suggestions",
        "red_flag", "severity", "where", "caution"}


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


def test_ask_reports_the_gentler_note_without_the_stop_answer(capsys):
    assert run_ask(["my mum gets pins and needles, can she do hero?"], as_json=True) == 0
    [row] = _lines(capsys)
    assert row["outcome"] == "safety" and row["severity"] == "caution"
    assert row["caution"] == "someone else" and row["answer"] is None


def test_ask_reports_broken_content(tmp_path, capsys):
    (tmp_path / "faq").mkdir(parents=True)
    (tmp_path / "faq" / "bad.md").write_text("no front matter", encoding="utf-8")
    assert run_ask(["hi"], as_json=True, content_dir=tmp_path) == 2
    assert "front matter" in capsys.readouterr().err
