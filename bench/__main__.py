"""`python -m bench`: run every system in its own process and print them side by side.

Each system runs as `python -m bench.<module> --people N` in a fresh subprocess, so its peak
RSS is its own; the figures come back as one JSON line each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time as clock
from pathlib import Path

from bench.common import DUE, ZONES, parse_args

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = (("ours", "HeroCoach"), ("aps_memory", "APS memory"), ("aps_sqlalchemy", "APS sqlalchemy"))
CLAIM_TARGET = 20_000
RSS_TARGET_MB = 300
RSS_TARGET_PEOPLE = 100_000
# (label, HeroCoach key, APScheduler key); None where a system has no such step.
ROWS = (
    ("create / add every schedule (s)", "create_s", "add_s"),
    ("  per second", "create_per_s", "add_per_s"),
    ("due minute: get_due_jobs scan (s)", None, "due_scan_s"),
    ("due minute: claim / advance all (s)", "claim_s", "advance_s"),
    ("  per second", "claim_per_s", "advance_per_s"),
    ("  rows due", "claims", "due_jobs"),
    ("due minute: full sweep + null send (s)", "sweep_s", None),
    ("  per second", "sweep_per_s", None),
    ("restart and resume (s)", "restart_s", "restart_s"),
    ("  due in the next due minute", "restart_claims", "restart_due"),
    ("peak RSS (MB)", "peak_rss_mb", "peak_rss_mb"),
)


def run_system(module: str, people: int, repeat: int, workdir: str | None) -> dict:
    """Run one benchmark module in a fresh interpreter and return its figures."""
    command = [sys.executable, "-m", f"bench.{module}", "--people", str(people),
               "--repeat", str(repeat)]
    if workdir:
        command += ["--workdir", workdir]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT),
                                                                      os.environ.get("PYTHONPATH"))))}
    started = clock.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench.{module} failed with exit code {done.returncode}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    sys.stderr.write(f"  bench.{module} finished in {clock.perf_counter() - started:.1f} s\n")
    return figures


def cell(value: object) -> str:
    """Format one table value."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def ratio(theirs: float, ours: float, faster: str, slower: str) -> str:
    """Say how many times better or worse ours is, where lower is better."""
    if ours <= 0 or theirs <= 0:
        return "n/a"
    return f"{theirs / ours:.1f}x {faster}" if theirs >= ours else f"{ours / theirs:.1f}x {slower}"


def verdict(ok: bool) -> str:
    """Return PASS or MISS."""
    return "PASS" if ok else "MISS"


