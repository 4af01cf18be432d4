"""Every command in the README's `sh` blocks works as written, in a fresh shell after `make run`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# `make run` and `make test` would start the bot for good, or this suite again; `content
# vectors` rewrites the shipped file (tests/core/faq/test_shipped_vectors.py checks it); a
# worker needs a Telegram token (tests/telegram/test_sender_postgres.py runs two).
NOT_RUN_HERE = ("make ", ".venv/bin/herocoach content vectors", ".venv/bin/herocoach content render",
                ".venv/bin/herocoach worker")


def readme_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith(NOT_RUN_HERE):
                commands.append(line)
    return commands


def test_every_readme_command_uses_the_venv_not_a_bare_python() -> None:
    commands = readme_commands()
    assert len(commands) >= 7
    for command in commands:
        assert "python -m bot" not in command.split("#")[0] or ".venv/bin/" in command, command


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "herocoach").exists(),
                    reason="needs the repository's own .venv (make install)")
@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs_as_written_in_a_fresh_shell(command: str, tmp_path: Path) -> None:
    # A fresh shell: no venv on PATH, no tokens, and a database of its own.
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in p)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'readme.db'}"
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "ModuleNotFoundError" not in done.stderr
