"""Read a message clause by clause: what a negation covers, and whom and when a clause is about.

NegEx-style: a negator ("no", "not", "don't") covers only its own clause, which ends at a
comma, a sentence end, or a word such as "but", "just", "only" or "though". So "no
numbness or tingling, just tight thighs" negates both symptoms, while "no pain, just
numbness in my foot" leaves the numbness standing. A symptom said about someone else
("my wife is pregnant") or long ago ("knee surgery 10 years ago") is set aside too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from bot.content.schema import normalise

__all__ = ["NEGATION_WINDOW", "Reading", "ScopeWords", "normalise", "read"]

# A negator reaches this many words forward, not counting symptoms and "or" in a list
# of them, so "no numbness or tingling or sharp pain" negates all three.
NEGATION_WINDOW = 3
_CLAUSE_BREAK = re.compile(r"\s*(?:[;.!?:\n()…—–]+|\s-+\s)\s*")
_COMMA = re.compile(r"\s*,+\s*")
_YEAR = re.compile(r"\b(?:in|back\s+in|since|from|around)\s+((?:19|20)\d\d)\b")
# Before this many years, an injury or a pregnancy counts as the past.
_PAST_YEARS = 2


@dataclass(frozen=True)
class ScopeWords:
    """The words (from `content/triage.yaml`) that scope a negation, a person and a time."""

    negators: frozenset[str]
    terminators: frozenset[str]
    # A negator followed by one of these negates nothing: "not sure", "not helping".
    pseudo_next: frozenset[str]
    # "doesn't go away" negates nothing; "doesn't go numb" does.
    moves: frozenset[str]
    # Little words a negation reaches across without using up its window: "never had a back injury".
    free_words: frozenset[str]
    # "nothing" negates only the word right after it: "nothing sharp", but "nothing helps sharp pain".
    negates_next_word: frozenset[str]
    # A worry about the future is not a symptom now: "worried about getting numbness".
    worries: frozenset[str]
    future: frozenset[str]
    list_words: frozenset[str]
    others: frozenset[str]
    # Words that also address the reader ("bro, my knee..."): another person only after "my".
    others_after_my: frozenset[str]
    first_person: frozenset[str]
    long_ago: re.Pattern[str]
    # What keeps an old event current: "still", a recent date, "came back".
    still_current: re.Pattern[str]
    # A replaced or fused joint: an old surgery that stays relevant to kneeling.
    lasting_repair: re.Pattern[str]
    # A sensation said to have gone ("none now"), and a habit of the past ("used to").
    gone_now: re.Pattern[str]
    used_to: re.Pattern[str]
    # Someone else's sign still matters when they are about to do the pose.
    doing_the_pose: re.Pattern[str]
    body_parts: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True)
class Reading:
    """A message as normalised tokens, each tagged with the clause it belongs to."""

    tokens: tuple[str, ...]
    clause_of: tuple[int, ...]
    words: ScopeWords

    @cached_property
    def text(self) -> str:
        """Return the tokens joined by single spaces, the form patterns read."""
        return " ".join(self.tokens)

    @cached_property
    def _clauses(self) -> dict[int, list[str]]:
        clauses: dict[int, list[str]] = {}
        for token, clause in zip(self.tokens, self.clause_of, strict=True):
            clauses.setdefault(clause, []).append(token)
        return clauses

    def clause(self, index: int) -> list[str]:
        """Return the tokens of the clause token `index` is in."""
        return self._clauses[self.clause_of[index]]

    def negated(self, index: int, symptom: Callable[[str], bool]) -> bool:
        """Return whether a negator in the same clause covers the token at `index`."""
        words = self.words
        clause, steps, j = self.clause_of[index], 0, index - 1
        if j >= 0 and self.tokens[j] in words.negates_next_word and self.clause_of[j] == clause:
            return True
        while j >= 0 and self.clause_of[j] == clause and steps < NEGATION_WINDOW:
            token = self.tokens[j]
            if token in words.future and any(
                    self.tokens[k] in words.worries and self.clause_of[k] == clause
                    for k in range(max(0, j - 3), j)):
                return True
            if token in words.negators:
                following = self.tokens[j + 1:j + 3]
                pseudo = bool(following) and (following[0] in words.pseudo_next or (
                    following[0] in words.moves and following[1:] == ("away",)))
                if not pseudo:
                    return True
            if token not in words.list_words and token not in words.free_words \
                    and not symptom(token):
                steps += 1
            j -= 1
        return False

    def _names_another(self, words: tuple[str, ...] | list[str]) -> bool:
        others = self.words.others
        return any(w in others or (w.endswith("s") and w[:-1] in others) for w in words)

    def about_someone_else(self, index: int) -> bool:
        """Return whether the clause at `index` has someone else, not the writer, as its subject.

        Reading back from the sign: a third person met before any "I", "me" or "my <own
        thing>" is whom the sign is about ("my wife is pregnant", "my brother slipped a
        disc"); "my wife thinks my knee is swollen" is still the writer's knee.
        """
        clause = self.clause_of[index]
        j = index
        while j >= 0 and self.clause_of[j] == clause:
            word = self.tokens[j]
            if self._names_another([word]) or (word in self.words.others_after_my and j > 0
                                               and self.tokens[j - 1] in {"my", "our", "a"}):
                return True
            if word in self.words.first_person or (
                    word == "my" and not self._names_another(self.tokens[j + 1:j + 3])):
                return False
            j -= 1
        return False

    def led_by_someone_else(self, index: int) -> bool:
        """Return whether the clause at `index` opens about another person ("my friend fell...")."""
        clause = self.clause(index)
        for i, word in enumerate(clause):
            if self._names_another([word]):
                return True
            if word in self.words.first_person or (
                    word == "my" and not self._names_another(clause[i + 1:i + 3])):
                return False
        return False

    @cached_property
    def _years_back(self) -> bool:
        text = self.text
        if self.words.still_current.search(text):
            return False
        this_year = datetime.now(UTC).year
        old_year = any(int(m.group(1)) <= this_year - _PAST_YEARS for m in _YEAR.finditer(text))
        return old_year or self.words.long_ago.search(text) is not None

    @cached_property
    def long_ago(self) -> bool:
        """Return whether the message puts its event years back, with nothing keeping it current."""
        return self._years_back and not self.words.lasting_repair.search(self.text)

    @cached_property
    def lasting_repair_long_ago(self) -> bool:
        """Return whether the message tells of a replaced or fused joint from years back."""
        return self._years_back and self.words.lasting_repair.search(self.text) is not None

    @cached_property
    def gone_since(self) -> bool:
        """Return whether the message says a sensation of the past has gone ("none now")."""
        text = self.text
        past = self._years_back or self.words.used_to.search(text) is not None
        return past and not self.words.still_current.search(text) \
            and self.words.gone_now.search(text) is not None

    def where(self, index: int) -> str | None:
        """Return the first body part named in the clause at `index` ("foot"), if any."""
        clause = " ".join(self.clause(index))
        return next((part for part, found in self.words.body_parts if found.search(clause)), None)

    def without(self, dropped: set[int]) -> str:
        """Return the clauses as text, one per line, leaving out the tokens in `dropped`."""
        lines: dict[int, list[str]] = {}
        for i, (token, clause) in enumerate(zip(self.tokens, self.clause_of, strict=True)):
            if i not in dropped:
                lines.setdefault(clause, []).append(token)
        return ".\n".join(" ".join(words) for words in lines.values())


def read(text: str, words: ScopeWords,
         blank: Callable[[str], str] = lambda clean: clean) -> Reading:
    """Split `text` into clauses and normalise each; `blank` removes everyday senses first."""
    tokens: list[str] = []
    clause_of: list[int] = []
    clause = -1
    for sentence in _CLAUSE_BREAK.split(text):
        negated_list = False
        for part in _COMMA.split(sentence):
            found = blank(normalise(part)).split()
            if not found:
                continue
            # "no numbness, tingling or pain": a comma inside a negated list keeps the clause.
            continues = negated_list and bool(set(found) & {"or", "nor"}) \
                and not set(found) & words.terminators
            if not continues:
                clause += 1
            for word in found:
                if word in words.terminators:
                    clause += 1
                tokens.append(word)
                clause_of.append(clause)
            negated_list = bool(set(found) & words.negators) or continues
    return Reading(tuple(tokens), tuple(clause_of), words)
