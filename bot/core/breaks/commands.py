"""`/breaks`, `/remind`, `/pause` and `/resume`, and what they add to /progress, /settings, /stats."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core import texts
from bot.core.breaks import planner
from bot.core.breaks.nudges import Nudges
from bot.core.breaks.parse import (
    BreakSpec,
    ScheduleInputError,
    format_days,
    format_interval,
    parse_breaks_line,
    parse_clock,
    parse_days,
    parse_duration_or_until,
)
from bot.core.breaks.rules import is_overnight, upcoming_breaks
from bot.core.breaks.states import PausedReason, ScheduleKind
from bot.core.buttons import Payload, encode
from bot.core.context import CoreConfig, Turn
from bot.core.events import Choice, Reply
from bot.core.models import Schedule
from bot.core.repositories import PeopleRepository, SchedulesRepository
from bot.core.streaks import scheduled_streak
from bot.core.zone_words import zone_label

INTERVALS = (20, 30, 45, 60)
WINDOWS = {"0900-1700": (time(9), time(17)), "0800-1600": (time(8), time(16)),
           "1000-1800": (time(10), time(18)), "0830-1730": (time(8, 30), time(17, 30))}
DAY_SETS = {"wd": frozenset(range(5)), "all": frozenset(range(7))}
REMIND_FORMS = "Try /remind 07:30, /remind 7:30pm, or /remind 18:00 mon-fri. /remind off stops it."
# A next nudge further off than this (and than two intervals) gets a word on why.
FAR_OFF = timedelta(hours=1)
# How far back the break streak looks.
STREAK_LOOKBACK = timedelta(days=400)


class BreaksCommands:
    """The person-facing side of nudges and reminders."""

    def __init__(
        self,
        *,
        people: PeopleRepository,
        schedules: SchedulesRepository,
        config: CoreConfig,
        nudges: Nudges,
    ) -> None:
        self.people = people
        self.schedules = schedules
        self.config = config
        self.nudges = nudges

    def zone(self, turn: Turn) -> ZoneInfo:
        """Return the person's zone, or the default one."""
        return self.config.zone_for(turn.person)

    async def _zone_note(self, turn: Turn) -> str:
        if turn.person.timezone or turn.person.asked_timezone:
            return ""
        await self.people.note_asked_timezone(turn.person.id)
        return (f"\nI'm using {self.config.default_timezone} time for now. Tell me yours with "
                "/timezone, e.g. /timezone Europe/London, and I'll follow it.")

    async def breaks(self, turn: Turn, args: str) -> list[Reply]:
        """Set up, show, preview or switch off sit-break nudges."""
        word = args.strip().lower()
        current = await self.schedules.get(turn.person.id, ScheduleKind.BREAKS)
        if not word:
            return [self._start_guide(turn, current)]
        if word == "off":
            if await self.schedules.switch_off(turn.person.id, ScheduleKind.BREAKS):
                return [Reply("Break nudges are off. /breaks turns them back on.")]
            return [Reply("Break nudges weren't on. /breaks sets them up.")]
        if word == "preview":
            if current is None or not current.active:
                return [Reply("Break nudges are off, so there's nothing to preview. /breaks sets them up.")]
            return [Reply(self.preview(current, turn))]
        base = self._spec(current) if current is not None else None
        try:
            spec = parse_breaks_line(args, minimum=self.config.min_break_interval, base=base)
        except ScheduleInputError as exc:
            return [Reply(str(exc))]
        return [await self._save_breaks(turn, spec)]

    def _start_guide(self, turn: Turn, current: Schedule | None) -> Reply:
        status = "Break nudges are off." if current is None or not current.active else (
            f"Break nudges are on: {self.describe(current)}.")
        minimum = self.config.min_break_interval
        choices = [Choice(f"Every {m} min" + (" (recommended)" if m == 30 else ""),
                          encode("b", turn.person.id, m))
                   for m in INTERVALS if timedelta(minutes=m) >= minimum]
        choices.sort(key=lambda c: "recommended" not in c.label)
        return Reply(
            f"{status}\nBreaking up sitting every 30 minutes with a few minutes of light movement "
            "helps blood sugar and blood pressure. How often should I nudge you?\n"
            "(Or type it in one line: /breaks every 30m 09:00-17:30 mon-fri)", choices)

    async def press(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Walk the guided set-up: interval, then hours, then days."""
        owner, minutes, window, days = (payload.number(0), payload.number(1), payload.part(2),
                                        payload.part(3))
        if owner != turn.person.id:
            return [Reply(texts.NOT_YOURS, alert=True)]
        if minutes not in INTERVALS or (window and window not in WINDOWS) or (days and days not in DAY_SETS):
            return [Reply(texts.EXPIRED, alert=True)]
        if window is None:
            choices = [Choice(f"{a:%H:%M}-{b:%H:%M}", encode("b", owner, minutes, key))
                       for key, (a, b) in WINDOWS.items()]
            return [Reply("Which hours do you sit at a desk? (Other hours, e.g. "
                          f"/breaks every {minutes}m 07:00-15:00)", choices, edit=True)]
        if days is None:
            return [Reply("On which days?", [
                Choice("Monday to Friday", encode("b", owner, minutes, window, "wd")),
                Choice("Every day", encode("b", owner, minutes, window, "all"))], edit=True)]
        start, end = WINDOWS[window]
        spec = BreakSpec(timedelta(minutes=minutes), start, end, DAY_SETS[days])
        reply = await self._save_breaks(turn, spec)
        reply.edit = True
        return [reply]

    async def _save_breaks(self, turn: Turn, spec: BreakSpec) -> Reply:
        zone = self.zone(turn)
        schedule = Schedule(
            id=0, person_id=turn.person.id, kind=ScheduleKind.BREAKS, start=spec.start, end=spec.end,
            days=spec.days, zone=zone.key, every_minutes=int(spec.every.total_seconds() // 60),
        )
        schedule.next_due_at = planner.next_slot(schedule, turn.now)
        current = await self.schedules.get(turn.person.id, ScheduleKind.BREAKS)
        if current and current.active and current.paused_reason == PausedReason.USER and planner.is_paused(
                current, turn.now):
            # New hours don't lift a pause the person asked for.
            self.nudges.hold(schedule, current.paused_until or turn.now, turn.now)
        await self.schedules.save(schedule, turn.now)
        first = (f"The first comes {format_interval(spec.every)} into your window, after a "
                 "stretch of sitting, and the last as it closes.")
        return Reply(f"Break nudges on: {spec.describe()} ({zone_label(zone.key)} time). {first}\n"
                     f"{self.preview(schedule, turn)}{await self._zone_note(turn)}")

    @staticmethod
    def _spec(s: Schedule) -> BreakSpec | None:
        if s.kind != ScheduleKind.BREAKS or s.end is None or not s.every_minutes:
            return None
        return BreakSpec(timedelta(minutes=s.every_minutes), s.start, s.end, s.days)

    def describe(self, s: Schedule) -> str:
        """Return a schedule in words."""
        spec = self._spec(s)
        if spec is None:
            return f"{s.start:%H:%M}, {format_days(s.days)}"
        return spec.describe()

    def preview(self, s: Schedule, turn: Turn) -> str:
        """Return the next five nudges in the person's local time, and why when they're far off."""
        # A slot right at the end of a pause is sent, as Nudges.hold plans it.
        resumes = s.paused_until - timedelta(microseconds=1) if s.paused_until else turn.now
        slots = upcoming_breaks(planner.break_rule(s), max(turn.now, resumes), 5)
        text = "Next nudges: " + ", ".join(f"{slot:%a %H:%M}" for slot in slots)
        return text + self._why_later(s, turn, slots[0])

    def _why_later(self, s: Schedule, turn: Turn, first: datetime) -> str:
        every = timedelta(minutes=s.every_minutes or 0)
        if first - turn.now <= max(FAR_OFF, 2 * every):
            return ""
        zone = planner.zone_of(s)
        now = turn.now.astimezone(zone)
        if s.paused_until and s.paused_until > turn.now:
            return f"\nThey're paused {_until_words(s.paused_until, turn.now, zone)}."
        overnight = " overnight" if s.end and is_overnight(s.start, s.end) else ""
        return (f"\nThat's a while off: your window is {s.start:%H:%M}-{s.end:%H:%M}{overnight}, "
                f"{format_days(s.days)}, in {zone_label(zone.key)} time, and it's {now:%a %H:%M} "
                "there now. Other hours: /breaks 07:00-15:00; other days: /breaks daily; "
                "another time zone: /timezone followed by your city.")

    async def remind(self, turn: Turn, args: str) -> list[Reply]:
        """Set, show or stop the daily practice reminder."""
        words = args.strip()
        current = await self.schedules.get(turn.person.id, ScheduleKind.REMINDER)
        if not words:
            state = (f"Your reminder: {self.describe(current)}." if current and current.active
                     else "You have no practice reminder.")
            return [Reply(f"{state}\n{REMIND_FORMS}")]
        if words.lower() == "off":
            if await self.schedules.switch_off(turn.person.id, ScheduleKind.REMINDER):
                return [Reply("Practice reminder off. /remind 07:30 sets it again.")]
            return [Reply("You had no practice reminder. " + REMIND_FORMS)]
        tokens = words.split()
        split = 2 if len(tokens) > 1 and tokens[1].lower().strip(".") in ("am", "pm", "a.m", "p.m") else 1
        clock, day_text = " ".join(tokens[:split]), " ".join(tokens[split:])
        try:
            at = parse_clock(clock)
            days = parse_days(day_text) if day_text.strip() else frozenset(range(7))
        except ScheduleInputError as exc:
            return [Reply(f"{exc}\n{REMIND_FORMS}")]
        zone = self.zone(turn)
        schedule = Schedule(id=0, person_id=turn.person.id, kind=ScheduleKind.REMINDER, start=at, days=days,
                            zone=zone.key)
        schedule.next_due_at = planner.next_slot(schedule, turn.now)
        await self.schedules.save(schedule, turn.now)
        first = schedule.next_due_at.astimezone(zone)
        return [Reply(f"Practice reminder set: {at:%H:%M}, {format_days(days)} "
                      f"({zone_label(zone.key)} time). "
                      f"First one: {first:%a %d %b %H:%M}.{await self._zone_note(turn)}")]

    async def pause(self, turn: Turn, args: str) -> list[Reply]:
        """Pause nudges and reminders for a while."""
        schedules = await self.schedules.active_for(turn.person.id)
        if not schedules:
            return [Reply("You have no nudges or reminders to pause. /breaks sets them up.")]
        if not args.strip():
            return [Reply("Pause nudges and reminders for how long?", [
                Choice(label, encode("p", turn.person.id, code))
                for label, code in (("30 minutes", "30m"), ("2 hours", "2h"), ("Rest of today", "today"))
            ])]
        return [await self._pause(turn, schedules, args)]

    async def _pause(self, turn: Turn, schedules: list[Schedule], spec: str) -> Reply:
        zone = self.zone(turn)
        try:
            until = parse_duration_or_until(spec, turn.now.astimezone(zone))
        except ScheduleInputError as exc:
            return Reply(f"{exc}")
        await self.nudges.pause(schedules, until, turn.now)
        return Reply(f"Paused {_until_words(until, turn.now, zone)}. "
                     f"{self.nudges.next_one(schedules, turn.now)} /resume turns them back on sooner.")

    async def press_pause(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Handle the /pause duration buttons."""
        if payload.number(0) != turn.person.id:
            return [Reply(texts.NOT_YOURS, alert=True)]
        if payload.part(1) not in ("30m", "2h", "today"):
            return [Reply(texts.EXPIRED, alert=True)]
        schedules = await self.schedules.active_for(turn.person.id)
        reply = await self._pause(turn, schedules, payload.part(1) or "")
        reply.edit = True
        return [reply]

    async def resume(self, turn: Turn, _args: str = "") -> list[Reply]:
        """Lift a pause."""
        return [Reply(await self.nudges.resume(turn))]

    async def rezone(self, turn: Turn) -> None:
        """Move the person's schedules to their new time zone, keeping local times."""
        schedules = await self.schedules.for_person(turn.person.id)
        for s in schedules:
            s.zone = turn.person.timezone or self.config.default_timezone
            if s.active and s.next_due_at is not None:
                s.next_due_at = planner.next_slot(s, max(turn.now, s.paused_until or turn.now))
            await self.schedules.save(s, turn.now)

    async def settings_lines(self, turn: Turn) -> list[str]:
        """Describe breaks and reminder for /settings."""
        lines = []
        for kind, name in ((ScheduleKind.BREAKS, "Break nudges"),
                           (ScheduleKind.REMINDER, "Practice reminder")):
            s = await self.schedules.get(turn.person.id, kind)
            state = "off" if s is None or not s.active else self.describe(s)
            if s and s.active:
                state += self._paused_words(s, turn)
            lines.append(f"{name}: {state}")
        return lines

    async def breaks_per_day(self, turn: Turn) -> dict[date, int]:
        """Return how many breaks the person did on each local day of the last 60 days."""
        zone = self.zone(turn)
        done = await self.schedules.done_times(turn.person.id, turn.now - timedelta(days=60))
        return dict(Counter(moment.astimezone(zone).date() for moment in done))

    async def progress_lines(self, turn: Turn) -> list[str]:
        """Add breaks done this week and the break streak to /progress."""
        zone = self.zone(turn)
        today = turn.now.astimezone(zone).date()
        done = await self.schedules.done_times(turn.person.id, turn.now - STREAK_LOOKBACK)
        days_done = {moment.astimezone(zone).date() for moment in done}
        week_start = today - timedelta(days=today.weekday())
        this_week = sum(1 for moment in done if moment.astimezone(zone).date() >= week_start)
        nudged = await self.schedules.nudged_times(turn.person.id, turn.now - STREAK_LOOKBACK)
        days_nudged = {moment.astimezone(zone).date() for moment in nudged}
        streak = scheduled_streak(days_done, days_nudged, today)
        return [f"Breaks done this week: {this_week}",
                f"Break streak: {streak} day{'s' if streak != 1 else ''}"]

    def _paused_words(self, s: Schedule, turn: Turn) -> str:
        if s.paused_reason == PausedReason.IGNORED:
            return " (paused after three nudges went unanswered; /resume turns them back on)"
        if s.paused_reason == PausedReason.UNREACHABLE:
            return " (paused: I couldn't reach you; they restart when you write to me)"
        if s.paused_until and s.paused_until > turn.now:
            return f" (paused {_until_words(s.paused_until, turn.now, planner.zone_of(s))})"
        return ""

    async def stats_lines(self) -> list[str]:
        """Add nudge figures to the coach's /stats."""
        c = await self.schedules.counts()
        return [f"Nudges sent: {c.get('sent', 0)} (done {c.get('done', 0)}, snoozed "
                f"{c.get('snoozed', 0)}, skipped {c.get('skipped', 0)}, paused {c.get('paused', 0)}, "
                f"ignored {c.get('ignored', 0)}); could not be sent: {c.get('failed', 0)}",
                *([f"Nudges lost in a crash (claimed, never sent): {c['lost']}"] if c.get("lost") else [])]


def _until_words(until: datetime, now: datetime, zone: ZoneInfo) -> str:
    """Say when a pause ends as a person would: 'until 14:00', 'for the rest of today'."""
    end, today = until.astimezone(zone), now.astimezone(zone).date()
    if end.time() == time(0) and end.date() == today + timedelta(days=1):
        return "for the rest of today"
    if end.date() == today:
        return f"until {end:%H:%M}"
    if end.date() == today + timedelta(days=1):
        return f"until tomorrow at {end:%H:%M}"
    return f"until {end:%a %d %b %H:%M}"
