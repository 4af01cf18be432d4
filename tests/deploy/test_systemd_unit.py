"""deploy/herocoach.service: systemd-analyze accepts it, and it waits long enough for a clean stop."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from telegram.request import HTTPXRequest

from bot import platforms
from bot.clockwork import CUT_SETTLE
from bot.storage.urls import parse_database_url

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "herocoach.service"
EXEC = "/opt/herocoach/.venv/bin/python"
# Closing the HTTP clients, the Discord gateway and the database after the grace.
CLOSE_DOWN = 5.0


def service() -> dict[str, list[str]]:
    """Return the [Service] section as {key: [values, in order]} (systemd keys may repeat)."""
    values: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def analyze(command: str, unit_text: str, tmp_path: Path, *options: str,
            ) -> subprocess.CompletedProcess[str]:
    """Run `systemd-analyze <command>` on the unit, with its ExecStart binary made to exist in tmp."""
    program = shutil.which("systemd-analyze")
    if program is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    binary = tmp_path / "bin" / "python"
    binary.parent.mkdir(exist_ok=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    unit = tmp_path / "herocoach.service"
    unit.write_text(unit_text.replace(EXEC, str(binary)), encoding="utf-8")
    return subprocess.run([program, command, *options, str(unit)], capture_output=True, text=True,
                          check=False, timeout=120)


def verify(unit_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `systemd-analyze verify` on the unit."""
    return analyze("verify", unit_text, tmp_path)


def test_systemd_analyze_verifies_the_unit_without_a_word(tmp_path: Path) -> None:
    result = verify(UNIT.read_text(encoding="utf-8"), tmp_path)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_verify_does_catch_a_mistake_in_the_unit(tmp_path: Path) -> None:
    # systemd ignores a bad value with a warning (exit 0), so the check above wants silence.
    broken = UNIT.read_text(encoding="utf-8").replace("ProtectSystem=strict", "ProtectSystem=strcit")
    result = verify(broken, tmp_path)
    assert "protect system value" in result.stderr


def test_systemd_rates_the_units_exposure_low(tmp_path: Path) -> None:
    # 0 (locked down) to 10 (unprotected); the unit's own comment gives its score.
    result = analyze("security", UNIT.read_text(encoding="utf-8"), tmp_path, "--offline=yes",
                     "--threshold=20")
    score = re.search(r"Overall exposure level for herocoach.service: ([\d.]+)", result.stdout)
    assert score is not None, result.stdout + result.stderr
    print(f"exposure {score.group(1)}")
    assert result.returncode == 0 and float(score.group(1)) <= 2.0


def test_timeout_stop_sec_outlasts_the_shutdown_the_code_allows() -> None:
    request = HTTPXRequest(connection_pool_size=1)
    timeouts = request._client.timeout  # what the poller's last getUpdates may take
    confirm = (timeouts.connect or 0) + (timeouts.read or 0)
    worst = platforms.GRACE + max(CUT_SETTLE, confirm) + CLOSE_DOWN
    [stop] = service()["TimeoutStopSec"]
    seconds = float(re.fullmatch(r"(\d+)s?", stop).group(1))  # type: ignore[union-attr]
    print(f"TimeoutStopSec={seconds:g} s; worst stop from the code: {worst:g} s")
    assert seconds > worst
    assert seconds > 10  # longer than systemd's and Docker's default, which the bot can exceed


def test_the_unit_restarts_on_failure_and_is_locked_down() -> None:
    unit = service()
    for key, wanted in {"Restart": "on-failure", "NoNewPrivileges": "yes",
                        "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                        "KillSignal": "SIGTERM", "User": "herocoach"}.items():
        assert unit.get(key) == [wanted], key
    assert unit["EnvironmentFile"] == ["/etc/herocoach/herocoach.env"]
    assert unit["ExecStart"] == [f"{EXEC} -m bot"]


def test_the_sqlite_folder_is_the_one_writable_path() -> None:
    unit = service()
    defaults = dict(value.partition("=")[::2] for value in unit["Environment"])
    database = Path(parse_database_url(defaults["DATABASE_URL"]).target)
    assert unit["ReadWritePaths"] == [str(database.parent)]
    assert unit["StateDirectory"] == [database.parent.name]  # systemd creates it for the user
    assert defaults["XDG_CACHE_HOME"] == f"/var/cache/{unit['CacheDirectory'][0]}"


def test_the_unit_parses_as_ini() -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    assert parser.sections() == ["Unit", "Service", "Install"]
    assert parser["Install"]["WantedBy"] == "multi-user.target"
