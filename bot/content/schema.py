"""The schema every file in `content/` is validated against when it loads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from string import Formatter
from typing import Annotated, Literal, Protocol

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


SAFETY_PLACEHOLDERS = {"heard": {"sign"}, "heard_where": {"sign", "where"},
                       "heard_for_someone_else": {"sign"}}


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
    heard_for_someone_else: NonEmpty
    heard_lasting_repair: NonEmpty
    caution: NonEmpty
    urgent: NonEmpty
    session_ended: NonEmpty

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


def normalise(text: str) -> str:
    """Return lowercase ASCII-ish text with apostrophes dropped and punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['\u2019`]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


# "{place}" names a fragment; "{0,3}" is a regex repeat and is left alone.
_FRAGMENT = re.compile(r"\{([A-Za-z_]\w*)\}")
_ONE_WORD = re.compile(r"[a-z0-9]+")


def _one_word_each(words: list[str]) -> list[str]:
    for word in words:
        if not _ONE_WORD.fullmatch(word):
            raise ValueError(f"'{word}' must be one word in lower case without apostrophes "
                             f"('{normalise(word)}'); put phrases of several words under 'phrases'")
    return words


Words = Annotated[list[str], Field(min_length=1)]


def phrase_regex(phrase: str) -> str:
    """Return the regex for a plain phrase: its words in order, whole, any spacing between."""
    return r"\b" + r"\s+".join(re.escape(word) for word in normalise(phrase).split()) + r"\b"


class Examples(Strict):
    """Messages a pattern must find, and messages it must leave alone."""

    match: list[NonEmpty] = Field(default_factory=list)
    no_match: list[NonEmpty] = Field(default_factory=list)


class MessageExamples(Strict):
    """Whole messages triage must flag, and ones it must not, checked with the words in place."""

    flagged: list[NonEmpty] = Field(default_factory=list)
    not_flagged: list[NonEmpty] = Field(default_factory=list)


class TriagePattern(Strict):
    """A regex (or a list of alternatives) that may use {fragments}, with its examples."""

    pattern: NonEmpty | list[NonEmpty]
    examples: Examples
    recent_only: bool = False

    @property
    def source(self) -> str:
        """Return the regex as written, alternatives joined with '|'."""
        return "|".join(self.pattern) if isinstance(self.pattern, list) else self.pattern


class TriageSign(Strict):
    """One warning sign: how urgent, what the bot calls it, and the words that raise it."""

    id: NonEmpty
    severity: Literal["urgent", "stop"]
    heard_as: NonEmpty
    says_where: bool = False
    settles_in_the_past: bool = False
    words: list[str] = Field(default_factory=list)
    word_starts: list[str] = Field(default_factory=list)
    phrases: list[NonEmpty] = Field(default_factory=list)
    phrase_examples: Examples = Field(default_factory=Examples)
    patterns: list[TriagePattern] = Field(default_factory=list)
    needs_one_of: list[str] = Field(default_factory=list)

    words_are_words = field_validator("words", "word_starts", "needs_one_of")(_one_word_each)


class WordList(Strict):
    """A list of words the rules read, with whole messages that show what it does."""

    words: Words
    examples: MessageExamples = Field(default_factory=MessageExamples)


class InjuryRule(Strict):
    """An injury word with a body part in the same message is a recent injury."""

    sign: NonEmpty
    injury_words: Words
    places: Words
    always: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    examples: MessageExamples = Field(default_factory=MessageExamples)

    words_are_words = field_validator("injury_words", "places", "always", "unless")(
        _one_word_each)


class ScopeWords(Strict):
    """The words that decide what a negation covers, and whom and when a clause is about."""

    negators: WordList
    terminators: WordList
    pseudo_negation_next: WordList
    moves_before_away: WordList
    free_words: WordList
    negates_next_word: WordList
    worries: WordList
    future: WordList
    list_words: WordList
    others: WordList
    others_after_my: WordList
    first_person: WordList
    body_parts: WordList
    long_ago: TriagePattern
    still_current: TriagePattern
    lasting_repair: TriagePattern
    gone_now: TriagePattern
    used_to: TriagePattern
    doing_the_pose: TriagePattern


def expand(source: str, fragments: dict[str, str]) -> str:
    """Return `source` with each {fragment} replaced by its regex, raising ValueError if unknown."""
    def swap(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in fragments:
            known = ", ".join(f"{{{known}}}" for known in sorted(fragments)) or "none"
            raise ValueError(f"unknown fragment {{{name}}} (defined: {known})")
        return f"(?:{fragments[name]})"
    return _FRAGMENT.sub(swap, source)


def compile_regex(source: str, fragments: dict[str, str]) -> re.Pattern[str]:
    """Return the compiled regex, raising ValueError that says why it does not compile."""
    try:
        return re.compile(expand(source, fragments))
    except re.error as exc:
        raise ValueError(f"is not a valid regex: {exc}") from exc


def _example_problems(regex: re.Pattern[str], examples: Examples) -> Iterator[str]:
    for text in examples.match:
        if not regex.search(normalise(text)):
            yield f'example "{text}" is under match but is not matched'
    for text in examples.no_match:
        if regex.search(normalise(text)):
            yield f'example "{text}" is under no_match but is matched'


class TriageVocabulary(Strict):
    """`content/triage.yaml`: the warning signs and the words the safety rules read."""

    fragments: dict[str, NonEmpty] = Field(default_factory=dict)
    signs: list[TriageSign] = Field(min_length=1)
    injury_rule: InjuryRule
    recency: TriagePattern
    everyday_senses: list[TriagePattern] = Field(default_factory=list)
    ordinary_words: list[str] = Field(default_factory=list)
    ordinary_starts: list[str] = Field(default_factory=list)
    pain_words: list[str] = Field(default_factory=list)
    list_symptoms: list[str] = Field(default_factory=list)
    mishaps: list[str] = Field(default_factory=list)
    phrase_words: list[str] = Field(default_factory=list)
    scope: ScopeWords

    words_are_words = field_validator(
        "ordinary_words", "ordinary_starts", "pain_words", "list_symptoms", "mishaps",
        "phrase_words")(_one_word_each)

    def heard_as(self, sign: str) -> str | None:
        """Return the plain words for a sign ("tingling or pins and needles"), if it is known."""
        return next((s.heard_as for s in self.signs if s.id == sign), None)

    def problems(self) -> Iterator[str]:
        """Yield each fault beyond the shape: bad regexes, unknown fragments, failing examples."""
        for name, fragment in self.fragments.items():
            try:
                re.compile(fragment)
            except re.error as exc:
                yield f"fragments.{name}: is not a valid regex: {exc}"
        seen: dict[str, str] = {}
        for sign in self.signs:
            where = f"sign '{sign.id}'"
            if sign.id in seen.values():
                yield f"{where}: id is used more than once"
            for word in sign.words:
                if word in seen:
                    yield f"{where}: word '{word}' is also listed under sign '{seen[word]}'"
                seen[word] = sign.id
            if not (sign.words or sign.phrases or sign.patterns):
                yield f"{where}: needs at least one of words, phrases or patterns"
            yield from self._phrase_problems(sign, where)
            for number, pattern in enumerate(sign.patterns, start=1):
                yield from self._pattern_problems(pattern, f"{where}, pattern {number}")
        if self.injury_rule.sign not in {sign.id for sign in self.signs}:
            yield f"injury_rule: field 'sign': unknown sign '{self.injury_rule.sign}'"
        yield from self._pattern_problems(self.recency, "recency")
        for number, pattern in enumerate(self.everyday_senses, start=1):
            yield from self._pattern_problems(pattern, f"everyday_senses, pattern {number}")
        for name in ("long_ago", "still_current", "lasting_repair", "gone_now", "used_to",
                     "doing_the_pose"):
            yield from self._pattern_problems(getattr(self.scope, name), f"scope.{name}")

    def _phrase_problems(self, sign: TriageSign, where: str) -> Iterator[str]:
        regexes = {phrase: re.compile(phrase_regex(phrase)) for phrase in sign.phrases}
        for phrase, regex in regexes.items():
            if not any(regex.search(normalise(text)) for text in sign.phrase_examples.match):
                yield (f"{where}: phrase '{phrase}' has no example it matches; "
                       "add one under phrase_examples.match")
        for text in sign.phrase_examples.no_match:
            hit = next((p for p, regex in regexes.items() if regex.search(normalise(text))), None)
            if hit is not None:
                yield f"{where}: phrase '{hit}' matches \"{text}\", which is under no_match"

    def _pattern_problems(self, pattern: TriagePattern, where: str) -> Iterator[str]:
        shown = pattern.source if len(pattern.source) <= 50 else pattern.source[:47] + "..."
        where = f"{where} ('{shown}')"
        try:
            regex = compile_regex(pattern.source, self.fragments)
        except ValueError as exc:
            yield f"{where}: {exc}"
            return
        if not pattern.examples.match:
            yield f"{where}: needs at least one example under match"
        for problem in _example_problems(regex, pattern.examples):
            yield f"{where}: {problem}"
