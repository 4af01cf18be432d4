import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bench.common import BEFORE, cron_fields, rules
from bench.ours import schedule_for
from bot.core.breaks import planner

ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "create / add every schedule (s)", "due minute: get_due_jobs scan (s)",
    "due minute: claim / advance all (s)", "due minute: full sweep + null send (s)",
    "restart and resume (s)", "peak RSS (MB)", "ratios (HeroCoach vs each APScheduler variant):",
    "claims per second >= 20,000", "peak RSS <= 300 MB", "restart faster than",
    "less memory than", "Storage backends", "claim all due rows, no send (s)",
    "full sweep + null send (s)", "restart: open + first sweep (s)",
)


def test_benchmark_runs_small_and_prints_every_figure(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--people", "500", "--repeat", "1",
         "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    for figure in FIGURES:
        assert figure in done.stdout, figure
    table = done.stdout.splitlines()
    header = next(line for line in table if line.startswith("measure"))
    assert ["HeroCoach", "APS memory", "APS sqlalchemy"] == [
        part.strip() for part in header.removeprefix("measure").split("  ") if part.strip()]
    rows_due = next(line for line in table if line.strip().startswith("rows due"))
    assert rows_due.split()[-3:] == ["500", "500", "500"]
    assert done.stdout.count("PASS") + done.stdout.count("MISS") == 4
    assert any(line.startswith("measure") and line.split()[-3:] == ["x1", "PostgreSQL", "x2"]
               for line in table)
    sends = next(line for line in table if line.strip().startswith("sends per second"))
    assert all(cell.replace(",", "").isdigit() for cell in sends.split()[-3:]), sends
    assert list(tmp_path.iterdir()) == []


def test_cron_trigger_fires_at_exactly_the_planner_slots():
    # The comparison is only fair if each APScheduler job fires when our rule does.
    for rule in rules(40):
        schedule = schedule_for(rule)
        trigger = CronTrigger(**cron_fields(rule))
        ours, theirs = BEFORE, BEFORE
        for _ in range(60):
            ours = planner.next_slot(schedule, ours)
            theirs = trigger.get_next_fire_time(None, theirs + timedelta(microseconds=1))
            assert ours == theirs, (rule, ours, theirs)
