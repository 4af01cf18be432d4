"""A person's settings and data: time zone, what is stored, and `/forget`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.content.loader import Content
from bot.core import texts
from bot.core.buttons import Payload, encode
from bot.core.context import CoreConfig, Turn
from bot.core.events import Choice, Reply
from bot.core.hero import rules
from bot.core.repositories import HeroRepository, PeopleRepository
from bot.core.timezones import UnknownZone, find_zone
from bot.core.zone_words import understand_zone, zone_label

TIMEZONE_USAGE = (
    "Tell me your time zone as a city, a country or an IANA name, e.g. /timezone Berlin, "
    "/timezone India or /timezone America/New_York."
)


class Account:
    """`/timezone`, `/settings` and `/forget`."""

    def __init__(
        self,
        *,
        people: PeopleRepository,
        hero: HeroRepository,
        config: CoreConfig,
        content: Content,
        on_zone_change: Callable[[Turn], Awaitable[None]] | None = None,
        on_forget: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self.people = people
        self.hero = hero
        self.config = config
        self.content = content
        self.on_zone_change = on_zone_change
        self.on_forget = on_forget

    async def timezone(self, turn: Turn, args: str) -> list[Reply]:
        """Set the time zone, suggesting close names for a typo."""
        if not args.strip():
            return [Reply(f"Your time zone: {self._current(turn)}.\n{TIMEZONE_USAGE}")]
        try:
            answer = understand_zone(args)
        except UnknownZone as exc:
            return [Reply(f"{exc}\n{TIMEZONE_USAGE}", self._zone_choices(turn, exc.suggestions))]
        if answer.zone is None:
            return [Reply(answer.note, self._zone_choices(turn, answer.choices))]
        return [await self._set(turn, answer.zone.key, answer.note)]

    def _zone_choices(self, turn: Turn, names: list[str]) -> list[Choice]:
        return [Choice(name, encode("tz", turn.person.id, name)) for name in names
                if _fits(turn.person.id, name)]

    def _current(self, turn: Turn) -> str:
        zone = self.config.zone_for(turn.person)
        local = f"{turn.now.astimezone(zone):%H:%M} there now"
        if turn.person.timezone:
            return f"{zone_label(turn.person.timezone)} ({local})"
        return f"not set, so I'm using {zone_label(self.config.default_timezone)} ({local})"

    async def _set(self, turn: Turn, zone: str, note: str = "") -> Reply:
        changed = turn.person.timezone != zone
        await self.people.set_timezone(turn.person.id, zone)
        turn.person.timezone = zone
        if changed and self.on_zone_change is not None:
            await self.on_zone_change(turn)
        label = zone_label(zone)
        local = turn.now.astimezone(self.config.zone_for(turn.person))
        head = f"{note}\n" if note else ""
        return Reply(f"{head}Time zone set to {label}. It's now {local:%H:%M} in {label}. "
                     "Nudges and reminders will follow your local time.")

    async def press_zone(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Handle a press on a suggested zone."""
        owner, name = payload.number(0), payload.part(1)
        if owner != turn.person.id:
            return [Reply(texts.NOT_YOURS, alert=True)]
        try:
            zone = find_zone(name or "")
        except UnknownZone:
            return [Reply(texts.EXPIRED, alert=True)]
        reply = await self._set(turn, zone.key)
        reply.edit = True
        return [reply]

    async def settings(self, turn: Turn, extra: list[str]) -> list[Reply]:
        """Show what is stored for the person."""
        state = await self.hero.state(turn.person.id, rules.FIRST_LEVEL)
        level = self.content.level(state.level).name
        lines = [
            "Your settings:",
            f"Name: {turn.person.display_name or '(none)'}",
            f"Time zone: {self._current(turn)}",
            f"Hero level: {level}",
            *extra,
            "",
            "Change them with /timezone, /breaks and /remind. /forget deletes everything.",
        ]
        return [Reply("\n".join(lines))]

    async def forget(self, turn: Turn) -> list[Reply]:
        """Ask for confirmation before deleting everything about the person."""
        return [Reply(
            "This deletes everything I store about you: your progress, practice log, "
            "questions, reminders and settings. It can't be undone. Are you sure?",
            [Choice("Yes, delete everything", encode("f", turn.person.id, "yes")),
             Choice("No, keep it", encode("f", turn.person.id, "no"))],
            private=True,
        )]

    async def press_forget(self, turn: Turn, payload: Payload) -> list[Reply]:
        """Carry out or cancel `/forget`."""
        owner, action = payload.number(0), payload.part(1)
        if owner != turn.person.id:
            return [Reply(texts.NOT_YOURS, alert=True)]
        if action == "no":
            return [Reply("Kept. Nothing was deleted.", edit=True)]
        if action != "yes":
            return [Reply(texts.EXPIRED, alert=True)]
        if self.on_forget is not None:
            await self.on_forget(turn.person.id)
        await self.people.forget(turn.person.id)
        return [Reply("Done. I've deleted everything I stored about you. If you message me "
                      "again I'll start fresh.", edit=True)]


def _fits(person_id: int, name: str) -> bool:
    try:
        encode("tz", person_id, name)
    except ValueError:
        return False
    return True
