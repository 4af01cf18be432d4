"""`/progress`: the level, the sessions, the streak and the last few sessions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.content.loader import Content
from bot.core.charts import draw
from bot.core.charts import progress as chart
from bot.core.context import Turn
from bot.core.events import Image, Reply
from bot.core.hero import rules
from bot.core.hero.steps import Ending, Step
from bot.core.repositories import HeroRepository
from bot.core.streaks import day_streak

SHOWN_SESSIONS = 5
# How each way a session ended reads in /progress.
OUTCOME_WORDS = {Ending.COMPLETED: "completed", Ending.STOPPED: "stopped early",
                 Ending.ABANDONED: "left unfinished", Ending.SAFETY_STOP: "stopped for safety"}


class Progress:
    """Summarise a person's practice."""

    def __init__(self, *, hero: HeroRepository, content: Content) -> None:
        self.hero = hero
        self.content = content

    async def summary(self, turn: Turn, zone: ZoneInfo, extra: list[str],
                      breaks: dict[date, int] | None = None) -> list[Reply]:
        """Return the `/progress` message, with a chart once there is something to chart."""
        hero, content = self.hero, self.content
        state = await hero.state(turn.person.id, rules.FIRST_LEVEL)
        completed = await hero.completed_times(turn.person.id)
        local_days = {moment.astimezone(zone).date() for moment in completed}
        streak = day_streak(local_days, turn.now.astimezone(zone).date())
        lines = [
            f"Your next /hero starts at: {content.level(state.level).name}",
            f"Sessions completed: {len(completed)}",
            f"Practice streak: {streak} day{'s' if streak != 1 else ''}",
            *extra,
        ]
        # A session that ended at the safety check (a stop, a flag, or never answered) had no
        # practice in it, so it isn't listed.
        history = [session for session in await hero.history(turn.person.id, limit=50)
                   if session.outcome in OUTCOME_WORDS and session.step != Step.SAFETY]
        history = history[:SHOWN_SESSIONS]
        if history:
            lines.append("\nLast sessions:")
            for session in history:
                lines.append(self._line(session.started_at, zone, content.level(session.level).name,
                                        session.intensity, OUTCOME_WORDS[session.outcome or ""]))
        else:
            lines.append("\nNo sessions yet. Type /hero to start your first one.")
        data = await self._chart_data(turn, zone, breaks or {})
        if not data.sessions and not data.breaks:
            return [Reply("\n".join(lines))]
        words = chart.summary(data)
        png = await draw(chart.render, data)
        lines.append(f"\n{words}")
        return [Reply("\n".join(lines), image=Image("progress.png", words, data=png))]

    async def _chart_data(self, turn: Turn, zone: ZoneInfo, breaks: dict[date, int]) -> chart.ProgressData:
        levels = self.content.progression.levels
        index = {level.id: n for n, level in enumerate(levels)}
        # Short names keep the axis readable: "Prep: kneeling" -> "Prep", "Reclined (optional)" -> "Reclined".
        names = [level.name.split(":")[0].split(" (")[0] for level in levels]
        points = [
            chart.SessionPoint((s.ended_at or s.started_at).astimezone(zone).date(),
                               index.get(s.level, 0), s.intensity)
            for s in await self.hero.completed(turn.person.id)
        ]
        return chart.ProgressData(turn.now.astimezone(zone).date(), names, points, breaks)

    @staticmethod
    def _line(when: datetime, zone: ZoneInfo, level: str, intensity: int | None, outcome: str) -> str:
        local = when.astimezone(zone).strftime("%a %d %b")
        felt = f", intensity {intensity}/10" if intensity is not None else ""
        return f"- {local}: {level}{felt} ({outcome})"
