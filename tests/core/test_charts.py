"""Charts render to valid 1000x600 PNGs for no sessions, one, and 200 over a year."""

from __future__ import annotations

import asyncio
import io
import random
import sys
from datetime import date, timedelta

import pytest
from PIL import Image as PillowImage

from bot.core.charts import draw, progress, stats

TODAY = date(2026, 11, 30)
LEVELS = ["Prep", "High seat", "Medium seat", "Low seat", "Floor", "Reclined"]


def a_year_of_practice() -> progress.ProgressData:
    rng = random.Random(7)
    sessions = [
        progress.SessionPoint(TODAY - timedelta(days=365 - n * 365 // 200), min(4, 1 + n // 50),
                              rng.choice([None, *range(11)]))
        for n in range(200)
    ]
    breaks = {TODAY - timedelta(days=n): rng.randint(0, 9) for n in range(60)}
    return progress.ProgressData(TODAY, LEVELS, sessions, breaks)


def assert_png(data: bytes) -> None:
    with PillowImage.open(io.BytesIO(data)) as image:
        image.verify()
    with PillowImage.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (1000, 600))


@pytest.mark.parametrize("data", [
    progress.ProgressData(TODAY, LEVELS),
    progress.ProgressData(TODAY, LEVELS, [progress.SessionPoint(TODAY, 1, 5)], {TODAY: 2}),
    a_year_of_practice(),
], ids=["no sessions", "one session", "200 over a year"])
def test_progress_chart_is_a_1000x600_png(data: progress.ProgressData) -> None:
    assert_png(progress.render(data))


def test_progress_summary_says_what_the_chart_shows() -> None:
    assert progress.summary(progress.ProgressData(TODAY, LEVELS)) == (
        "Chart: 0 sessions in the last 12 weeks; 0 breaks done in the last 8 weeks.")
    data = a_year_of_practice()
    first_monday = TODAY - timedelta(days=TODAY.weekday(), weeks=11)
    recent = sum(1 for point in data.sessions if point.day >= first_monday)
    words = progress.summary(data)
    assert words.startswith(f"Chart: {recent} sessions in the last 12 weeks (most in one week: 4);")
    assert "level High seat at first, Floor lately" in words


@pytest.mark.parametrize("data", [
    stats.StatsData(TODAY),
    stats.StatsData(TODAY, [(1, TODAY)], [(2, TODAY - timedelta(days=9))], {"answer": 3, "urgent": 1}),
], ids=["nothing yet", "some activity"])
def test_stats_chart_is_a_1000x600_png(data: stats.StatsData) -> None:
    assert_png(stats.render(data))


def test_stats_counts_active_people_per_week() -> None:
    data = stats.StatsData(TODAY, [(1, TODAY), (1, TODAY), (2, TODAY - timedelta(days=7))],
                           [(3, TODAY), (1, TODAY)])
    weeks, active, sessions = stats.weekly(data)
    assert weeks[-1] == TODAY and (active[-2:], sessions[-2:]) == ([1, 2], [1, 2])


async def test_charts_are_drawn_off_the_event_loop() -> None:
    loop_thread = []

    def render(data: int) -> bytes:
        import threading

        loop_thread.append(threading.current_thread() is threading.main_thread())
        return progress.render(progress.ProgressData(TODAY, LEVELS))

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    assert_png(await draw(render, 0))
    task.cancel()
    assert loop_thread == [False] and ticks > 1  # the loop kept running while it drew


def test_matplotlib_is_not_imported_until_a_chart_is_drawn() -> None:
    import subprocess

    code = ("import sys, bot.app, bot.core.charts.progress, bot.core.charts.stats; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
