"""The command line entry points, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_content_check_passes_on_shipped_content() -> None:
    done = bot("content", "check")
    assert done.returncode == 0, done.stderr
    assert "content OK" in done.stdout


def test_content_check_fails_and_lists_problems(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "progression.yaml").write_text("session: {}\nlevels: []\n")
    done = bot("content", "check", "--dir", str(tmp_path))
    assert done.returncode == 1
    assert "progression.yaml: field 'session.safety_check'" in done.stderr
    assert "movements.yaml: file is missing" in done.stderr
    assert "why-hero-helps-back.md: required FAQ entry is missing" in done.stderr


def test_ask_json_from_stdin() -> None:
    done = bot("ask", "--json", "-", stdin="why tuck the tail\nbest pizza in town?\n"
                                           "sharp shooting pain down my leg\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["outcome"] for row in rows] == ["answer", "off-topic", "safety"]
    assert rows[0]["faq_id"] == "tuck-tail" and 0 <= rows[0]["confidence"] <= 1
    assert rows[1]["faq_id"] is None or rows[1]["outcome"] != "answer"
    assert set(rows[0]) >= {"question", "faq_id", "title", "confidence", "outcome", "answer"}


def test_schedule_preview() -> None:
    done = bot("schedule", "preview", "--tz", "Europe/Berlin", "--every", "30m", "--window",
               "09:00-17:30", "--days", "mon-fri", "--from", "2026-03-27T08:00", "--count", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2026-03-27T09:30:00+01:00", "2026-03-27T10:00:00+01:00"]


def test_bad_configuration_is_one_clear_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env={"PATH": "", "DEFAULT_TIMEZONE": "Mars/Olympus",
                                             "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert "DEFAULT_TIMEZONE" in done.stderr and "Traceback" not in done.stderr
