"""Match a free-text question to a curated FAQ entry, or decide not to.

Each entry is scored over its question, alternatives and tags: IDF-weighted token
overlap (after normalising, dropping stop words, light stemming, synonyms and typo
correction against the FAQ vocabulary) blended with rapidfuzz character similarity.
Like Rasa's FallbackClassifier, the best score must clear a threshold AND beat the
runner-up by a margin to be answered outright; otherwise the member gets a short
"did you mean" list, or the question goes to the coach.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.content.schema import FaqEntry
from bot.core.faq.triage import normalise, red_flag

SAFETY_ID = "safety"
MAX_SUGGESTIONS = 3
# Long messages are matched on their opening words: a question rarely hides past them,
# and this keeps a 10k-character paste as fast as a short one (triage still reads it all).
_MAX_QUERY_CHARS = 600
# A word fixed by typo correction earns only part of the credit of one typed right, so
# an everyday word that happens to sit near FAQ vocabulary ("bread", "break") can't
# carry an off-topic question over the threshold on its own.
_TYPO_CREDIT = 0.7

_STOP_WORDS = frozenset("""
a an the i im ive id me my mine myself we us our you your youre u ur it its itself this that
these those is are am was were be been being do does did doing done have has had having to of
in on at by for from with about into onto over up down out off as so than too very just
really also and or but if then there here some any all much more most many lot lots bit little
can could should would will shall may might must ok okay please thanks thank hi hey hello yes
no not dont doesnt didnt cant cannot wont isnt arent wasnt get gets got getting go going gonna
wanna want need like know thing things stuff way kind sort actually maybe even well one
supposed meant keep keeps say says saying said tell told explain explained
pose they them their he him his she her
s t ll d re ve m
""".split())
# Question words carry intent but, on their own, should not win a match.
_QUESTION_WORDS = frozenset({"what", "why", "how", "when", "where", "who", "which"})
_QUESTION_WEIGHT = 0.4

# Phrases rewritten before tokenising, so spellings of one idea meet on one form.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bl\s*([45])\s*l\s*5\b"), r"l\1 l5"),
    (re.compile(r"\bl\s*5\s*s\s*1\b"), "l5 s1"),
    (re.compile(r"\bback\s+bend"), "backbend"),
    (re.compile(r"\bhip\s*flex(?:o|e)rs?\b"), "flexor"),
    (re.compile(r"\bhalf\s+(?:an\s+)?hour\b"), "30 minute"),
    (re.compile(r"\b(?:in\s+(?:and|n|&)\s+out|back\s+(?:and|n|&)\s+forth|to\s+and\s+fro)\b"),
     "easeinout"),
    (re.compile(r"\b(?:get|gets|getting|got|stand|stands|standing|stood)\s+up\b"), "stand"),
    # "sit back" and "lean back" are movements, not the back that aches.
    (re.compile(r"\b(?:sit|sits|sitting|sat)\s+back\b"), "sit"),
    (re.compile(r"\b(?:lean|leans|leaning|lie|lies|lying|lay|laying)\s+back\b"), "recline"),
    (re.compile(r"\bpins?\s+and\s+needles?\b"), "tingling"),
    (re.compile(r"\btoo\s+(?:much|intense|strong|hard|deep)\b"), "intense"),
    (re.compile(r"\btoo\s+(?:painful|sore|uncomfortable)\b"), "intense pain"),
    (re.compile(r"\bbody\s+parts?\b"), "muscle"),
    (re.compile(r"\btake\s+away\b"), "help"),
    (re.compile(r"\bgood\s+(?:morning|afternoon|evening|night|day)\b"), "hello"),
)

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "virasana": ("hero",), "heros": ("hero",), "heroes": ("hero",), "veerasana": ("hero",),
    "glutes": ("glute",), "gluteus": ("glute",), "butt": ("glute", "hip"), "bum": ("glute", "hip"),
    "buttock": ("glute",), "buttocks": ("glute",), "booty": ("glute",), "bottom": ("glute", "hip"),
    "quads": ("quad",), "quadriceps": ("quad",), "thigh": ("quad",), "thighs": ("quad",),
    "tailbone": ("tail",), "coccyx": ("tail",), "flexors": ("flexor",), "flexers": ("flexor",),
    "flexer": ("flexor",), "psoas": ("flexor",), "iliopsoas": ("flexor",),
    "shins": ("shin",), "tibialis": ("shin",), "practise": ("practice",),
    "practising": ("practice",), "practicing": ("practice",), "pillow": ("cushion",),
    "feet": ("foot",), "lean": ("recline",), "leaning": ("recline",), "lie": ("recline",),
    "lying": ("recline",), "reclined": ("recline",), "reclining": ("recline",),
    "supta": ("recline",), "physio": ("doctor",), "physiotherapist": ("doctor",),
    "gp": ("doctor",), "dr": ("doctor",), "human": ("coach",), "person": ("coach",),
    "teacher": ("coach",), "instructor": ("coach",), "office": ("desk",),
    "breathe": ("breath",), "breathing": ("breath",),
    "breaths": ("breath",), "hurt": ("pain",), "hurts": ("pain",), "hurting": ("pain",),
    "painful": ("pain",), "ache": ("pain",), "aches": ("pain",), "aching": ("pain",),
    "achy": ("pain",), "sore": ("pain",), "apt": ("anterior", "pelvic", "tilt"),
    "mins": ("minute",), "min": ("minute",), "minutes": ("minute",), "secs": ("second",),
    "sec": ("second",), "hourly": ("hour",), "lumbar": ("lower", "back"),
    "warmup": ("warm", "up"), "sanskrit": ("mean",), "meaning": ("mean",),
    "whats": ("what",), "hows": ("how",), "wheres": ("where",), "whos": ("who",),
    "link": ("connect",), "linked": ("connect",), "connection": ("connect",),
    "connected": ("connect",), "related": ("connect",), "relate": ("connect",),
    "fix": ("help",), "cure": ("help",), "relieve": ("help",), "relief": ("help",),
    "reduce": ("help",), "speak": ("talk",), "chat": ("talk",), "reminder": ("remind",),
    "reminders": ("remind",), "timing": ("time",), "deep": ("depth",), "deeper": ("depth",),
    "deepen": ("depth",), "further": ("depth",), "daily": ("every", "day"),
    "everyday": ("every", "day"), "preparation": ("prepare",), "prep": ("prepare",),
    "strain": ("discomfort",), "strained": ("discomfort",), "pressure": ("discomfort",),
    "uncomfortable": ("discomfort",),
}

def _stem(token: str) -> str:
    if len(token) <= 3 or token.isdigit() or token.endswith("ss"):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    for suffix in ("ing", "ed"):
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 3:
            if stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            return stem
    if token.endswith("ly") and len(token) > 5:
        token = token[:-2]
    elif token.endswith("es") and token[:-2].endswith(("s", "x", "z", "ch", "sh")):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("us", "is")):
        token = token[:-1]
    # "release"/"released" and "ankle"/"ankles" should meet on one stem.
    return token[:-1] if token.endswith("e") and len(token) >= 5 else token


def _words(text: str) -> list[str]:
    clean = normalise(text)
    for pattern, replacement in _PHRASES:
        clean = pattern.sub(replacement, clean)
    return clean.split()


def _expand(words: Iterable[str]) -> list[str]:
    tokens: list[str] = []
    for raw in words:
        for word in _SYNONYMS.get(raw, (raw,)):
            if word not in _STOP_WORDS:
                tokens.append(_stem(word))
    return tokens


class Outcome(StrEnum):
    """What the bot should do with a question."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    ESCALATE = "escalate"
    SAFETY = "safety"


