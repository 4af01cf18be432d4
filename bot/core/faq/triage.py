"""Safety triage: spot warning signs, and how urgent they are, before any FAQ matching happens.

Recall matters more than precision here: a false alarm costs one extra safety
message, a miss can cost someone a knee. So typos are caught with rapidfuzz, and
only a negation in the same clause ("no numbness, just tight") switches a sign off
(see `scope`). Urgent signs (bladder or bowel control, a numb saddle area, chest pain,
sudden leg weakness, a bad fall) come first: they need help now, not a physio.

The words and patterns live in `content/triage.yaml` (see `vocabulary`); the rules that
read them live here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.content.schema import TriageVocabulary, WordList
from bot.core.faq.scope import Reading, read
from bot.core.faq.vocabulary import MIN_FUZZY_LEN, Severity, Vocabulary, load_vocabulary

__all__ = ["Caution", "RedFlag", "Severity", "assess", "example_problems", "red_flag", "triage"]

_FUZZY_CUTOFF = 84.0


class Caution(StrEnum):
    """Why a sign gets the gentler note rather than the stop answer."""

    SOMEONE_ELSE = "someone else"
    LASTING_REPAIR = "replaced joint"


@dataclass(frozen=True)
class RedFlag:
    """A warning sign heard in a message: what it is, how urgent, and where it was felt."""

    sign: str
    severity: Severity
    where: str | None = None
    caution: Caution | None = None


class _Aside(StrEnum):
    """Why the rules set a sign aside."""

    NEGATED = "negated"
    SOMEONE_ELSE = "someone else"
    PAST = "past"


class _Words:
    """The fuzzy word rules, over one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.v = vocabulary

    def flag(self, token: str) -> str | None:
        """Return the sign `token` names, exactly or by a typo ("stabing"), or None."""
        v = self.v
        sign = v.by_word.get(token)
        if sign is not None or len(token) < MIN_FUZZY_LEN or token in v.ordinary:
            return sign
        if not token.startswith(v.ordinary_starts):
            for start, started in v.word_starts:
                if token.startswith(start):
                    return started
        best = process.extractOne(token, v.fuzzy_words, scorer=fuzz.ratio,
                                  score_cutoff=_FUZZY_CUTOFF)
        return v.by_word[best[0]] if best else None

    def spell_phrase_words(self, tokens: tuple[str, ...]) -> str:
        """Return the text with near-misses of phrase words corrected ("needels" -> "needles")."""
        v = self.v
        fixed = []
        for token in tokens:
            if len(token) >= MIN_FUZZY_LEN and token not in v.ordinary \
                    and token not in v.phrase_words:
                best = process.extractOne(token, v.phrase_words, scorer=fuzz.ratio,
                                          score_cutoff=_FUZZY_CUTOFF)
                token = best[0] if best else token
            fixed.append(token)
        return " ".join(fixed)

    def is_injury(self, token: str) -> bool:
        """Return whether `token` is an injury word, allowing a typo from five letters."""
        v = self.v
        if token in v.injury_words:
            return True
        if len(token) < MIN_FUZZY_LEN or token in v.ordinary:
            return False
        return process.extractOne(token, v.injury_words, scorer=fuzz.ratio,
                                  score_cutoff=_FUZZY_CUTOFF) is not None

    def near_flag(self, token: str) -> str | None:
        """Return the flag a one-letter slip of `token` spells ("sharo" -> sharp), or None."""
        if len(token) < 4 or token in self.v.ordinary:
            return None
        best = process.extractOne(token, tuple(self.v.by_word), scorer=OSA.distance,
                                  score_cutoff=1)
        return self.v.by_word[best[0]] if best and best[0][0] == token[0] else None


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """Yield where each match of `pattern` starts, overlapping ones included.

    A negated mention must not hide a real one it overlaps: in "no tingling in my legs,
    but between my legs is numb", the saddle sign starts again at "between".
    """
    found = pattern.search(text)
    while found is not None:
        yield found.start()
        found = pattern.search(text, found.start() + 1)


