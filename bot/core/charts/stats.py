"""The coach's `/stats` chart: active people and sessions per week, questions by outcome."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from bot.core.charts.common import ACCENT, CALM, INK, new_figure, style, to_png, week_start, weeks_ending

WEEKS = 12
# Outcomes in words a coach would use; an outcome not listed shows under its own name.
OUTCOME_WORDS = {
    "answer": "answered from the FAQ",
    "suggest": "did you mean",
    "escalate": "passed to you",
    "safety": "safety answer",
}


@dataclass(frozen=True)
class StatsData:
    """Everyone's activity: (person, local day) pairs for sessions and questions, and outcomes."""

    today: date
    sessions: list[tuple[int, date]] = field(default_factory=list)
    questions: list[tuple[int, date]] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)


def weekly(data: StatsData) -> tuple[list[date], list[int], list[int]]:
    """Return the weeks, active people per week and sessions per week."""
    weeks = weeks_ending(data.today, WEEKS)
    people: defaultdict[date, set[int]] = defaultdict(set)
    sessions: defaultdict[date, int] = defaultdict(int)
    for person, day in data.sessions:
        people[week_start(day)].add(person)
        sessions[week_start(day)] += 1
    for person, day in data.questions:
        people[week_start(day)].add(person)
    return weeks, [len(people[week]) for week in weeks], [sessions[week] for week in weeks]


def summary(data: StatsData) -> str:
    """Describe the chart in words."""
    _, active, sessions = weekly(data)
    return (f"Chart: {active[-1]} active people this week ({max(active)} at most in the last {WEEKS} "
            f"weeks), {sessions[-1]} sessions this week, {sum(data.outcomes.values())} questions "
            "by outcome.")


def render(data: StatsData) -> bytes:
    """Draw the chart and return it as a 1000x600 PNG."""
    from matplotlib.ticker import MaxNLocator

    figure = new_figure()
    grid = figure.add_gridspec(1, 2, width_ratios=(1.5, 1), left=0.07, right=0.97, top=0.88,
                               bottom=0.12, wspace=0.55)
    weeks, active, sessions = weekly(data)
    left = figure.add_subplot(grid[0, 0])
    style(left, f"Per week, last {WEEKS} weeks")
    positions = range(len(weeks))
    left.bar(positions, sessions, color=CALM, width=0.7, label="sessions")
    left.plot(positions, active, color=ACCENT, linewidth=3, marker="o", label="active people")
    left.set_xticks(range(0, len(weeks), 3), [weeks[i].strftime("%d %b") for i in range(0, len(weeks), 3)])
    left.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    left.set_ylim(0, max(3, *sessions, *active) * 1.15)
    left.legend(fontsize=13, frameon=False, loc="upper left")
    right = figure.add_subplot(grid[0, 1])
    style(right, "Questions by outcome")
    names = sorted(data.outcomes, key=lambda name: -data.outcomes[name])
    counts = [data.outcomes[name] for name in names]
    bars = right.barh(range(len(names)), counts, color=CALM)
    right.bar_label(bars, padding=4, fontsize=13, color=INK)
    right.set_yticks(range(len(names)), [OUTCOME_WORDS.get(n, n.replace("_", " ")) for n in names])
    right.invert_yaxis()
    right.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    if not names:
        right.text(0.5, 0.5, "no questions yet", transform=right.transAxes, ha="center",
                   fontsize=15, color=INK)
    return to_png(figure)
