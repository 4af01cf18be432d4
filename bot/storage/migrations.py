"""Numbered migrations shared by both backends, with PostgreSQL twins where the SQL differs.

Layout: `migrations/NNNN_name.sql` is the SQLite file (portable SQL where possible);
`migrations/postgresql/NNNN_name.sql`, when present, replaces it on PostgreSQL. A number
with no twin runs its shared file on PostgreSQL too, so a portable migration needs no copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
POSTGRES_FOLDER = "postgresql"


class MigrationError(RuntimeError):
    """A migration file is misnamed, out of sequence, or failed to apply."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file from `migrations/`."""

    version: int
    path: Path


def default_migrations_dir() -> Path:
    """Return the `migrations/` folder shipped beside the `bot` package."""
    return Path(__file__).resolve().parents[2] / "migrations"


def _numbered(folder: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migrations are named NNNN_description.sql")
        found[int(match.group(1))] = path
    return found


def discover_migrations(folder: Path | None = None, dialect: str = "sqlite") -> list[Migration]:
    """List the migrations in order for one dialect, checking they are numbered 1, 2, 3 … with no gaps."""
    folder = folder or default_migrations_dir()
    shared = _numbered(folder)
    for expected, version in enumerate(sorted(shared), start=1):
        if version != expected:
            raise MigrationError(f"{shared[version].name}: expected migration number {expected:04d}")
    twins_folder = folder / POSTGRES_FOLDER
    twins = _numbered(twins_folder) if dialect == "postgresql" and twins_folder.is_dir() else {}
    for version, path in twins.items():
        if version not in shared:
            raise MigrationError(f"{POSTGRES_FOLDER}/{path.name}: no shared migration {version:04d}")
    return [Migration(v, twins.get(v, shared[v])) for v in sorted(shared)]
