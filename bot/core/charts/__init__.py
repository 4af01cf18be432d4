"""Charts drawn in a worker thread, never on the event loop, and only ever kept in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def draw(render: Callable[[T], bytes], data: T) -> bytes:
    """Render a chart in a worker thread and return its PNG bytes."""
    return await asyncio.to_thread(render, data)
