"""The sweep on PostgreSQL, with one and with two sweeping processes, to set beside SQLite.

Run as `python -m bench.backends --people N`; prints one JSON line of figures. It starts a
throwaway PostgreSQL server from Debian's binaries (as the tests do), fills a template
database the way `bench.ours` fills SQLite, and copies it for each measurement:

- one process: `bench.ours.claim` (claims only) and `sweep_and_restart` (full sweep with a
  null sender, then a restart: build_runtime + the first sweep of the next due minute);
- two processes: two `python -m bench.backends --sweeper` children, each with its own
  runtime and pool, told to start at the same moment; wall time from the first to start
  to the last to finish, and the claims of both added up (they must total N, no slot twice).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time as clock
from datetime import datetime
from functools import partial
from pathlib import Path

import asyncpg

from bench.common import DUE, emit, parse_args
from bench.ours import NullDelivery, claim, claim_all, create, sweep_and_restart
from bot.app import build_runtime
from bot.content.loader import load_content
from bot.core.breaks import planner
from bot.core.context import CoreConfig
from bot.core.ports import ManualClock

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = 2


async def copy_database(admin: str, template: str, name: str) -> str:
    """Create `name` as a copy of `template` on the same server; return its URL."""
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    return admin.rsplit("/", 1)[0] + f"/{name}"


async def sweeper(url: str, mode: str, at: str) -> None:
    """Child process: wait for "go", open the runtime, claim or sweep once, report times."""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    went = clock.time()
    runtime = await build_runtime(database_url=url, config=CoreConfig(),
                                  clock=ManualClock(datetime.fromisoformat(at)))
    for platform in ("telegram", "discord"):
        runtime.router.register(platform, NullDelivery())
    opened = clock.time()
    if mode == "claim":
        plan = partial(planner.plan, movement_ids=runtime.core.nudges.movement_ids)
        count = await claim_all(runtime.store, plan)
    else:
        count = await runtime.core.nudges.sweep()
    ended = clock.time()
    await runtime.close()
    sys.stdout.write(json.dumps({"count": count, "went": went, "opened": opened, "ended": ended}) + "\n")


async def together(url: str, mode: str, at: datetime) -> list[dict]:
    """Run PROCESSES sweepers on one database, released at once; return their reports."""
    children = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.backends", "--sweeper", url, mode, at.isoformat(), cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for _ in range(PROCESSES)]
    for child in children:
        assert child.stdout is not None  # noqa: S101 - piped above
        if (await child.stdout.readline()).strip() != b"ready":
            raise RuntimeError("a sweeper did not start")
    for child in children:
        assert child.stdin is not None  # noqa: S101 - piped above
        child.stdin.write(b"go\n")
        await child.stdin.drain()
    outputs = [await child.communicate() for child in children]
    if any(child.returncode for child in children):
        raise RuntimeError("a sweeper failed")
    return [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]


async def run(people: int) -> dict[str, object]:
    """Fill a template once; measure one process, then two, each on a fresh copy."""
    from tests.postgres_server import PostgresServer

    movement_ids = tuple(m.id for m in load_content().movements)
    server = PostgresServer().start()
    try:
        admin = server.url()
        template_url = server.new_database("bench_template")
        template = template_url.rsplit("/", 1)[1]
        figures: dict[str, object] = {"system": "postgresql", "people": people}
        figures["create_s"] = (await create(template_url, people))["create_s"]

        one_claim = await copy_database(admin, template, "one_claim")
        figures["claim_s"], figures["claims"] = await claim(one_claim, movement_ids)
        one_sweep = await copy_database(admin, template, "one_sweep")
        swept = await sweep_and_restart(one_sweep)
        figures.update({key: swept[key] for key in ("sweep_s", "swept", "sent", "restart_s",
                                                    "restart_claims")})

        two_claim = await copy_database(admin, template, "two_claim")
        reports = await together(two_claim, "claim", DUE)
        figures["claim2_s"] = max(r["ended"] for r in reports) - min(r["opened"] for r in reports)
        figures["claims2"] = sum(r["count"] for r in reports)
        two_sweep = await copy_database(admin, template, "two_sweep")
        reports = await together(two_sweep, "sweep", DUE)
        figures["sweep2_s"] = max(r["ended"] for r in reports) - min(r["opened"] for r in reports)
        figures["swept2"] = sum(r["count"] for r in reports)
        next_due = datetime.fromisoformat(str(swept["restart_minute"]))
        reports = await together(two_sweep, "sweep", next_due)
        figures["restart2_s"] = max(r["ended"] for r in reports) - min(r["went"] for r in reports)
        figures["restart2_claims"] = sum(r["count"] for r in reports)
    finally:
        server.stop()
    for done, expected in (("claims", people), ("swept", people), ("claims2", people),
                           ("swept2", people), ("restart2_claims", figures.get("restart_claims"))):
        if figures.get(done) != expected:
            raise RuntimeError(f"{done} was {figures.get(done)}, expected {expected}")
    for key in ("claim", "sweep", "claim2", "sweep2"):
        figures[f"{key}_per_s"] = round(people / float(figures[f"{key}_s"]))  # type: ignore[arg-type]
    return figures


def main(argv: list[str] | None = None) -> None:
    """Run the PostgreSQL measurements (or one sweeper child) and print the JSON line."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--sweeper"]:
        asyncio.run(sweeper(*argv[1:4]))
        return
    args = parse_args(argv, __doc__ or "")
    emit(asyncio.run(run(args.people)))


if __name__ == "__main__":
    main()