class _Triage:
    """One message's reading and the warning signs found in it, in the order the rules look."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.v = vocabulary
        self.rules = _Words(vocabulary)
        self.reading: Reading = read(text, vocabulary.scope,
                                     lambda clean: vocabulary.everyday_senses.sub(" ", clean))
        self.tokens = self.reading.tokens
        self.words: dict[str, str | None] = {}
        for token in self.tokens:
            if token not in self.words:
                self.words[token] = self.rules.flag(token)

    def symptom(self, token: str) -> bool:
        """Return whether `token` names a symptom, so a negated list can run through it."""
        return self.words.get(token) is not None or token in self.v.list_symptoms

    def negated(self, index: int) -> bool:
        """Return whether a negation in its clause covers the token at `index`."""
        return self.reading.negated(index, self.symptom)

    def _word_hits(self) -> Iterator[tuple[str, int]]:
        v = self.v
        for i, token in enumerate(self.tokens):
            if self.words[token] is not None:
                yield self.words[token] or "", i
        words = set(self.tokens)
        if not words & v.not_an_injury and (words & v.injury_places or words & v.always_injury):
            for i, token in enumerate(self.tokens):
                if token in v.always_injury or self.rules.is_injury(token):
                    yield v.injury_sign, i
        for i, token in enumerate(self.tokens):
            beside = self.tokens[max(0, i - 1):i] + self.tokens[i + 1:i + 2]
            if v.pain_words & set(beside) and (flag := self.rules.near_flag(token)) is not None:
                yield flag, i

    def _pattern_hits(self) -> Iterator[tuple[str, int]]:
        text = self.reading.text
        spelled = self.rules.spell_phrase_words(self.tokens)
        sources = (text,) if spelled == text else (text, spelled)
        recent = self.v.recency.search(text) is not None
        for sign in self.v.signs:
            if sign.needs_one_of and not any(
                    t in sign.needs_one_of and not self.negated(i)
                    for i, t in enumerate(self.tokens)):
                continue
            for pattern in (*sign.patterns, *(sign.recent_patterns if recent else ())):
                source = next((source for source in sources if pattern.search(source)), None)
                if source is None:
                    continue
                # Both texts have the same words, so a hit's word index is the same in each.
                for start in _overlapping(pattern, source):
                    yield sign.id, source.count(" ", 0, start)

    def hits(self) -> Iterator[tuple[str, int]]:
        """Yield each sign the rules find, with its token index; set-aside ones included."""
        yield from self._word_hits()
        yield from self._pattern_hits()

    def judge(self, sign: str, index: int) -> _Aside | Caution | None:
        """Return why a sign is set aside, why it gets only the gentler note, or None if it stands.

        Someone else's sign counts only when they are to do the pose, and then as a note;
        an urgent sign never settles in the past.
        """
        reading, found = self.reading, self.v.by_id.get(sign)
        if self.negated(index):
            return _Aside.NEGATED
        if reading.about_someone_else(index):
            if not self.v.scope.doing_the_pose.search(reading.text):
                return _Aside.SOMEONE_ELSE
            return None if found and found.severity is Severity.URGENT else Caution.SOMEONE_ELSE
        if found is None or found.severity is Severity.URGENT:
            return None
        if found.settles_in_the_past and reading.long_ago:
            return _Aside.PAST
        if found.settles_in_the_past and reading.lasting_repair_long_ago:
            return Caution.LASTING_REPAIR
        return _Aside.PAST if reading.gone_since else None


def assess(text: str, vocabulary: Vocabulary | None = None) -> tuple[RedFlag | None, str]:
    """Return the warning sign in `text` (urgent ones first), and the text the meaning check reads.

    The second part is `text` unchanged, or, when some signs were set aside, the clauses
    with those words dropped ("no numbness or tingling, just tight thighs" leaves "just
    tight thighs"), so a negated symptom is not heard again by meaning. `vocabulary`
    defaults to the shipped `content/triage.yaml`.
    """
    if not text.strip():
        return None, text
    vocabulary = vocabulary or load_vocabulary()
    triage = _Triage(text, vocabulary)
    kept: list[tuple[str, int, Caution | None]] = []
    reading = triage.reading
    # Denied symptoms and mishaps ("haven't had any injuries") leave the meaning check too.
    set_aside = [i for i, token in enumerate(triage.tokens)
                 if (triage.symptom(token) or token in vocabulary.mishaps) and triage.negated(i)]
    in_the_past = False
    for sign, index in triage.hits():
        judged = triage.judge(sign, index)
        if isinstance(judged, _Aside):
            set_aside.append(index)
            in_the_past |= judged is _Aside.PAST
        else:
            kept.append((sign, index, judged))
    clauses = {reading.clause_of[i] for i in set_aside}
    firsts = {clause: i for i, clause in reversed(list(enumerate(reading.clause_of)))}
    clauses |= {clause for clause, i in firsts.items() if reading.led_by_someone_else(i)}
    dropped = {i for i, clause in enumerate(reading.clause_of) if clause in clauses}
    if not kept:
        # A message about a settled past ("tore my ACL in 2012, fully rehabbed since") leaves
        # the meaning check nothing to judge: what remains is about that past too.
        return None, "" if in_the_past else reading.without(dropped) if dropped else text
    signs = vocabulary.by_id

    def rank(found: tuple[str, int, Caution | None]) -> int:
        sign, _, caution = found
        return 0 if signs[sign].severity is Severity.URGENT else 2 if caution else 1

    sign, index, caution = min(kept, key=rank)
    where = triage.reading.where(index) if signs[sign].says_where else None
    severity = Severity.CAUTION if caution else signs[sign].severity
    return RedFlag(sign, severity, where, caution), text


def triage(text: str, vocabulary: Vocabulary | None = None) -> RedFlag | None:
    """Return the most urgent warning sign `text` mentions, or None."""
    return assess(text, vocabulary)[0]


def red_flag(text: str, vocabulary: Vocabulary | None = None) -> str | None:
    """Return the warning sign `text` mentions (e.g. "numbness"), or None."""
    flag = triage(text, vocabulary)
    return flag.sign if flag else None


def example_problems(data: TriageVocabulary) -> list[str]:
    """Return each whole-message example in `content/triage.yaml` that triage gets wrong."""
    vocabulary = Vocabulary.build(data)
    lists = {f"scope.{name}": getattr(data.scope, name).examples
             for name in type(data.scope).model_fields
             if isinstance(getattr(data.scope, name), WordList)}
    lists["injury_rule"] = data.injury_rule.examples
    problems = []
    for where, examples in lists.items():
        for text in examples.flagged:
            if red_flag(text, vocabulary) is None:
                problems.append(f'{where}: example "{text}" is under flagged but raises no sign')
        for text in examples.not_flagged:
            if (sign := red_flag(text, vocabulary)) is not None:
                problems.append(f'{where}: example "{text}" is under not_flagged '
                                f"but raises '{sign}'")
    return problems
