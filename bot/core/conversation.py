"""The conversation core: route each neutral event to a feature and return neutral replies."""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata

from bot.core import texts
from bot.core.account import feature as account_feature
from bot.core.account.settings import Account
from bot.core.breaks import feature as breaks_feature
from bot.core.breaks.commands import BreaksCommands
from bot.core.breaks.nudges import Nudges
from bot.core.buttons import decode
from bot.core.context import Services, Turn
from bot.core.events import ButtonPress, Command, InboundEvent, Reply, ReplyToBot, Text
from bot.core.features import Audience, CommandSpec, Feature, Registry
from bot.core.hero import feature as hero_feature
from bot.core.hero.flow import HeroFlow
from bot.core.hero.progress import Progress
from bot.core.models import Timer
from bot.core.questions import feature as questions_feature
from bot.core.questions import smalltalk
from bot.core.questions.asking import Asking
from bot.core.questions.inbox import Inbox

log = logging.getLogger(__name__)

# Terminal escapes and bidirectional overrides: a member's text must never drive the coach's
# terminal or reorder what the coach reads. Newlines and tabs stay.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
TIMER_BATCH = 200


def printable(text: str) -> str:
    """Return `text` without control characters (keeping newlines and tabs) or bidi overrides."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return _BIDI_CONTROLS.sub("", text)


def _printable_event(event: InboundEvent) -> InboundEvent:
    origin = dataclasses.replace(event.origin, display_name=printable(event.origin.display_name))
    changes: dict[str, object] = {"origin": origin}
    for name in ("text", "args"):
        if hasattr(event, name):
            changes[name] = printable(getattr(event, name))
    return dataclasses.replace(event, **changes)


def normalise_command(name: str) -> str:
    """Lower-case a command name and drop a leading slash or a Telegram `@botname` suffix."""
    return name.strip().lstrip("/").split("@", 1)[0].lower()


class Conversation:
    """The platform-neutral bot: adapters hold one and call `handle`; the clock calls `sweep`."""

    def __init__(self, services: Services, extra: tuple[Feature, ...] = ()) -> None:
        store, content, config = services.store, services.content, services.config
        self.store, self.config, self.clock = store, config, services.clock
        self.hero = HeroFlow(hero=store.hero, timers=store.timers, people=store.people,
                             content=content, wakeup=services.wakeup, clock=services.clock,
                             delivery=services.delivery)
        self.asking = Asking(questions=store.questions, people=store.people, config=config,
                             matcher=services.matcher, content=content,
                             delivery=services.delivery, on_warning=self.hero.stop_for_safety)
        self.inbox = Inbox(questions=store.questions, people=store.people, hero=store.hero,
                           config=config, delivery=services.delivery)
        self.progress = Progress(hero=store.hero, content=content)
        self.nudges = Nudges(schedules=store.schedules, hero=store.hero, timers=store.timers,
                             people=store.people, clock=services.clock,
                             delivery=services.delivery, wakeup=services.wakeup, content=content)
        self.breaks = BreaksCommands(people=store.people, schedules=store.schedules,
                                     config=config, nudges=self.nudges)
        self.account = Account(people=store.people, hero=store.hero, config=config,
                               content=content, on_zone_change=self.breaks.rezone,
                               on_forget=self._forget)
        # The order here is the order of /help and the platforms' menus.
        self.features = Registry.of((
            hero_feature.declare(self.hero, self._progress),
            questions_feature.declare(self.asking, self.inbox, self._stats),
            breaks_feature.declare(self.breaks, self.nudges),
            account_feature.declare(self.account, self._settings),
            *extra,
            self._basics(),
        ))

    def _basics(self) -> Feature:
        return Feature("basics", commands=(
            CommandSpec("start", "start here", self._start, audience=Audience.UNLISTED),
            CommandSpec("help", "this list", lambda turn, _: self._help(turn), in_groups=True),
        ))

    async def _forget(self, person_id: int) -> None:
        await self.features.forget(person_id)

    def help_text(self, coach: bool = False) -> str:
        """Return /help for a member, or with the coach's commands for a coach."""
        return texts.help_text(self.command_list(coach))

    def command_list(self, coach: bool = False) -> str:
        """Return the listed commands, one per line, the coach's under their own heading."""
        lines = [spec.help_line() for spec in self.features.listed()]
        if coach:
            lines += ["", "For the coach:"]
            lines += [spec.help_line() for spec in self.features.listed(coach=True)
                      if spec.coach_only]
        return "\n".join(lines)

    def is_coach(self, turn: Turn) -> bool:
        """Return True when the person is listed in COACH_IDS."""
        return turn.person.identity.key in self.config.coach_ids

    async def handle(self, event: InboundEvent) -> list[Reply]:
        """Answer one inbound event; errors are logged and answered with an apology."""
        try:
            return await self._handle(_printable_event(event))
        except Exception:
            log.exception("error while handling %s from %s", type(event).__name__,
                          event.origin.identity.key)
            return [Reply(SORRY)]

    async def _handle(self, event: InboundEvent) -> list[Reply]:
        origin = event.origin
        if isinstance(event, Text) and not origin.is_private:
            return []
        body = event.args if isinstance(event, Command) else getattr(event, "text", "")
        limit = self.config.max_text_length
        if len(body) > limit:
            return [Reply(texts.TOO_LONG.format(length=len(body), limit=limit), quote=True)]
        now = self.clock.now()
        person = await self.store.people.upsert(
            origin.identity, now, origin.chat_id if origin.is_private else None,
            origin.display_name,
        )
        turn = Turn(person, origin, now)
        replies: list[Reply] = await self.nudges.welcome_back(turn)
        if isinstance(event, ButtonPress):
            return [*replies, *(await self._press(turn, event.payload))]
        is_start = isinstance(event, Command) and normalise_command(event.name) == "start"
        if person.is_new and not is_start:
            replies.append(Reply(texts.welcome(origin.display_name,
                                               self.command_list(self.is_coach(turn)))))
        replies.extend(await self.inbox.pending_for(turn))
        if isinstance(event, Command):
            replies.extend(await self._command(turn, normalise_command(event.name), event.args))
        elif isinstance(event, ReplyToBot):
            replies.extend(await self._reply_to_bot(turn, event))
        else:
            replies.extend(await self._free_text(turn, event.text))
        return replies

    async def _command(self, turn: Turn, name: str, args: str) -> list[Reply]:
        spec = self.features.commands.get(name)
        if spec is None:
            shown = name[:32] or "that"
            return [Reply(f"I don't know /{shown}. {self.help_text(self.is_coach(turn))}")]
        if spec.coach_only and not self.is_coach(turn):
            return [Reply("Sorry, that command is just for the coach. /help shows what you can do.")]
        return await spec.handler(turn, args)

    async def _start(self, turn: Turn, args: str) -> list[Reply]:
        welcome = Reply(texts.welcome(turn.origin.display_name,
                                      self.command_list(self.is_coach(turn))))
        deep_link = args.strip().lower()
        if deep_link == "hero":
            return [welcome, *(await self.hero.command(turn))]
        if deep_link == "breaks":
            return [welcome, *(await self.breaks.breaks(turn, ""))]
        return [welcome]

    async def _progress(self, turn: Turn, _args: str) -> list[Reply]:
        extra = await self.breaks.progress_lines(turn)
        breaks = await self.breaks.breaks_per_day(turn)
        return await self.progress.summary(turn, self.config.zone_for(turn.person), extra, breaks)

    async def _settings(self, turn: Turn, _args: str) -> list[Reply]:
        return await self.account.settings(turn, await self.breaks.settings_lines(turn))

    async def _stats(self, turn: Turn, _args: str) -> list[Reply]:
        replies = await self.inbox.stats(turn)
        replies[-1].text += "\n" + "\n".join(await self.breaks.stats_lines())
        return replies

    async def _help(self, turn: Turn) -> list[Reply]:
        return [Reply(self.help_text(self.is_coach(turn)))]

    async def _reply_to_bot(self, turn: Turn, event: ReplyToBot) -> list[Reply]:
        if event.replied_message_id and self.is_coach(turn):
            question_id = await self.store.questions.for_notice(turn.person.identity,
                                                                  event.replied_message_id)
            if question_id is not None:
                return await self.inbox.answer(turn, f"{question_id} {event.text}")
        return await self._free_text(turn, event.text)

    async def _free_text(self, turn: Turn, text: str) -> list[Reply]:
        waiting = Reply("Your /hero session is still waiting: use its buttons, "
                        "or type /hero to pick it up.")
        # A typed "8" or "done" during a session means its buttons, not "there are none".
        if smalltalk.kind_of(text) is smalltalk.Kind.BUTTON and \
                await self.store.hero.open_session(turn.person.id):
            return [waiting]
        replies = await self.asking.ask(turn, text)
        if await self.store.hero.open_session(turn.person.id):
            replies.append(waiting)
        return replies

    async def _press(self, turn: Turn, payload_text: str) -> list[Reply]:
        payload = decode(payload_text)
        handler = self.features.buttons.get(payload.feature) if payload else None
        if payload is None or handler is None:
            return [Reply(texts.EXPIRED, alert=True)]
        return await handler(turn, payload)

    async def fire(self, timer: Timer) -> None:
        """Run the feature a claimed timer belongs to."""
        handler = self.features.timers.get(timer.kind)
        if handler is None:
            log.warning("no handler for timer kind %r", timer.kind)
            return
        try:
            await handler(timer)
        except Exception:
            log.exception("timer %s (%s) failed", timer.id, timer.kind)

    async def sweep(self) -> int:
        """Claim and fire due timers, then claim and send due nudges; return how many."""
        return await self.sweep_timers() + await self.nudges.sweep()

    async def sweep_timers(self) -> int:
        """Claim and fire due timers (a hold's end, a snooze); return how many.

        Any process may fire these: each answers one person who is using the bot right now.
        """
        fired = 0
        while True:
            # Claimed (fired_at set) and committed before any fires: a crash loses at most
            # this batch of timers, and never fires one twice.
            claimed = await self.store.timers.claim_due(self.clock.now(), TIMER_BATCH)
            for timer in claimed:
                await self.fire(timer)
            fired += len(claimed)
            if len(claimed) < TIMER_BATCH:
                return fired