def report(people: int, results: dict[str, dict]) -> list[str]:
    """Return the printed table, ratios and targets."""
    ours = results["ours"]
    ours["create_per_s"] = round(people / ours["create_s"])
    lines = [
        f"HeroCoach scheduling benchmark: {people:,} people, one break schedule each, SQLite temp files",
        f"every schedule due {DUE:%a %Y-%m-%d %H:%M} UTC across {len(ZONES)} zones "
        f"(07:00 Chicago .. 18:30 Kolkata .. 21:00 Shanghai); medians of {ours['repeat']} runs for"
        " HeroCoach and for the APScheduler due scan",
        "",
        f"{'measure':40}" + "".join(f"{title:>16}" for _, title in SYSTEMS),
    ]
    for label, our_key, aps_key in ROWS:
        values = [ours.get(our_key) if our_key else None]
        values += [results[module].get(aps_key) if aps_key else None for module, _ in SYSTEMS[1:]]
        lines.append(f"{label:40}" + "".join(f"{cell(v):>16}" for v in values))
    lines += ["", "ratios (HeroCoach vs each APScheduler variant):"]
    for module, title in SYSTEMS[1:]:
        aps = results[module]
        lines += [
            f"  {title}: create {ratio(aps['add_s'], ours['create_s'], 'faster', 'slower')};"
            f" claim vs advance {ratio(aps['advance_s'], ours['claim_s'], 'faster', 'slower')};"
            f" claim vs due scan {ratio(aps['due_scan_s'], ours['claim_s'], 'faster', 'slower')};"
            f" restart {ratio(aps['restart_s'], ours['restart_s'], 'faster', 'slower')};"
            f" peak RSS {ratio(aps['peak_rss_mb'], ours['peak_rss_mb'], 'less', 'more')}",
        ]
    rss_note = "" if people == RSS_TARGET_PEOPLE else f" (measured at {people:,} people)"
    aps = [results[module] for module, _ in SYSTEMS[1:]]
    lines += [
        "", "targets:",
        f"  {verdict(ours['claim_per_s'] >= CLAIM_TARGET)}  claims per second >= {CLAIM_TARGET:,}:"
        f" {ours['claim_per_s']:,}",
        f"  {verdict(ours['peak_rss_mb'] <= RSS_TARGET_MB)}  peak RSS <= {RSS_TARGET_MB} MB at"
        f" {RSS_TARGET_PEOPLE:,} people: {ours['peak_rss_mb']} MB{rss_note}",
        f"  {verdict(all(ours['restart_s'] < a['restart_s'] for a in aps))}  restart faster than"
        f" one-job-per-person APScheduler: {ours['restart_s']:.3f} s vs "
        + ", ".join(f"{a['restart_s']:.3f} s" for a in aps),
        f"  {verdict(all(ours['peak_rss_mb'] < a['peak_rss_mb'] for a in aps))}  less memory than"
        f" one-job-per-person APScheduler: {ours['peak_rss_mb']} MB vs "
        + ", ".join(f"{a['peak_rss_mb']} MB" for a in aps),
        "",
        "notes: HeroCoach creation is " + str(ours["create_path"]) + "; the repository's own"
        f" one-at-a-time Schedules.save upsert ran at {ours['save_per_s']:,}/s.",
        "  claim = Schedules.claim_batch(now, plan, 200) until none are due (one IMMEDIATE"
        " transaction per batch, one UNIQUE nudges row each);"
        " APScheduler advance = its _process_jobs work per due job minus the executor.",
        "  restart: HeroCoach = build_runtime (Store.open + migrations check + content) + first"
        f" sweep at {ours['restart_minute']}; APS memory = re-add every job from our rows;"
        " APS sqlalchemy = start(paused=True) + get_jobs(); both then scan that minute.",
    ]
    return lines


def backends_report(people: int, sqlite: dict, pg: dict) -> list[str]:
    """Return the storage-backend table: SQLite beside PostgreSQL with one and two sweepers."""
    lines = [
        "", f"Storage backends: the same sweep at {people:,} people (claims in batches of 200,"
        " null sender); PostgreSQL is a local server started for this run",
        "", f"{'measure':40}{'SQLite':>16}{'PostgreSQL x1':>16}{'PostgreSQL x2':>16}",
    ]
    rows = (("claim all due rows, no send (s)", "claim_s", "claim_s", "claim2_s"),
            ("  claims per second", "claim_per_s", "claim_per_s", "claim2_per_s"),
            ("full sweep + null send (s)", "sweep_s", "sweep_s", "sweep2_s"),
            ("  sends per second", "sweep_per_s", "sweep_per_s", "sweep2_per_s"),
            ("restart: open + first sweep (s)", "restart_s", "restart_s", "restart2_s"))
    for label, ours_key, one_key, two_key in rows:
        lines.append(f"{label:40}{cell(sqlite.get(ours_key)):>16}{cell(pg.get(one_key)):>16}"
                     f"{cell(pg.get(two_key)):>16}")
    lines += ["notes: x2 = two sweeping processes on one database, released together; their"
              " claims add up to every row, none twice. Restart x2 = both processes opening at once.",
              "  SQLite figures are the HeroCoach column above (medians); PostgreSQL runs once."]
    return lines


def main(argv: list[str] | None = None) -> None:
    """Run the three systems one after another, then the backends, and print the comparison."""
    args = parse_args(argv, __doc__ or "")
    results = {}
    for module, _ in SYSTEMS:
        sys.stderr.write(f"running bench.{module} with {args.people:,} people...\n")
        results[module] = run_system(module, args.people, args.repeat, args.workdir)
    lines = report(args.people, results)
    sys.stderr.write(f"running bench.backends (PostgreSQL) with {args.people:,} people...\n")
    lines += backends_report(args.people, results["ours"],
                             run_system("backends", args.people, 1, None))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
