"""A throwaway PostgreSQL server from Debian's binaries: initdb + pg_ctl on a temp dir and a free port."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("HEROCOACH_PG_BIN", "/usr/lib/postgresql/15/bin"))
# Durability is not what the tests measure: these make a test server start and write fast.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries are missing or the server would not start."""


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise PostgresUnavailable(
                f"no PostgreSQL binaries in {PG_BIN}: apt-get install postgresql "
                "(or set HEROCOACH_PG_BIN)")
        self.root = Path(tempfile.mkdtemp(prefix="herocoach-pg-"))
        self.port = free_port()
        self._names = itertools.count(1)
        # initdb refuses to run as root, so as root the cluster belongs to the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {done.stderr.strip()[-600:]}")

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; return self."""
        data = self.root / "data"
        self._run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {FAST}"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        """Return the DATABASE_URL of one database on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """Create an empty database and return its URL."""
        name = f"{prefix}{os.getpid()}_{next(self._names)}"
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "-T", "template0", name)
        return self.url(name)

    async def reset(self, url: str) -> str:
        """Empty a database by recreating its schema (faster than a new database); return its URL."""
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()
        return url

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w",
                      "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
