"""The core counts through its Metrics port: it imports no metrics library, platform SDK or driver."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "bot" / "core"
FORBIDDEN = {"prometheus_client", "discord", "telegram", "aiosqlite", "asyncpg", "aiohttp", "bot.metrics"}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_bot_core_imports_no_metrics_library_sdk_or_driver() -> None:
    offenders = {
        f"{path.relative_to(CORE)}: {name}"
        for path in CORE.rglob("*.py") for name in imported(path)
        if any(name == banned or name.startswith(f"{banned}.") for banned in FORBIDDEN)
    }
    assert not offenders
    assert len(list(CORE.rglob("*.py"))) > 30  # the walk really saw the core
