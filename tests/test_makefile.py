"""`make run` installs only what running needs, quietly; `make test` adds the dev extras."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dry_run(target: str) -> str:
    # -B: pretend nothing is installed yet, as on a fresh clone; -n: print, don't run.
    return subprocess.run(["make", "-Bn", target, "VENV=/nonexistent/venv"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def test_make_run_installs_no_dev_extras_and_echoes_no_comments() -> None:
    commands = dry_run("run")
    assert "pip install --quiet -e ." in commands
    assert "[dev]" not in commands
    assert not re.search(r"^\s*#", commands, re.M), commands


def test_make_test_adds_the_dev_extras() -> None:
    assert "-e '.[dev]'" in dry_run("test")


def test_license_is_an_spdx_string_not_the_deprecated_table() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
