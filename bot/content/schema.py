"""The schema every file in `content/` is validated against when it loads."""

from __future__ import annotations

from collections.abc import Sequence
from string import Formatter
from typing import Annotated, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
# An SVG under content/, named relative to it with forward slashes (e.g. images/high.svg).
ImageFile = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9/_-]*\.svg$", max_length=100)]
# Discord allows 1,024 characters of attachment description; a useful alt text is a sentence or two.
AltText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=1000)]

LEVEL_IDS = ("prep", "high", "medium", "low", "floor", "reclined")

# The only {placeholders} the bot fills in; any other brace would crash str.format at runtime.
PLACEHOLDERS = {"hold_intro": {"seconds"}, "too_intense": {"level"},
                "too_intense_to_kneeling": {"level"}, "too_intense_before_pose": {"level"},
                "finished": {"level"}}


SAFETY_PLACEHOLDERS = {"heard": {"sign"}, "heard_where": {"sign", "where"}}


def _check_placeholders(text: str, allowed: set[str]) -> str:
    try:
        names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"has a broken {{placeholder}}: {exc}") from exc
    unknown = sorted(names - allowed)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in sorted(allowed))
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; only {known} can be used")
    return text


class _HasId(Protocol):
    id: str


def _require_unique_ids(items: Sequence[_HasId]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"id '{item.id}' is used more than once")
        seen.add(item.id)


class Strict(BaseModel):
    """A model that rejects unknown fields, so typos in content are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Cues(Strict):
    """The four cues every level repeats, each in words fitted to that level."""

    ease: NonEmpty
    tuck_tail: NonEmpty
    back_out: NonEmpty
    no_hinge: NonEmpty


class Illustration(Strict):
    """A picture: its editable source in content/ (the PNG beside it is rendered from it) and alt text."""

    file: ImageFile
    alt: AltText


class Pictures(Strict):
    """The illustrations that are not one level's set-up."""

    tail_tuck: Illustration
    coming_out: Illustration


class Level(Strict):
    """One rung of the Virasana progression, from most support to least."""

    id: Slug
    name: NonEmpty
    props: NonEmpty
    prop_choice: ShortLabel
    substitutes: list[NonEmpty] = Field(default_factory=list)
    setup: list[NonEmpty] = Field(min_length=1)
    cues: Cues
    hold_seconds: int = Field(ge=10, le=300)
    illustration: Illustration
    optional: bool = False


class FeltArea(Strict):
    """An answer to "where did you feel it?"; `pain` areas count as a pain report."""

    id: Slug
    label: ShortLabel
    pain: bool = False


class SessionText(Strict):
    """The words around the steps that are the same at every level."""

    safety_check: NonEmpty
    safety_stop: NonEmpty
    props_intro: NonEmpty
    ease_rounds: int = Field(ge=1, le=10)
    hold_intro: NonEmpty
    times_up: NonEmpty
    come_out: NonEmpty
    checkin_intensity: NonEmpty
    checkin_where: NonEmpty
    felt_areas: list[FeltArea] = Field(min_length=2)
    too_intense: NonEmpty
    too_intense_to_kneeling: NonEmpty
    too_intense_before_pose: NonEmpty
    stopped: NonEmpty
    finished: NonEmpty

    @field_validator("felt_areas")
    @classmethod
    def _felt_area_ids_are_unique(cls, areas: list[FeltArea]) -> list[FeltArea]:
        _require_unique_ids(areas)
        return areas

    @field_validator(*PLACEHOLDERS)
    @classmethod
    def _only_known_placeholders(cls, text: str, info: ValidationInfo) -> str:
        return _check_placeholders(text, PLACEHOLDERS[str(info.field_name)])


class SafetyText(Strict):
    """What the bot says when it hears a warning sign, and its words for each sign."""

    heard: NonEmpty
    heard_where: NonEmpty
    heard_by_meaning: NonEmpty
    urgent: NonEmpty
    session_ended: NonEmpty
    signs: dict[NonEmpty, NonEmpty] = Field(min_length=1)

    @field_validator(*SAFETY_PLACEHOLDERS)
    @classmethod
    def _only_known_placeholders(cls, text: str, info: ValidationInfo) -> str:
        return _check_placeholders(text, SAFETY_PLACEHOLDERS[str(info.field_name)])


class Progression(Strict):
    """The whole `/hero` progression: the session words and the ordered levels."""

    session: SessionText
    pictures: Pictures
    levels: list[Level] = Field(min_length=2)

    def illustrations(self) -> list[Illustration]:
        """Return every illustration the progression names: each level's, then the others."""
        return [*(level.illustration for level in self.levels),
                self.pictures.tail_tuck, self.pictures.coming_out]

    @field_validator("levels")
    @classmethod
    def _levels_are_the_known_ladder(cls, levels: list[Level]) -> list[Level]:
        ids = tuple(level.id for level in levels)
        if ids != LEVEL_IDS:
            raise ValueError(
                f"levels must be {', '.join(LEVEL_IDS)} in that order, got {', '.join(ids)}"
            )
        if [lv.id for lv in levels if lv.optional] != ["reclined"]:
            raise ValueError("exactly the 'reclined' level must be marked optional: true")
        return levels


class FaqEntry(Strict):
    """One curated answer: front matter plus the Markdown body as `answer`."""

    id: Slug
    question: NonEmpty
    alternatives: list[NonEmpty] = Field(default_factory=list)
    tags: list[NonEmpty] = Field(default_factory=list)
    # An illustration from progression.yaml shown with the answer (its alt text lives there).
    illustration: ImageFile | None = None
    answer: NonEmpty

    @field_validator("answer")
    @classmethod
    def _answer_is_concise(cls, answer: str) -> str:
        words = len(answer.split())
        if words > 140:
            raise ValueError(f"answer has {words} words; keep it under about 120")
        return answer


class FaqExample(Strict):
    """One labelled member message: the FAQ entry it asks about, "offtopic", "redflag" or "ordinary"."""

    q: NonEmpty
    faq: Slug


class Movement(Strict):
    """One short sit-break movement."""

    id: Slug
    text: NonEmpty
    seconds: int = Field(ge=30, le=300)


class Movements(Strict):
    """The rotation of sit-break movements."""

    movements: list[Movement] = Field(min_length=15)

    @field_validator("movements")
    @classmethod
    def _movement_ids_are_unique(cls, movements: list[Movement]) -> list[Movement]:
        _require_unique_ids(movements)
        return movements
