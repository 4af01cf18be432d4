"""Send what the sweep claimed, and handle Done / Snooze / Skip / Pause today."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.content.loader import Content
from bot.core import texts
from bot.core.breaks import planner
from bot.core.breaks.parse import parse_duration_or_until
from bot.core.breaks.states import RESPONSES, NudgeAction, NudgeKind, NudgeStatus, PausedReason
from bot.core.buttons import Payload, encode
from bot.core.context import Turn
from bot.core.events import Choice, DeliveryStatus, Identity, Outbound, Reply
from bot.core.models import Claim, Schedule, Timer
from bot.core.ports import Clock, Delivery, Metrics, NoMetrics, Wakeup
from bot.core.repositories import HeroRepository, PeopleRepository, SchedulesRepository, TimersRepository

log = logging.getLogger(__name__)

SNOOZE = timedelta(minutes=10)
SNOOZE_TIMER = "snooze"
CONCURRENT_SENDS = 64
# The most slots one commit claims: a crash loses at most this many nudges.
BATCH = 200
# A claim still unsent after this long belongs to a process that died (a batch sends in seconds).
LOST_AFTER = timedelta(minutes=10)
# A break nudge (or the practice reminder) due while the person is in a /hero session is
# skipped: they are moving already, and its buttons would only get in the way of the
# session's. A session left open for longer than this no longer counts as in progress.
HERO_IN_PROGRESS = timedelta(hours=1)
# Not a status that is stored: a claim the bot could not send (stopping, or the platform
# unreachable) is released instead of recorded.
NOT_SENT = "not sent"


class Nudges:
    """The sending half of breaks and reminders."""

    def __init__(
        self,
        *,
        schedules: SchedulesRepository,
        hero: HeroRepository,
        timers: TimersRepository,
        people: PeopleRepository,
        clock: Clock,
        delivery: Delivery,
        wakeup: Wakeup,
        content: Content,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or NoMetrics()
        self.schedules = schedules
        self.hero = hero
        self.timers = timers
        self.people = people
        self.clock = clock
        self.delivery = delivery
        self.wakeup = wakeup
        self.content = content
        self.movement_ids = tuple(m.id for m in content.movements)
        self.movements = {m.id: m for m in content.movements}

    async def sweep(self) -> int:
        """Claim a batch of due slots, send it, record the outcomes, repeat; return how many were claimed.

        Each batch is committed before anything in it is sent, so a crash loses at most the
        batch in flight, and a second process never sends a slot this one claimed.
        """
        now = self.clock.now()
        plan = partial(planner.plan, movement_ids=self.movement_ids)
        gate = asyncio.Semaphore(CONCURRENT_SENDS)

        async def deliver(claim: Claim, busy: set[int]) -> tuple[str, int]:
            if claim.kind != NudgeKind.NOTE and claim.person_id in busy:
                return NudgeStatus.HELD, claim.nudge_id
            async with gate:
                return await self._deliver(claim), claim.nudge_id

        total = 0
        while True:
            claims, seen = await self.schedules.claim_batch(now, plan, BATCH)
            if claims:
                self.metrics.nudges_claimed(len(claims))
                # One query per batch, not one per nudge: who is in a /hero session right now.
                busy = await self.hero.in_session(
                    {claim.person_id for claim in claims}, now - HERO_IN_PROGRESS)
                outcomes = await asyncio.gather(*(deliver(claim, busy) for claim in claims))
                # Not sent (the bot is stopping, or the platform is unreachable): released,
                # so a later sweep (after the restart) sends them; this sweep claims no more.
                unsent = {nudge_id for outcome, nudge_id in outcomes if outcome == NOT_SENT}
                await self.schedules.release([c for c in claims if c.nudge_id in unsent])
                outcomes = [(outcome, nudge_id) for outcome, nudge_id in outcomes
                            if outcome != NOT_SENT]
                await self.schedules.record_outcomes(outcomes)
                self.metrics.nudges_released(len(unsent))
                for outcome, nudge_id in outcomes:
                    self.metrics.nudge_outcome(outcome)
                    if outcome == NudgeStatus.HELD:
                        # Not ignored: the person is busy with the bot, so the quiet streak restarts.
                        await self.schedules.respond(nudge_id, NudgeStatus.HELD, now)
                total += len(claims)
                if unsent:
                    return total
            if seen < BATCH:
                return total

    async def mark_lost(self) -> int:
        """At start-up, mark claims a dead process never sent as lost: they are never resent."""
        lost = await self.schedules.mark_lost(self.clock.now() - LOST_AFTER)
        self.metrics.nudges_lost(lost)
        if lost:
            log.warning("%d nudge(s) were claimed by a process that stopped before sending them; "
                        "marked lost", lost)
        return lost

    async def _deliver(self, claim: Claim) -> str:
        message = self.compose(claim.nudge_id, claim.kind, claim.movement_id)
        try:
            result = await self.delivery.send(Outbound(
                to=claim.identity, chat_id=claim.chat_id, text=message.text, choices=message.choices))
        except Exception:
            log.exception("nudge %s failed", claim.nudge_id)
            return NudgeStatus.FAILED
        if result.status is DeliveryStatus.UNREACHABLE:
            return NudgeStatus.UNREACHABLE
        if result.status is DeliveryStatus.NOT_SENT:
            return NOT_SENT
        return NudgeStatus.SENT if result.ok else NudgeStatus.FAILED

    def _buttons(self, nudge_id: int, kind: str) -> list[Choice]:
        def button(label: str, action: str) -> Choice:
            return Choice(label, encode("n", nudge_id, action))

        if kind == NudgeKind.NOTE:
            return [button("Resume nudges", NudgeAction.RESUME)]
        if kind == NudgeKind.REMINDER:
            return [Choice("Start session", encode("h", "new")),
                    button("Snooze 10 min", NudgeAction.SNOOZE), button("Skip today", NudgeAction.SKIP)]
        return [button("Done", NudgeAction.DONE), button("Snooze 10 min", NudgeAction.SNOOZE),
                button("Skip", NudgeAction.SKIP), button("Pause today", NudgeAction.PAUSE)]

    def compose(self, nudge_id: int, kind: str, movement_id: str | None) -> Reply:
        """Return the message for one nudge."""
        movement = self.movements.get(movement_id or "")
        move = movement.text if movement else "Stand up, walk around and roll your shoulders."
        if kind == NudgeKind.NOTE:
            text = ("I've sent you three break nudges without hearing back, so I'll stop for now "
                    "rather than pester you. Tap Resume (or type /resume) when you want them again.")
        elif kind == NudgeKind.REMINDER:
            text = ("Time for today's Hero pose practice: about five gentle minutes. "
                    "Grab a cushion or a block and tap Start when you're ready.")
        elif kind == NudgeKind.CATCHUP:
            text = f"I was offline for a while and missed a few break nudges. Quick break now?\n{move}"
        else:
            text = f"Time to get up for a couple of minutes.\n{move}"
        return Reply(text, self._buttons(nudge_id, kind))

    async def press(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Handle a nudge button."""
        nudge_id, action = payload.number(0), payload.part(1)
        nudge = await self.schedules.nudge(nudge_id) if nudge_id else None
        if nudge is None or action not in (*RESPONSES, NudgeAction.RESUME):
            return [Reply(texts.EXPIRED, alert=True)]
        if nudge.person_id != turn.person.id:
            return [Reply(texts.NOT_YOURS, alert=True)]
        schedule = next((s for s in await self.schedules.for_person(turn.person.id)
                         if s.id == nudge.schedule_id), None)
        if schedule is None or not schedule.active:
            return [Reply("Those nudges are switched off. /breaks or /remind turns them on.", alert=True)]
        if action == NudgeAction.RESUME:
            return [Reply(await self.resume(turn), edit=True)]
        if not await self.schedules.respond(nudge.id, RESPONSES[NudgeAction(action)], turn.now):
            return [Reply("Already noted, thanks!", alert=True)]
        if schedule.paused_reason == PausedReason.IGNORED and action != NudgeAction.PAUSE:
            await self.resume(turn)
        if action == NudgeAction.DONE:
            return [Reply("Nice one! Break logged. /progress shows your week.", edit=True)]
        if action == NudgeAction.SKIP:
            return [Reply("Skipped this one. See you at the next break.", edit=True)]
        if action == NudgeAction.SNOOZE:
            due = turn.now + SNOOZE
            await self.timers.add(turn.person.id, SNOOZE_TIMER, nudge.id, due)
            self.wakeup.wake_at(due)
            local = due.astimezone(planner.zone_of(schedule))
            return [Reply(f"Snoozed: I'll nudge you again at {local:%H:%M}. "
                          "Your regular schedule stays as it is.", edit=True)]
        until = parse_duration_or_until("today", turn.now.astimezone(planner.zone_of(schedule)))
        await self.pause([schedule], until, turn.now)
        return [Reply("Paused for the rest of today. Back tomorrow in your usual hours.", edit=True)]

    async def on_snooze(self, timer: Timer) -> None:
        """Send a snoozed nudge once more; the regular schedule was never moved."""
        original = await self.schedules.nudge(timer.ref or 0)
        person = await self.people.get(timer.person_id)
        if original is None or person is None or self.clock.now() - timer.due_at > planner.GRACE:
            return
        schedule = next((s for s in await self.schedules.for_person(person.id)
                         if s.id == original.schedule_id), None)
        if schedule is None or not schedule.active or planner.is_paused(schedule, self.clock.now()):
            # Any pause (the person's, after three ignored nudges, or an unreachable chat)
            # or switching nudges off cancels a snooze still waiting.
            return
        kind = NudgeKind.REMINDER if original.kind == NudgeKind.REMINDER else NudgeKind.BREAK
        nudge_id = await self.schedules.add_nudge(
            original.schedule_id, person.id, kind, timer.due_at, self.clock.now(),
            original.movement_id)
        if nudge_id is None:
            return
        message = self.compose(nudge_id, kind, original.movement_id)
        result = await self.delivery.send(Outbound(
            to=person.identity, chat_id=person.chat_id, text=message.text, choices=message.choices))
        status = NudgeStatus.UNREACHABLE if result.status is DeliveryStatus.UNREACHABLE else (
            NudgeStatus.SENT if result.ok else NudgeStatus.FAILED)
        await self.schedules.record_outcomes([(status, nudge_id)])
        self.metrics.nudge_outcome(status)

    async def pause(self, schedules: list[Schedule], until: datetime, now: datetime) -> None:
        """Pause schedules until a moment; the next slot after it is when they resume."""
        for s in schedules:
            self.hold(s, until, now)
        await self.schedules.update_state(schedules)

    @staticmethod
    def hold(s: Schedule, until: datetime, now: datetime) -> None:
        """Mark one schedule paused by the person until a moment (not yet stored)."""
        s.paused_until, s.paused_reason = until.astimezone(UTC), PausedReason.USER
        # A slot exactly at the end of the pause still counts: "until 12:00" includes 12:00.
        s.next_due_at = planner.next_slot(s, max(until - timedelta(microseconds=1), now))

    async def resume(self, turn: Turn) -> str:
        """Lift any pause; each schedule continues from its next slot after now."""
        schedules = await self.schedules.active_for(turn.person.id)
        if not schedules:
            return "You have no nudges or reminders set. /breaks or /remind sets them up."
        if not any(s.next_due_at is None or planner.is_paused(s, turn.now) for s in schedules):
            return f"Nothing was paused: your nudges are on. {self.next_one(schedules, turn.now)}"
        for s in schedules:
            s.paused_until, s.paused_reason, s.ignored_streak = None, None, 0
            s.next_due_at = planner.next_slot(s, turn.now)
        await self.schedules.update_state(schedules)
        return f"Nudges are back on. {self.next_one(schedules, turn.now)}"

    @staticmethod
    def next_one(schedules: list[Schedule], now: datetime) -> str:
        """Return when the first of these schedules sends next, in the person's time."""
        due = [(s.next_due_at, s) for s in schedules if s.next_due_at is not None]
        if not due:
            return ""
        when, first = min(due, key=lambda pair: pair[0])
        zone = planner.zone_of(first)
        local, today = when.astimezone(zone), now.astimezone(zone).date()
        if local.date() == today:
            return f"Next one: today at {local:%H:%M}."
        if local.date() == today + timedelta(days=1):
            return f"Next one: tomorrow at {local:%H:%M}."
        return f"Next one: {local:%a %d %b %H:%M}."

    async def unreachable(self, identity: Identity, detail: str) -> None:
        """Pause everything for a person the platform says we can't reach; never retry."""
        person = await self.people.find(identity)
        if person is None:
            return
        await self.people.set_unreachable(person.id, self.clock.now())
        schedules = await self.schedules.active_for(person.id)
        for s in schedules:
            s.next_due_at, s.paused_reason = None, PausedReason.UNREACHABLE
        await self.schedules.update_state(schedules)
        log.info("paused %d schedule(s) for %s: %s", len(schedules), identity.key, detail)

    async def welcome_back(self, turn: Turn) -> list[Reply]:
        """Resume schedules paused because the person was unreachable, now that they wrote."""
        if turn.person.unreachable_at is None:
            return []
        await self.people.set_unreachable(turn.person.id, None)
        schedules = await self.schedules.active_for(turn.person.id)
        if not any(s.paused_reason == PausedReason.UNREACHABLE for s in schedules):
            return []
        return [Reply(f"Welcome back! {await self.resume(turn)}")]

