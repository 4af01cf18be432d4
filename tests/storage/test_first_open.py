"""Several processes opening one new database at once all start; the schema is built once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.storage.db import discover_migrations

OPEN = (
    "import asyncio, sys\n"
    "from bot.storage.store import Store\n"
    "async def main():\n"
    "    store = await Store.open(sys.argv[1])\n"
    "    await store.close()\n"
    "asyncio.run(main())\n"
)


def test_four_processes_open_a_new_database_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    processes = [subprocess.Popen([sys.executable, "-c", OPEN, url], stderr=subprocess.PIPE,
                                  text=True) for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert all(code == 0 for code, _ in results), results
    with sqlite3.connect(tmp_path / "new.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(discover_migrations())
        assert db.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 0