@dataclass(frozen=True)
class Verdict:
    """The matcher's decision about one question."""

    outcome: Outcome
    confidence: float
    entry: FaqEntry | None
    suggestions: tuple[FaqEntry, ...]
    red_flag: str | None = None


@dataclass(frozen=True)
class _Doc:
    weights: dict[str, float]
    total: float
    text: str
    credit: dict[str, float]


class FaqMatcher:
    """Score questions against FAQ entries and turn the scores into a Verdict."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        *,
        answer_threshold: float = 0.42,
        suggest_threshold: float = 0.28,
        margin: float = 0.04,
    ) -> None:
        if not entries:
            raise ValueError("FaqMatcher needs at least one entry")
        if not 0.0 <= suggest_threshold <= answer_threshold <= 1.0:
            raise ValueError("need 0 <= suggest_threshold <= answer_threshold <= 1")
        self.entries: tuple[FaqEntry, ...] = tuple(entries)
        self.answer_threshold = answer_threshold
        self.suggest_threshold = suggest_threshold
        self.margin = margin
        self._safety = next((e for e in self.entries if e.id == SAFETY_ID), None)
        phrasings = [[e.question, *e.alternatives] for e in self.entries]
        bags = [
            set(_expand(_words(" ".join([*texts, *entry.tags]))))
            for texts, entry in zip(phrasings, self.entries, strict=True)
        ]
        df = Counter(token for bag in bags for token in bag)
        count = len(self.entries)
        self._idf = {token: math.log((count + 1) / n) + 0.1 for token, n in df.items()}
        self._unknown_idf = math.log((count + 1) / 0.5) + 0.1
        raw = {w for e in self.entries for t in [e.question, *e.alternatives, *e.tags]
               for w in _words(t)}
        self._known = frozenset(raw | _SYNONYMS.keys() | _STOP_WORDS)
        self._vocab = tuple(sorted(raw - _STOP_WORDS))
        self._bags = [self._doc(bag) for bag in bags]
        self._docs = [[self._doc(_expand(_words(t))) for t in texts] for texts in phrasings]
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def _weight(self, token: str) -> float:
        weight = self._idf.get(token, self._unknown_idf)
        return weight * _QUESTION_WEIGHT if token in _QUESTION_WORDS else weight

    def _doc(self, tokens: Iterable[str], credit: dict[str, float] | None = None) -> _Doc:
        unique = list(dict.fromkeys(tokens))
        weights = {t: self._weight(t) for t in unique}
        credit = credit or dict.fromkeys(unique, 1.0)
        return _Doc(weights, sum(weights.values()), " ".join(unique), credit)

    def _correct_uncached(self, word: str) -> str:
        if word in self._known or len(word) < 5 or word.isdigit() or _stem(word) in self._idf:
            return word
        edits = 1 if len(word) < 8 else 2
        candidates = process.extract(word, self._vocab, scorer=OSA.distance,
                                     score_cutoff=edits, limit=5)
        # People rarely mistype the first letter; requiring it avoids most false fixes.
        return next((c for c, _, _ in candidates if c[0] == word[0] and len(c) >= 4), word)

    def _query(self, question: str) -> _Doc | None:
        credit: dict[str, float] = {}
        for word in _words(question[:_MAX_QUERY_CHARS]):
            fixed = self._correct(word)
            factor = 1.0 if fixed == word else _TYPO_CREDIT
            for token in _expand((fixed,)):
                credit[token] = max(credit.get(token, 0.0), factor)
        return self._doc(credit, credit) if credit else None

    def _score(self, query: _Doc, doc: _Doc) -> float:
        overlap = sum(w * query.credit[t] for t, w in query.weights.items() if t in doc.weights)
        if overlap == 0.0:
            return 0.0
        recall = overlap / query.total
        precision = overlap / doc.total
        tokens = 2 * recall * precision / (recall + precision)
        chars = fuzz.token_sort_ratio(query.text, doc.text) / 100.0
        return 0.75 * tokens + 0.25 * chars

    def scores(self, question: str) -> list[tuple[float, FaqEntry]]:
        """Return (score, entry) for every entry, best first, ignoring triage."""
        query = self._query(question)
        if query is None:
            return [(0.0, entry) for entry in self.entries]
        ranked = []
        for entry, bag, docs in zip(self.entries, self._bags, self._docs, strict=True):
            best_doc = max(self._score(query, doc) for doc in docs)
            coverage = sum(w * query.credit[t] for t, w in query.weights.items()
                           if t in bag.weights) / query.total
            score = 0.7 * best_doc + 0.3 * coverage * best_doc ** 0.5
            ranked.append((round(score, 6), entry))
        ranked.sort(key=lambda pair: pair[0], reverse=True)
        return ranked

    def match(self, question: str) -> Verdict:
        """Decide how to answer `question`: safety, answer, suggestions or the coach."""
        flag = red_flag(question)
        if flag is not None:
            return Verdict(Outcome.SAFETY, 1.0, self._safety, (), red_flag=flag)
        ranked = self.scores(question)
        best, entry = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        confidence = min(1.0, max(0.0, best))
        if best >= self.answer_threshold and best - runner_up >= self.margin:
            return Verdict(Outcome.ANSWER, confidence, entry, ())
        suggestions = tuple(e for s, e in ranked[:MAX_SUGGESTIONS] if s >= self.suggest_threshold)
        if suggestions:
            return Verdict(Outcome.SUGGEST, confidence, entry, suggestions)
        return Verdict(Outcome.ESCALATE, confidence, None, ())
