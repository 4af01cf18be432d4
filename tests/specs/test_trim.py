"""The pinned descriptions are what trim.py makes, and say where they come from."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.specs import trim

README = Path(trim.__file__).with_name("README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("pinned", "trimmer"),
    [(trim.TELEGRAM_FILE, trim.trim_telegram), (trim.DISCORD_FILE, trim.trim_discord)],
)
def test_trimming_a_pinned_copy_changes_nothing(
    pinned: Path, trimmer: Callable[[dict[str, Any], str], dict[str, Any]]
) -> None:
    text = pinned.read_text(encoding="utf-8")
    assert trim.dump(trimmer(json.loads(text), "unused")) == text


@pytest.mark.parametrize("pinned", [trim.TELEGRAM_FILE, trim.DISCORD_FILE])
def test_each_file_names_the_commit_the_readme_gives(pinned: Path) -> None:
    source = json.loads(pinned.read_text(encoding="utf-8"))["x-source"]
    commit = re.search(r"/blob/([0-9a-f]{40})/", source)
    assert commit is not None, source
    row = next(line for line in README.splitlines() if line.startswith(f"| `{pinned.name}`"))
    assert f"`{commit.group(1)}`" in row
