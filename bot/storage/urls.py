"""Read DATABASE_URL: which backend, and where; refuse a URL the bot can't use, in one line."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
EXAMPLES = "use sqlite:///herocoach.db or postgresql://user:password@host:5432/dbname"


@dataclass(frozen=True)
class DatabaseUrl:
    """A usable DATABASE_URL: the backend and its target (a file path or a server DSN)."""

    backend: str
    target: str


def parse_database_url(url: str) -> DatabaseUrl:
    """Return the backend and target of a DATABASE_URL, or raise ValueError saying what to write."""
    url = url.strip()
    if url in ("", ":memory:") or url.startswith(("sqlite:///:memory:", "sqlite://:memory:")):
        raise ValueError(
            f"DATABASE_URL '{url}' is an in-memory database, which loses everything on restart "
            f"and can't be shared with the sweep; {EXAMPLES}")
    if "://" not in url:
        return DatabaseUrl(SQLITE, url)  # a bare file path
    scheme = url.split("://", 1)[0].lower()
    if scheme == SQLITE:
        if not url.startswith("sqlite:///") or not url.removeprefix("sqlite:///"):
            raise ValueError(f"DATABASE_URL '{url}' names no file; {EXAMPLES}")
        return DatabaseUrl(SQLITE, url.removeprefix("sqlite:///"))
    if scheme in ("postgresql", "postgres"):
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            raise ValueError(f"DATABASE_URL needs a host and a database name; {EXAMPLES}")
        return DatabaseUrl(POSTGRESQL, url)
    raise ValueError(f"DATABASE_URL scheme '{scheme}' is not supported; {EXAMPLES}")
