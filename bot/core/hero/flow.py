"""The guided `/hero` session: one step per message, buttons to move on or get out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.content.loader import Content
from bot.content.schema import Level
from bot.core import texts
from bot.core.buttons import Payload, encode
from bot.core.context import Turn
from bot.core.events import Choice, Outbound, Reply
from bot.core.hero import rules
from bot.core.hero.steps import IN_POSE, POSE_STEPS, Action, Ending, Step
from bot.core.models import HeroSession, Timer
from bot.core.ports import Clock, Delivery, Wakeup
from bot.core.repositories import HeroRepository, PeopleRepository, TimersRepository

log = logging.getLogger(__name__)

HOLD_TIMER = "hold"
STALE_AFTER = timedelta(hours=6)
# Pressed from the "Time's up" message, which already said how to come out of the pose.
AFTER_TIMES_UP = "up"
# A button for whatever step the session is on (resume, restart, stop an old session).
ANY_STEP = "any"
# How often a safety stop re-reads a session that button presses keep moving on.
SAFETY_STOP_TRIES = 3


def _token(session: HeroSession) -> str:
    return f"ease{session.round}" if session.step == Step.EASE else session.step


class HeroFlow:
    """Run `/hero` sessions, apply the level rules, and fire the hold timer."""

    def __init__(
        self,
        *,
        hero: HeroRepository,
        timers: TimersRepository,
        people: PeopleRepository,
        content: Content,
        wakeup: Wakeup,
        clock: Clock,
        delivery: Delivery,
    ) -> None:
        self.hero = hero
        self.timers = timers
        self.people = people
        self.content = content
        self.wakeup = wakeup
        self.clock = clock
        self.delivery = delivery
        self.words = content.progression.session

    def _button(self, session: HeroSession, label: str, action: str, *arg: str) -> Choice:
        return Choice(label, encode("h", session.id, _token(session), action, *arg))

    def _exits(self, session: HeroSession) -> list[Choice]:
        exits = ([self._button(session, "Too intense", Action.TOO_INTENSE)]
                 if session.step in POSE_STEPS else [])
        return [*exits, self._button(session, "Stop", Action.STOP)]

    def _level(self, session: HeroSession) -> Level:
        return self.content.level(session.level)

    def render(self, session: HeroSession) -> Reply:
        """Return the message for the step the session is on."""
        words, level = self.words, self._level(session)
        step = session.step
        image = None
        if step == Step.SAFETY:
            text = words.safety_check
            choices = [self._button(session, "All clear, let's start", Action.OK),
                       self._button(session, "One of these applies", Action.FLAG)]
        elif step == Step.PROPS:
            text, choices = self._props(session, level)
        elif step == Step.SETUP:
            numbered = "\n".join(f"{i}. {line}" for i, line in enumerate(level.setup, start=1))
            text = f"Set up: {level.name}\n{level.props}\n\n{numbered}"
            choices = [self._button(session, "I'm in position", Action.OK)]
            image = self.content.picture(level.illustration.file)
        elif step == Step.EASE:
            total = words.ease_rounds
            text = f"Ease in and out, round {session.round} of {total}.\n{level.cues.ease}"
            if session.round == 1:
                text += f"\n\n{level.cues.back_out}"
            last = session.round >= total
            choices = [self._button(session, "Ready to hold still" if last else "Next round",
                                    Action.OK)]
        elif step == Step.TUCK:
            text = f"{level.cues.tuck_tail}\n\n{level.cues.no_hinge}"
            choices = [self._button(session, "Tail tucked", Action.OK)]
            image = self.content.picture(self.content.progression.pictures.tail_tuck.file)
        elif step == Step.HOLD:
            text = words.hold_intro.format(seconds=level.hold_seconds)
            choices = [self._button(session, "Done holding", Action.OK)]
        elif step == Step.INTENSITY:
            text = words.checkin_intensity
            choices = [self._button(session, str(n), Action.INTENSITY, str(n)) for n in range(11)]
        elif step == Step.WHERE:
            text = words.checkin_where
            choices = [self._button(session, a.label, Action.WHERE, a.id) for a in words.felt_areas]
        else:
            text = "Would you like to lower the prop next time?"
            choices = [self._button(session, "Yes, lower it next time", Action.LOWER),
                       self._button(session, "Stay at this height", Action.STAY)]
            return Reply(text, choices, edit=True, private=True)
        return Reply(text, [*choices, *self._exits(session)], edit=True, private=True, image=image)

    def _props(self, session: HeroSession, level: Level) -> tuple[str, list[Choice]]:
        swaps = f"\nAt home you could use {', '.join(level.substitutes)}." if level.substitutes else ""
        text = f"{self.words.props_intro}\n\nSuggested for you: {level.name}\n{level.props}{swaps}"
        choices = []
        for level_id in rules.choosable(session.level):
            option = self.content.level(level_id)
            label = option.prop_choice + (" (suggested)" if level_id == session.level else "")
            choices.append(self._button(session, label, Action.LEVEL, level_id))
        return text, choices

    async def command(self, turn: Turn) -> list[Reply]:
        """Answer `/hero`: start a session, or offer to resume the open one."""
        current = await self.hero.open_session(turn.person.id)
        if current and turn.now - current.started_at < STALE_AFTER:
            return [Reply(
                "You have a session in progress. Pick up where you left off, or start over?",
                [self._button_any(current, "Resume", Action.RESUME),
                 self._button_any(current, "Restart", Action.RESTART),
                 self._button_any(current, "Stop", Action.STOP)],
                private=True,
            )]
        return [await self.start(turn)]

    def _button_any(self, session: HeroSession, label: str, action: str) -> Choice:
        return Choice(label, encode("h", session.id, ANY_STEP, action))

    async def start(self, turn: Turn) -> Reply:
        """Start a new session at the level the rules give."""
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        step = Step.SAFETY if state.needs_safety_check else Step.PROPS
        session = await self.hero.start_session(turn.person.id, step, state.level, turn.now)
        reply = self.render(session)
        reply.edit = False
        return reply

    async def _owned_on_step(self, turn: Turn, payload: Payload
                             ) -> tuple[HeroSession | None, Reply | None]:
        """Return the session a press is for, or why the press can't apply (not theirs, moved on)."""
        session_id, token = payload.number(0), payload.part(1)
        session = await self.hero.session(session_id) if session_id else None
        if session is None or payload.part(2) is None:
            return None, Reply(texts.EXPIRED, alert=True)
        if session.person_id != turn.person.id:
            return None, Reply(texts.NOT_YOURS, alert=True)
        if not session.is_open or token not in (_token(session), ANY_STEP):
            return None, Reply(texts.EXPIRED, alert=True)
        return session, None

    async def press(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Handle a press of any `/hero` button."""
        if payload.part(0) == "new":
            return [await self.start(turn)]
        session, refused = await self._owned_on_step(turn, payload)
        if session is None:
            return [refused or Reply(texts.EXPIRED, alert=True)]
        action = payload.part(2) or ""
        if payload.part(1) == ANY_STEP:
            return await self._resume_or_restart(turn, session, action)
        if action == Action.STOP:
            return [await self._stop(turn, session)]
        if action == Action.TOO_INTENSE and session.step in POSE_STEPS:
            return [await self._too_intense(turn, session)]
        move = _MOVES.get((session.step, action))
        if move is None:
            return [Reply(texts.EXPIRED, alert=True)]
        return [await move(self, turn, session, payload.part(3))]

    async def _resume_or_restart(self, turn: Turn, session: HeroSession, action: str) -> list[Reply]:
        if action == Action.RESUME:
            return [self.render(session)]
        if action == Action.RESTART:
            return [await self.start(turn)]
        if action == Action.STOP:
            return [await self._stop(turn, session)]
        return [Reply(texts.EXPIRED, alert=True)]

    async def _stop(self, turn: Turn, session: HeroSession) -> Reply:
        if session.step == Step.SAFETY:
            return await self._end(turn, session, Ending.NOT_STARTED, self.words.stopped)
        text = self.words.stopped
        if session.step in IN_POSE:
            text = f"{self.words.come_out}\n\n{text}"
        return await self._end(turn, session, Ending.STOPPED, text)

    # The moves, one per (step, action) in the table at the end of this module.

    async def _all_clear(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        s.step = Step.PROPS
        return await self._moved(turn, s)

    async def _flagged(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        if not await self._close(s, Ending.FLAGGED, turn):
            return Reply(texts.EXPIRED, alert=True)
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        state.needs_safety_check = True
        await self.hero.save_state(state, turn.now)
        return Reply(self.words.safety_stop, edit=True, private=True)

    async def _chose_props(self, turn: Turn, s: HeroSession, arg: str | None) -> Reply:
        if arg not in rules.choosable(s.start_level):
            return Reply(texts.EXPIRED, alert=True)
        s.level, s.step = arg, Step.SETUP
        return await self._moved(turn, s)

    async def _in_position(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        s.step, s.round = Step.EASE, 1
        return await self._moved(turn, s)

    async def _eased(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        if s.round < self.words.ease_rounds:
            s.round += 1
        else:
            s.step, s.round = Step.TUCK, 0
        return await self._moved(turn, s)

    async def _tucked(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        s.step = Step.HOLD
        return await self._moved(turn, s)

    async def _held(self, turn: Turn, s: HeroSession, arg: str | None) -> Reply:
        s.step = Step.INTENSITY
        if arg == AFTER_TIMES_UP:
            return await self._moved(turn, s)
        if not await self.hero.save_session(s):
            return Reply(texts.EXPIRED, alert=True)
        step = self.render(s)
        step.text = f"{self.words.come_out}\n\n{step.text}"
        return step

    async def _rated(self, turn: Turn, s: HeroSession, arg: str | None) -> Reply:
        if not (arg and arg.isdigit() and int(arg) <= 10):
            return Reply(texts.EXPIRED, alert=True)
        s.intensity, s.step = int(arg), Step.WHERE
        return await self._moved(turn, s)

    async def _felt(self, turn: Turn, s: HeroSession, arg: str | None) -> Reply:
        if arg not in self._area_ids():
            return Reply(texts.EXPIRED, alert=True)
        s.felt = arg
        return await self._finish(turn, s)

    async def _lower(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        return await self._settle_offer(turn, s, lower=True)

    async def _stay(self, turn: Turn, s: HeroSession, _arg: str | None) -> Reply:
        return await self._settle_offer(turn, s, lower=False)

    async def _moved(self, turn: Turn, s: HeroSession) -> Reply:
        """Save a step that moved on (only from where it was read) and show the new step."""
        if not await self.hero.save_session(s):
            return Reply(texts.EXPIRED, alert=True)
        if s.step == Step.HOLD:
            due = turn.now + timedelta(seconds=self._level(s).hold_seconds)
            await self.timers.add(turn.person.id, HOLD_TIMER, s.id, due)
            self.wakeup.wake_at(due)
        return self.render(s)

    def _area_ids(self) -> dict[str, bool]:
        return {area.id: area.pain for area in self.words.felt_areas}

    async def _too_intense(self, turn: Turn, s: HeroSession) -> Reply:
        # Whatever happens next in this session, the next one starts with this much support.
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        state.level, state.comfortable_streak = rules.easier(s.level), 0
        if s.level == rules.LADDER[0]:
            text = ("You're already at the most support this pose has, so let's stop for today. "
                    "If it keeps hurting, please check in with a physio or doctor before trying again.")
            if s.step in IN_POSE:
                text = f"{self.words.come_out}\n\n{text}"
            # The session closes first: of two simultaneous presses, only the one whose
            # save lands updates the progression.
            if not await self._close(s, Ending.STOPPED, turn):
                return Reply(texts.EXPIRED, alert=True)
            state.needs_safety_check = True
            await self.hero.save_state(state, turn.now)
            return Reply(text, edit=True, private=True)
        words = self.words
        if s.step == Step.PROPS:
            said = words.too_intense_before_pose
        elif state.level == rules.LADDER[0]:
            said = words.too_intense_to_kneeling
        else:
            said = words.too_intense
        s.level, s.too_intense = state.level, True
        s.step, s.round = (Step.PROPS if s.step == Step.PROPS else Step.SETUP), 0
        if s.step == Step.PROPS:
            s.start_level = s.level
        if not await self.hero.save_session(s):
            return Reply(texts.EXPIRED, alert=True)
        await self.hero.save_state(state, turn.now)
        step = self.render(s)
        step.text = f"{said.format(level=self._level(s).name)}\n\n{step.text}"
        return step

    async def _finish(self, turn: Turn, s: HeroSession) -> Reply:
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        outcome = rules.after_checkin(state, s, pain_reported=self._area_ids().get(s.felt or "", False))
        # The session moves on first: of two simultaneous presses, only the one whose save
        # lands updates the progression.
        if not outcome.pain and outcome.offer_lower:
            s.step = Step.OFFER
            moved = await self.hero.save_session(s)
        else:
            moved = await self._close(s, Ending.COMPLETED, turn)
        if not moved:
            return Reply(texts.EXPIRED, alert=True)
        await self.hero.save_state(outcome.state, turn.now)
        level = self._level(s)
        felt = next(a.label for a in self.words.felt_areas if a.id == s.felt)
        summary = (f"{self.words.finished.format(level=level.name)}\n\n"
                   f"Logged: {level.name}, intensity {s.intensity}/10, felt most: {felt.lower()}.")
        next_level = self.content.level(outcome.state.level).name
        if outcome.pain and outcome.state.level == s.level:
            summary += (f"\nThat sounded like a lot. {next_level} is already the most support this "
                        "pose has, so next time we'll stay there and start with a quick safety "
                        "check. If it keeps hurting, please check in with a physio or doctor.")
        elif outcome.pain:
            summary += (f"\nThat sounded like a lot, so next time we'll start with more support "
                        f"({next_level}) and a quick safety check.")
        elif outcome.offer_lower:
            offer = self.render(s)
            offer.text = (f"{summary}\n\nThat's {outcome.state.comfortable_streak} comfortable "
                          f"sessions in a row at this height. {offer.text}")
            return offer
        else:
            summary += f"\nNext time we'll start at {next_level}."
        return Reply(summary, edit=True, private=True)

    async def _settle_offer(self, turn: Turn, s: HeroSession, lower: bool) -> Reply:
        if not await self._close(s, Ending.COMPLETED, turn):
            return Reply(texts.EXPIRED, alert=True)
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        target = rules.harder(s.level) if lower else None
        if target:
            state.level, state.comfortable_streak = target, 0
            await self.hero.save_state(state, turn.now)
            text = f"Done: next time we'll start at {self.content.level(target).name}."
        else:
            text = f"Sure, we'll stay at {self._level(s).name} next time."
        return Reply(text, edit=True, private=True)

    async def _close(self, s: HeroSession, outcome: Ending, turn: Turn) -> bool:
        s.outcome, s.ended_at, s.step = outcome, turn.now, Step.DONE
        return await self.hero.save_session(s)

    async def _end(self, turn: Turn, s: HeroSession, outcome: Ending, text: str) -> Reply:
        if not await self._close(s, outcome, turn):
            return Reply(texts.EXPIRED, alert=True)
        return Reply(text, edit=True, private=True)

    async def stop_for_safety(self, turn: Turn) -> list[Reply]:
        """End the person's open session because they mentioned a warning sign.

        The hold timer is dropped, the session is logged as stopped for safety, and the
        next /hero starts with the safety check, one level more supported.
        """
        for _ in range(SAFETY_STOP_TRIES):
            session = await self.hero.open_session(turn.person.id)
            if session is None:
                return []
            in_pose, started = session.step in IN_POSE, session.step != Step.SAFETY
            # A button press landing between the read and the close moves the step on;
            # the session is read again and closed from where it is now.
            if await self._close(session, Ending.SAFETY_STOP if started else Ending.NOT_STARTED, turn):
                break
        else:
            return []
        await self.timers.cancel(HOLD_TIMER, session.id)
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        state.level = rules.easier(session.level)
        state.needs_safety_check, state.comfortable_streak = True, 0
        await self.hero.save_state(state, turn.now)
        text = self.content.safety.session_ended
        return [Reply(f"{text}\n\n{self.words.come_out}" if in_pose else text, private=True)]

    async def on_timer(self, timer: Timer) -> None:
        """Tell the person their hold is over, if they are still holding."""
        session = await self.hero.session(timer.ref or 0)
        person = await self.people.get(timer.person_id)
        if not session or not person or not session.is_open or session.step != Step.HOLD:
            return
        if self.clock.now() - timer.due_at > timedelta(minutes=10):
            log.info("skipping stale hold timer %s", timer.id)
            return
        coming_out = self.content.progression.pictures.coming_out.file
        result = await self.delivery.send(Outbound(
            to=person.identity, chat_id=person.chat_id,
            text=f"{self.words.times_up} {self.words.come_out}",
            choices=[self._button(session, "Check in", Action.OK, AFTER_TIMES_UP)],
            image=self.content.picture(coming_out),
        ))
        if not result.ok:
            log.info("time's up for session %s not delivered: %s", session.id, result.status)


Move = Callable[[HeroFlow, Turn, HeroSession, str | None], Awaitable[Reply]]
# Step x action -> the move that takes the session on. A press not in here has expired.
_MOVES: dict[tuple[str, str], Move] = {
    (Step.SAFETY, Action.OK): HeroFlow._all_clear,
    (Step.SAFETY, Action.FLAG): HeroFlow._flagged,
    (Step.PROPS, Action.LEVEL): HeroFlow._chose_props,
    (Step.SETUP, Action.OK): HeroFlow._in_position,
    (Step.EASE, Action.OK): HeroFlow._eased,
    (Step.TUCK, Action.OK): HeroFlow._tucked,
    (Step.HOLD, Action.OK): HeroFlow._held,
    (Step.INTENSITY, Action.INTENSITY): HeroFlow._rated,
    (Step.WHERE, Action.WHERE): HeroFlow._felt,
    (Step.OFFER, Action.LOWER): HeroFlow._lower,
    (Step.OFFER, Action.STAY): HeroFlow._stay,
}
