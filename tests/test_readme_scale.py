"""The README's "Try it on one machine" block works as written: two processes, a webhook, shards."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- tests/test_readme_scale.py runs the next block -->"
LOGS = (Path("/tmp/hc-one.log"), Path("/tmp/hc-two.log"))


def the_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(MARKER) + r"\n```bash\n(.*?)```", text, re.S)
    assert found, "the README lost its tested 'Try it on one machine' block"
    return found.group(1)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "herocoach").exists(),
                    reason="needs the repository's own .venv (make install)")
def test_the_running_at_scale_walk_works_as_written(postgres_server: PostgresServer) -> None:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TELEGRAM_", "DISCORD_", "HTTP_", "COACH_", "SWEEP_"))
           and key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    env["DATABASE_URL"] = postgres_server.new_database("readme_scale")
    walk = subprocess.Popen(["bash", "-c", the_block()], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        output, _ = walk.communicate(timeout=240)
    finally:
        if walk.poll() is None:
            os.killpg(walk.pid, signal.SIGKILL)
            walk.wait()
    logs = [log.read_text(encoding="utf-8") for log in LOGS]
    print(output)
    assert walk.returncode == 0, output
    assert output.count("ok: database, telegram, discord") >= 2, output
    assert "Quick check before we start" in output and "buttons: All clear" in output, output
    assert "edited:" in output, output
    sender = re.search(r"^/tmp/hc-(one|two)\.log$", output, re.M)
    assert sender, output
    # /help after the sending process stopped: answered by the other.
    assert "bot: " in output[sender.end():], output
    assert re.search(r'^herocoach_updates_handled_total\{.*kind="Command".*\} [1-9]', output, re.M), output
    assert all("now sends the scheduled nudges" in log for log in logs), logs
    for log in logs:
        assert "Traceback" not in log, log
