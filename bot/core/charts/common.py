"""What every chart shares: a phone-sized figure, large type, and PNG bytes rendered in memory.

matplotlib is imported inside these functions, so start-up and memory pay for it only once a
chart is drawn. Figures are made with `matplotlib.figure.Figure` (never pyplot), which keeps no
global state, so charts can be drawn in worker threads; saving as PNG uses the Agg renderer.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX = 1000, 600
DPI = 100
INK = "#2f3b4c"
MUTED = "#8a94a3"
ACCENT = "#d2553f"
CALM = "#5f8fa6"
PAPER = "#fbf8f3"


def new_figure() -> Figure:
    """Return an empty 1000x600 figure styled for reading on a phone."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=PAPER)
    return figure


def style(axes: object, title: str) -> None:
    """Give one panel a large title, large tick labels and no chart junk."""
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)  # noqa: S101 - only called with axes made here
    axes.set_title(title, fontsize=17, color=INK, loc="left", fontweight="bold")
    axes.set_facecolor(PAPER)
    axes.tick_params(labelsize=13, colors=INK)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)


def to_png(figure: Figure) -> bytes:
    """Render a figure to PNG bytes of exactly WIDTH_PX x HEIGHT_PX (nothing touches the disk)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=figure.get_facecolor())
    return buffer.getvalue()


def week_start(day: date) -> date:
    """Return the Monday of the week a day is in."""
    return day - timedelta(days=day.weekday())


def weeks_ending(today: date, count: int) -> list[date]:
    """Return the Mondays of the last `count` weeks, oldest first, this week last."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
