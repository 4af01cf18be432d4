"""The triage vocabulary from `content/triage.yaml`, compiled for the rules in `triage` and `scope`.

The words and patterns are data a coach can extend; what they mean (negation scope, the
injury word-and-place rule, recency, urgency first) stays in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.content.loader import load_triage
from bot.content.schema import TriageSign, TriageVocabulary, compile_regex, phrase_regex
from bot.core.faq.scope import ScopeWords

# Short words are only matched exactly: a fuzzy "numb" would catch "numbr" and "dumb".
MIN_FUZZY_LEN = 5


class Severity(StrEnum):
    """How soon a warning sign needs someone qualified."""

    URGENT = "urgent"
    STOP = "stop"
    # Nothing to stop for now, but someone qualified should OK the pose first: someone else's
    # sign, or a replaced joint from years back.
    CAUTION = "caution"


@dataclass(frozen=True)
class Sign:
    """One warning sign and the patterns (plain phrases included) that raise it."""

    id: str
    severity: Severity
    says_where: bool
    settles_in_the_past: bool
    patterns: tuple[re.Pattern[str], ...]
    recent_patterns: tuple[re.Pattern[str], ...]
    needs_one_of: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    """Every word and pattern triage reads, compiled once."""

    signs: tuple[Sign, ...]
    by_id: dict[str, Sign]
    by_word: dict[str, str]
    fuzzy_words: tuple[str, ...]
    word_starts: tuple[tuple[str, str], ...]
    ordinary: frozenset[str]
    ordinary_starts: tuple[str, ...]
    pain_words: frozenset[str]
    list_symptoms: frozenset[str]
    mishaps: frozenset[str]
    phrase_words: tuple[str, ...]
    injury_sign: str
    injury_words: frozenset[str]
    injury_places: frozenset[str]
    always_injury: frozenset[str]
    not_an_injury: frozenset[str]
    recency: re.Pattern[str]
    everyday_senses: re.Pattern[str]
    scope: ScopeWords

    @classmethod
    def build(cls, data: TriageVocabulary) -> Vocabulary:
        """Compile validated `content/triage.yaml` data."""
        frags = data.fragments
        signs = tuple(_sign(sign, frags) for sign in data.signs)
        by_word = {word: sign.id for sign in data.signs for word in sign.words}
        rule, scope = data.injury_rule, data.scope
        everyday = "|".join(p.source for p in data.everyday_senses) or r"(?!)"
        return cls(
            signs=signs,
            by_id={sign.id: sign for sign in signs},
            by_word=by_word,
            fuzzy_words=tuple(word for word in by_word if len(word) >= MIN_FUZZY_LEN),
            word_starts=tuple((start, sign.id) for sign in data.signs for start in sign.word_starts),
            ordinary=frozenset(data.ordinary_words),
            ordinary_starts=tuple(data.ordinary_starts),
            pain_words=frozenset(data.pain_words),
            list_symptoms=frozenset(data.list_symptoms),
            mishaps=frozenset(data.mishaps),
            phrase_words=tuple(data.phrase_words),
            injury_sign=rule.sign,
            injury_words=frozenset(rule.injury_words),
            injury_places=frozenset(rule.places),
            always_injury=frozenset(rule.always),
            not_an_injury=frozenset(rule.unless),
            recency=compile_regex(data.recency.source, frags),
            everyday_senses=compile_regex(everyday, frags),
            scope=ScopeWords(
                negators=frozenset(scope.negators.words),
                terminators=frozenset(scope.terminators.words),
                pseudo_next=frozenset(scope.pseudo_negation_next.words),
                moves=frozenset(scope.moves_before_away.words),
                free_words=frozenset(scope.free_words.words),
                negates_next_word=frozenset(scope.negates_next_word.words),
                worries=frozenset(scope.worries.words),
                future=frozenset(scope.future.words),
                list_words=frozenset(scope.list_words.words),
                others=frozenset(scope.others.words),
                others_after_my=frozenset(scope.others_after_my.words),
                first_person=frozenset(scope.first_person.words),
                long_ago=compile_regex(scope.long_ago.source, frags),
                still_current=compile_regex(scope.still_current.source, frags),
                lasting_repair=compile_regex(scope.lasting_repair.source, frags),
                gone_now=compile_regex(scope.gone_now.source, frags),
                used_to=compile_regex(scope.used_to.source, frags),
                doing_the_pose=compile_regex(scope.doing_the_pose.source, frags),
                body_parts=tuple((part, re.compile(rf"\b{part}\b"))
                                 for part in scope.body_parts.words),
            ),
        )


def _sign(sign: TriageSign, frags: dict[str, str]) -> Sign:
    # One alternation for all of a sign's plain phrases: a long message is searched once, not
    # once a phrase.
    phrases = (re.compile("|".join(phrase_regex(phrase) for phrase in sign.phrases)),) \
        if sign.phrases else ()
    return Sign(
        id=sign.id,
        severity=Severity(sign.severity),
        says_where=sign.says_where,
        settles_in_the_past=sign.settles_in_the_past,
        patterns=phrases + tuple(compile_regex(p.source, frags)
                                 for p in sign.patterns if not p.recent_only),
        recent_patterns=tuple(compile_regex(p.source, frags)
                              for p in sign.patterns if p.recent_only),
        needs_one_of=frozenset(sign.needs_one_of),
    )


@cache
def load_vocabulary(root: Path | None = None) -> Vocabulary:
    """Return the vocabulary in `root` (default: the shipped `content/`), loaded once."""
    return Vocabulary.build(load_triage(root))
