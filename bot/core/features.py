"""What a feature declares: its commands, button prefixes, timer kinds and how it forgets a person.

The core builds its routing from these declarations, and `/help`, Telegram's command menus,
Discord's slash commands and the console's help are all derived from them, so adding a
command is one edit in one feature folder.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.buttons import Payload
from bot.core.context import Turn
from bot.core.events import Reply
from bot.core.models import Timer

CommandHandler = Callable[[Turn, str], Awaitable[list[Reply]]]
ButtonHandler = Callable[[Turn, Payload], Awaitable[list[Reply]]]
TimerHandler = Callable[[Timer], Awaitable[None]]
ForgetHook = Callable[[int], Awaitable[None]]


class OptionKind(StrEnum):
    """What a typed option holds, for platforms with typed options (Discord)."""

    TEXT = "text"
    NUMBER = "number"


class Audience(StrEnum):
    """Who sees a command in the menus and may use it."""

    EVERYONE = "everyone"
    COACH = "coach"
    # Works when typed (e.g. a deep link's /start) but is not listed.
    UNLISTED = "unlisted"


@dataclass(frozen=True)
class Option:
    """One typed option of a command; the options are joined, in order, into its arguments."""

    name: str
    description: str
    required: bool = False
    kind: OptionKind = OptionKind.TEXT
    # Suggestions for what has been typed so far, at most `limit` of them (Discord autocomplete).
    suggest: Callable[[str, int], list[str]] | None = None


@dataclass(frozen=True)
class CommandSpec:
    """A command: its name, one line for the help, what it takes and where it works."""

    name: str
    description: str
    handler: CommandHandler
    hint: str = ""
    options: tuple[Option, ...] = ()
    audience: Audience = Audience.EVERYONE
    in_groups: bool = False
    # Typed in a group, it carries on in a private chat (Telegram sends a deep link).
    continues_in_private: bool = False
    # Starts a run of button steps that may outlive a platform's interaction window.
    runs_a_session: bool = False

    @property
    def listed(self) -> bool:
        """Return whether the command shows in help and menus."""
        return self.audience is not Audience.UNLISTED

    @property
    def coach_only(self) -> bool:
        """Return whether only the coach may use the command."""
        return self.audience is Audience.COACH

    def help_line(self) -> str:
        """Return the command's line in /help."""
        hint = f" {self.hint}" if self.hint else ""
        return f"/{self.name}{hint} - {self.description}"


@dataclass(frozen=True)
class Feature:
    """Everything one feature handles; the core routes by these and nothing else."""

    name: str
    commands: tuple[CommandSpec, ...] = ()
    buttons: dict[str, ButtonHandler] = field(default_factory=dict)
    timers: dict[str, TimerHandler] = field(default_factory=dict)
    # Deletes what the feature keeps about a person outside the database's cascade (for
    # /forget). The shipped features need none: everything they store goes with the
    # person's row, in one transaction.
    forget: ForgetHook | None = None


class DuplicateDeclaration(ValueError):
    """Two features declared the same command, button prefix or timer kind."""


@dataclass(frozen=True)
class Registry:
    """The features' declarations, merged and checked for clashes."""

    features: tuple[Feature, ...]
    commands: dict[str, CommandSpec]
    buttons: dict[str, ButtonHandler]
    timers: dict[str, TimerHandler]

    @classmethod
    def of(cls, features: Iterable[Feature]) -> Registry:
        """Merge the declarations, refusing two owners for one name."""
        features = tuple(features)
        commands: dict[str, CommandSpec] = {}
        buttons: dict[str, ButtonHandler] = {}
        timers: dict[str, TimerHandler] = {}
        for feature in features:
            for spec in feature.commands:
                _claim(commands, spec.name, spec, "command", feature)
            for prefix, handler in feature.buttons.items():
                _claim(buttons, prefix, handler, "button prefix", feature)
            for kind, on_timer in feature.timers.items():
                _claim(timers, kind, on_timer, "timer kind", feature)
        return cls(features, commands, buttons, timers)

    def listed(self, *, coach: bool = False, groups: bool = False) -> Iterator[CommandSpec]:
        """Yield the commands a menu shows: members' ones, then the coach's when asked."""
        shown = [spec for spec in self.commands.values() if spec.listed
                 and (not groups or spec.in_groups)]
        yield from (spec for spec in shown if not spec.coach_only)
        if coach and not groups:
            yield from (spec for spec in shown if spec.coach_only)

    async def forget(self, person_id: int) -> None:
        """Run every feature's forget hook for the person."""
        for feature in self.features:
            if feature.forget is not None:
                await feature.forget(person_id)


def _claim(table: dict[str, object], key: str, value: object, what: str, feature: Feature) -> None:
    if key in table:
        raise DuplicateDeclaration(f"{what} {key!r} is declared twice (again by {feature.name})")
    table[key] = value
