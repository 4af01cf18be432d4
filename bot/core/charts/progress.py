"""The `/progress` chart: sessions per week, the level over time, and breaks per day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.charts.common import (
    ACCENT,
    CALM,
    INK,
    MUTED,
    PAPER,
    new_figure,
    style,
    to_png,
    week_start,
    weeks_ending,
)

SESSION_WEEKS = 12
BREAK_WEEKS = 8
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class SessionPoint:
    """One completed session: its local day, its level (0 = most support) and intensity."""

    day: date
    level: int
    intensity: int | None


@dataclass(frozen=True)
class ProgressData:
    """What the chart shows for one person, already in their time zone."""

    today: date
    levels: list[str]
    sessions: list[SessionPoint] = field(default_factory=list)
    breaks: dict[date, int] = field(default_factory=dict)


def _sessions_per_week(data: ProgressData) -> tuple[list[date], list[int]]:
    weeks = weeks_ending(data.today, SESSION_WEEKS)
    counts = Counter(week_start(point.day) for point in data.sessions)
    return weeks, [counts.get(week, 0) for week in weeks]


def summary(data: ProgressData) -> str:
    """Describe the chart in words, for screen readers and the console."""
    weeks, counts = _sessions_per_week(data)
    recent = sum(counts)
    parts = [f"Chart: {recent} session{'s' if recent != 1 else ''} in the last {SESSION_WEEKS} weeks"]
    if recent:
        parts[-1] += f" (most in one week: {max(counts)})"
    if data.sessions:
        ordered = sorted(data.sessions, key=lambda point: point.day)
        first, last = data.levels[ordered[0].level], data.levels[ordered[-1].level]
        rated = [p.intensity for p in ordered[-5:] if p.intensity is not None]
        parts.append(f"level {first} at first, {last} lately" if first != last else f"level {last}")
        if rated:
            parts.append(f"recent intensity about {sum(rated) / len(rated):.0f}/10")
    since = data.today - timedelta(weeks=BREAK_WEEKS)
    breaks = sum(n for day, n in data.breaks.items() if day > since)
    parts.append(f"{breaks} break{'s' if breaks != 1 else ''} done in the last {BREAK_WEEKS} weeks")
    return "; ".join(parts) + "."


def render(data: ProgressData) -> bytes:
    """Draw the chart and return it as a 1000x600 PNG."""
    figure = new_figure()
    grid = figure.add_gridspec(2, 2, width_ratios=(1.25, 1), height_ratios=(1, 1.05),
                               left=0.13, right=0.97, top=0.92, bottom=0.09, hspace=0.55, wspace=0.3)
    _draw_weeks(figure.add_subplot(grid[0, 0]), data)
    _draw_breaks(figure, figure.add_subplot(grid[0, 1]), data)
    _draw_levels(figure, figure.add_subplot(grid[1, :]), data)
    return to_png(figure)


def _draw_weeks(axes: object, data: ProgressData) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(axes, Axes)  # noqa: S101 - made just above
    style(axes, "Sessions per week")
    weeks, counts = _sessions_per_week(data)
    axes.bar(range(len(weeks)), counts, color=CALM, width=0.7)
    axes.set_xticks(range(0, len(weeks), 3), [weeks[i].strftime("%d %b") for i in range(0, len(weeks), 3)])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    axes.set_ylim(0, max(3, max(counts) + 1))


def _draw_breaks(figure: object, axes: object, data: ProgressData) -> None:
    from matplotlib.axes import Axes

    assert isinstance(axes, Axes)  # noqa: S101 - made just above
    style(axes, f"Breaks, last {BREAK_WEEKS} weeks")
    weeks = weeks_ending(data.today, BREAK_WEEKS)
    grid = [[data.breaks.get(week + timedelta(days=weekday), 0) for week in weeks]
            for weekday in range(7)]
    peak = max(3, max(max(row) for row in grid))
    axes.imshow(grid, cmap="Greens", vmin=0, vmax=peak, aspect="auto")
    for weekday in range(7):
        for column, week in enumerate(weeks):
            if week + timedelta(days=weekday) > data.today:
                axes.add_patch(_blank(column, weekday))
    axes.set_yticks(range(7), [WEEKDAYS[i] if i % 2 == 0 else "" for i in range(7)])
    axes.set_xticks([0, len(weeks) - 1], [weeks[0].strftime("%d %b"), "this week"])
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def _blank(column: int, row: int) -> object:
    from matplotlib.patches import Rectangle

    return Rectangle((column - 0.5, row - 0.5), 1, 1, facecolor=PAPER, edgecolor=PAPER)


def _draw_levels(figure: object, axes: object, data: ProgressData) -> None:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    assert isinstance(axes, Axes) and isinstance(figure, Figure)  # noqa: S101 - made just above
    style(axes, "Your level over time (dots: how strong it felt, 0-10)")
    axes.set_yticks(range(len(data.levels)), data.levels)
    axes.set_ylim(len(data.levels) - 0.5, -0.5)
    axes.grid(axis="y", color=MUTED, alpha=0.25)
    if not data.sessions:
        axes.text(0.5, 0.5, "No sessions yet: type /hero to start", transform=axes.transAxes,
                  ha="center", va="center", fontsize=16, color=INK)
        axes.set_xticks([])
        return
    ordered = sorted(data.sessions, key=lambda point: point.day)
    days = [point.day for point in ordered]
    levels = [point.level for point in ordered]
    axes.step(days, levels, where="post", color=INK, linewidth=2.2, alpha=0.8)
    rated = [p for p in ordered if p.intensity is not None]
    dots = axes.scatter([p.day for p in rated], [p.level for p in rated],
                        c=[p.intensity for p in rated], cmap="YlOrRd", vmin=0, vmax=10, s=90,
                        edgecolors=INK, linewidths=0.8, zorder=3)
    unrated = [p for p in ordered if p.intensity is None]
    axes.scatter([p.day for p in unrated], [p.level for p in unrated], s=60, color=PAPER,
                 edgecolors=ACCENT, zorder=3)
    colorbar = figure.colorbar(dots, ax=axes, pad=0.01, aspect=12)
    colorbar.ax.tick_params(labelsize=12)
    # At least two weeks wide, so one session reads as a day on a calendar, not hours.
    pad = timedelta(days=max(2, (days[-1] - days[0]).days // 30))
    axes.set_xlim(min(days[0], days[-1] - timedelta(days=14)) - pad, days[-1] + pad)
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=7)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
