"""Match a free-text question to a curated FAQ entry, or decide not to.

Questions and entries meet on concept tokens (see `text`), after typo correction against
the FAQ vocabulary. Each entry is scored on three signals:
- phrasing: IDF-weighted overlap with its closest question or alternative;
- coverage: how much of the question the entry explains anywhere, with its answer body
  and tags counting less than its phrasings (so new wordings still find it);
- characters: 3-5 character n-gram TF-IDF cosine, which forgives typos and word forms.
Words (and character runs) that no entry uses weigh heavily against every entry, which
is what keeps off-topic questions that share a word or two with the FAQ unanswered.
Like Rasa's FallbackClassifier, the best score must clear a threshold AND beat the
runner-up by a margin to be answered outright; otherwise the member gets a short
"did you mean" list, or the question goes to the coach.

Labelled member questions (`content/faq-examples.jsonl`) add a fourth signal, the
nearest neighbour: the best token-and-character cosine between the question and any
single phrasing or example of an entry. Off-topic examples are a negative class: when
the question sits at least as close to one of them as to the best entry's neighbours,
it is not answered.

When the sentence model is installed (see `embed`), a fifth signal is the same nearest
neighbour by meaning: the best sentence-embedding cosine to any phrasing or example. It
finds questions that share no words with the FAQ ("my bum never switches on"), and its
own off-topic neighbour vetoes answers too. Without the model the matcher runs on words
alone, with its own tuned setting.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content.loader import OFFTOPIC, ORDINARY, REDFLAG
from bot.content.schema import FaqEntry, FaqExample
from bot.core.faq import text
from bot.core.faq.embed import (
    OFFTOPIC_LABEL,
    ORDINARY_LABEL,
    REDFLAG_LABEL,
    SemanticIndex,
    SentenceEncoder,
    default_encoder,
)
from bot.core.faq.scoring import SEMANTIC_SETTING, WORDS_ONLY_SETTING, Blend, Signals
from bot.core.faq.triage import Caution, Severity, assess
from bot.core.faq.vocabulary import Vocabulary
from bot.core.faq.warning import SOUNDS_LIKE_A_WARNING, clauses, heard

SAFETY_ID = "safety"
# Red-flag and ordinary examples teach the warning-sign check, not the FAQ.
_LABELS = {OFFTOPIC: OFFTOPIC_LABEL, REDFLAG: REDFLAG_LABEL, ORDINARY: ORDINARY_LABEL}
MAX_SUGGESTIONS = 3
# "Did you mean" starts at this share of the answer threshold: near it, not anywhere.
_SUGGEST_SHARE = 0.55
# Long messages are matched on their opening words: a question rarely hides past them,
# and this keeps a 10k-character paste as fast as a short one (triage still reads it all).
_MAX_QUERY_CHARS = 600
# A word fixed by typo correction earns only part of the credit of one typed right, so
# an everyday word that happens to sit near FAQ vocabulary ("bread", "break") can't
# carry an off-topic question over the threshold on its own.
_TYPO_CREDIT = 0.7
_QUESTION_WEIGHT = 0.4
# Where a word appears in an entry decides how much it vouches for that entry.
_TAG_WEIGHT = 0.7
_BODY_WEIGHT = 0.5
_NGRAMS = (3, 4, 5)
# A word no entry uses at all is strong evidence the question is about something else.
_UNKNOWN_BOOST = 4.0
# A neighbour's similarity is this share token cosine, the rest character cosine.
_NEIGHBOUR_TOKEN_SHARE = 0.5


class Outcome(StrEnum):
    """What the bot should do with a question."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    ESCALATE = "escalate"
    OFF_TOPIC = "off-topic"
    SAFETY = "safety"


@dataclass(frozen=True)
class Verdict:
    """The matcher's decision about one question."""

    outcome: Outcome
    confidence: float
    entry: FaqEntry | None
    suggestions: tuple[FaqEntry, ...]
    red_flag: str | None = None
    severity: Severity | None = None
    where: str | None = None
    caution: Caution | None = None


@dataclass(frozen=True)
class _Query:
    weights: dict[str, float]
    total: float
    grams: dict[str, float]


def _char_grams(clean: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in clean.split():
        padded = f" {word} "
        for size in _NGRAMS:
            grams.update(padded[i:i + size] for i in range(len(padded) - size + 1))
    return grams


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {key: value / norm for key, value in vector.items()}


class _Postings:
    """Which messages (or entries) hold each token or character run, and with what weight.

    Kept as two flat arrays with a span per key (not a list of tuples per key), so two
    thousand examples cost about 2 MB instead of about 15.
    """

    def __init__(self, postings: dict[str, list[tuple[int, float]]]) -> None:
        self._spans: dict[str, tuple[int, int]] = {}
        docs: list[int] = []
        weights: list[float] = []
        for key, pairs in postings.items():
            self._spans[key] = (len(docs), len(docs) + len(pairs))
            docs.extend(doc for doc, _ in pairs)
            weights.extend(weight for _, weight in pairs)
        self._docs = np.array(docs, dtype=np.int32)
        self._weights = np.array(weights, dtype=np.float64)

    def dot(self, vector: dict[str, float], share: float, count: int) -> np.ndarray:
        """Return share x (each message's vector . `vector`), for `count` messages."""
        spans = [(self._spans[key], value) for key, value in vector.items() if key in self._spans]
        if not spans:
            return np.zeros(count)
        docs = np.concatenate([self._docs[start:end] for (start, end), _ in spans])
        weights = np.concatenate([self._weights[start:end] * (share * value)
                                  for (start, end), value in spans])
        return np.bincount(docs, weights=weights, minlength=count)


class FaqMatcher:
    """Score questions against FAQ entries and turn the scores into a Verdict."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        examples: Sequence[FaqExample] = (),
        *,
        answer_threshold: float | None = None,
        suggest_threshold: float | None = None,
        margin: float | None = None,
        blend: Blend | None = None,
        words_only: bool = False,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        if not entries:
            raise ValueError("FaqMatcher needs at least one entry")
        encoder = None if words_only else default_encoder()
        shipped = WORDS_ONLY_SETTING if encoder is None else SEMANTIC_SETTING
        self.answer_threshold = (shipped.answer_threshold if answer_threshold is None
                                 else answer_threshold)
        self.suggest_threshold = (round(self.answer_threshold * _SUGGEST_SHARE, 3)
                                  if suggest_threshold is None else suggest_threshold)
        if not 0.0 <= self.suggest_threshold <= self.answer_threshold <= 1.0:
            raise ValueError("need 0 <= suggest_threshold <= answer_threshold <= 1")
        self.margin = shipped.margin if margin is None else margin
        # None means the shipped `content/triage.yaml`, loaded on the first question.
        self.vocabulary = vocabulary
        self.blend = shipped.blend if blend is None else blend
        self.entries: tuple[FaqEntry, ...] = tuple(entries)
        self.examples: tuple[FaqExample, ...] = tuple(examples)
        self._safety = next((e for e in self.entries if e.id == SAFETY_ID), None)
        phrasings = [[e.question, *e.alternatives] for e in self.entries]
        self._phrasings = [[set(text.tokens(p)) for p in texts] for texts in phrasings]
        self._fields = [self._field_weights(e, p) for e, p in zip(
            self.entries, self._phrasings, strict=True)]
        # A word only mentioned in answer bodies says less about which entry is meant.
        df: Counter[str] = Counter()
        for fields in self._fields:
            df.update(fields)
        count = len(self.entries)
        self._idf = {token: math.log((count + 1) / n) + 0.1 for token, n in df.items()}
        self._unknown_idf = (math.log((count + 1) / 0.5) + 0.1) * _UNKNOWN_BOOST
        raw = {w for e in self.entries for t in [e.question, *e.alternatives, *e.tags, e.answer]
               for w in text.words(t)}
        self._known = frozenset(raw | text.KNOWN_SURFACE)
        # Stop words are targets too, so "actualy" becomes "actually" (and is then dropped)
        # rather than being mistaken for an unknown, heavily weighted word.
        self._vocab = tuple(sorted(raw | text.STOP_WORDS))
        self._grams = self._gram_index(
            [" ".join([*texts, *e.tags]) for texts, e in zip(phrasings, self.entries,
                                                             strict=True)])
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)
        self._index_neighbours(phrasings, examples, encoder)

    @staticmethod
    def _field_weights(entry: FaqEntry, phrasings: list[set[str]]) -> dict[str, float]:
        # Numbers in an answer body are mostly list markers and amounts, not topics.
        body = (t for t in text.tokens(entry.answer) if not t.isdigit())
        fields = dict.fromkeys(body, _BODY_WEIGHT)
        fields |= dict.fromkeys(text.tokens(" ".join(entry.tags)), _TAG_WEIGHT)
        fields |= dict.fromkeys(set().union(*phrasings), 1.0)
        return fields

    def _gram_index(self, docs: list[str]) -> _Postings:
        counts = [_char_grams(" ".join(text.words(doc))) for doc in docs]
        df = Counter(gram for grams in counts for gram in grams)
        self._gram_idf = {g: math.log((len(docs) + 1) / (n + 1)) + 1.0 for g, n in df.items()}
        # Character runs no entry contains still count against the question's length,
        # so "sleep at night" dilutes "how long" instead of vanishing.
        self._unseen_gram_idf = math.log(len(docs) + 1) + 1.0
        index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, grams in enumerate(counts):
            vector = _unit({g: (1 + math.log(n)) * self._gram_idf[g] for g, n in grams.items()})
            for gram, value in vector.items():
                index[gram].append((number, value))
        return _Postings(index)

    def _index_neighbours(self, phrasings: list[list[str]], examples: Sequence[FaqExample],
                          encoder: SentenceEncoder | None) -> None:
        numbers = {entry.id: number for number, entry in enumerate(self.entries)}
        unknown = sorted({x.faq for x in examples if x.faq not in numbers} - _LABELS.keys())
        if unknown:
            raise ValueError(f"examples name unknown FAQ ids: {', '.join(unknown)}")
        docs = [(number, phrase) for number, texts in enumerate(phrasings) for phrase in texts]
        docs += [(numbers[x.faq] if x.faq in numbers else _LABELS[x.faq], x.q) for x in examples]
        self._semantic = (None if encoder is None
                          else SemanticIndex(encoder, docs, len(self.entries)))
        labels: list[int] = []
        tokens: dict[str, list[tuple[int, float]]] = defaultdict(list)
        grams: dict[str, list[tuple[int, float]]] = defaultdict(list)
        # Warning-sign examples are for meaning only: their words say nothing about entries.
        for label, phrase in (doc for doc in docs if doc[0] >= OFFTOPIC_LABEL):
            query = self._query(phrase)
            if query is None:
                continue
            for token, value in _unit(query.weights).items():
                tokens[token].append((len(labels), value))
            for gram, value in query.grams.items():
                grams[gram].append((len(labels), value))
            labels.append(label)
        self._doc_labels = np.array(labels, dtype=np.int64)
        self._doc_tokens = _Postings(tokens)
        self._doc_grams = _Postings(grams)

    def _neighbours(self, query: _Query) -> tuple[list[float], float]:
        """Return each entry's closest-neighbour similarity and the closest off-topic one."""
        count = len(self._doc_labels)
        sims = (self._doc_grams.dot(query.grams, 1.0 - _NEIGHBOUR_TOKEN_SHARE, count)
                + self._doc_tokens.dot(_unit(query.weights), _NEIGHBOUR_TOKEN_SHARE, count))
        entries = self._doc_labels >= 0
        best = np.zeros(len(self.entries))
        np.maximum.at(best, self._doc_labels[entries], sims[entries])
        offtopic = sims[self._doc_labels == OFFTOPIC_LABEL]
        return best.tolist(), float(offtopic.max()) if offtopic.size else 0.0

    def _weight(self, token: str) -> float:
        weight = self._idf.get(token, self._unknown_idf)
        return weight * _QUESTION_WEIGHT if token in text.QUESTION_WORDS else weight

    def _correct_uncached(self, word: str) -> str:
        if (word in self._known or len(word) < 5 or word.isdigit()
                or text.stem(word) in self._idf):
            return word
        edits = 1 if len(word) < 8 else 2
        candidates = process.extract(word, self._vocab, scorer=OSA.distance,
                                     score_cutoff=edits, limit=5)
        # People rarely mistype the first letter; requiring it avoids most false fixes.
        return next((c for c, _, _ in candidates if c[0] == word[0] and len(c) >= 4), word)

    def _query(self, question: str) -> _Query | None:
        credit: dict[str, float] = {}
        fixed_words = []
        for word in text.words(question[:_MAX_QUERY_CHARS]):
            fixed = self._correct(word)
            fixed_words.append(fixed)
            factor = 1.0 if fixed == word else _TYPO_CREDIT
            for token in text.concepts((fixed,)):
                credit[token] = max(credit.get(token, 0.0), factor)
        if not credit:
            return None
        weights = {t: self._weight(t) * c for t, c in credit.items()}
        grams = _char_grams(" ".join(fixed_words))
        vector = _unit({g: (1 + math.log(n)) * self._gram_idf.get(g, self._unseen_gram_idf)
                        for g, n in grams.items()})
        return _Query(weights, sum(weights.values()), vector)

    def _char_scores(self, query: _Query) -> list[float]:
        return self._grams.dot(query.grams, 1.0, len(self.entries)).tolist()

    def _phrasing_score(self, query: _Query, phrasing: set[str]) -> float:
        overlap = sum(w for t, w in query.weights.items() if t in phrasing)
        if overlap == 0.0:
            return 0.0
        total = sum(self._weight(t) for t in phrasing)
        recall, precision = overlap / query.total, overlap / total
        return 2 * recall * precision / (recall + precision)

    def signals(self, question: str) -> Signals:
        """Return every entry's signals, in entry order, and the off-topic neighbour."""
        query = self._query(question)
        meaning: dict[str, Any] = {}
        if self._semantic is not None:
            near = self._semantic.nearest(question[:_MAX_QUERY_CHARS])
            meaning = {"semantic": near.entries, "offtopic_semantic": near.offtopic,
                       "warning": near.warning, "closest_calm": near.calm}
        if query is None:
            return Signals([(0.0, 0.0, 0.0, 0.0)] * len(self.entries), 0.0, **meaning)
        chars = self._char_scores(query)
        neighbours, offtopic = self._neighbours(query)
        rows = []
        for phrasings, fields, char, near in zip(self._phrasings, self._fields, chars,
                                                 neighbours, strict=True):
            coverage = sum(w * fields.get(t, 0.0) for t, w in query.weights.items())
            if coverage == 0.0:
                rows.append((0.0, 0.0, 0.0, near))
                continue
            best = max(self._phrasing_score(query, p) for p in phrasings)
            rows.append((best, coverage / query.total, char, near))
        return Signals(rows, offtopic, **meaning)

    def _ranked(self, signals: Signals) -> list[tuple[float, int]]:
        ranked = [(round(score, 6), number)
                  for number, score in enumerate(self.blend.totals(signals))]
        ranked.sort(key=lambda pair: pair[0], reverse=True)
        return ranked

    def scores(self, question: str) -> list[tuple[float, FaqEntry]]:
        """Return (score, entry) for every entry, best first, ignoring triage."""
        return [(score, self.entries[n]) for score, n in self._ranked(self.signals(question))]

    def _warning(self, question: str, calm_text: str, signals: Signals) -> float | None:
        """Return how close the message or one of its clauses is to a red flag, if it is one.

        `calm_text` is the message without the clauses whose signs triage set aside
        (negated, someone else's, long ago); when it differs, it is what gets judged.
        """
        if calm_text != question:
            if self._semantic is None or len(calm_text.split()) < 2:
                return None
            signals = self.signals(calm_text)
        if heard(signals.warning, signals.closest_calm):
            return signals.warning
        if self._semantic is None:
            return None
        return next((closest for closest, calm in self._semantic.warnings(clauses(calm_text))
                     if heard(closest, calm)), None)

    def match(self, question: str) -> Verdict:
        """Decide how to answer `question`: safety, answer, suggestions or the coach."""
        flag, calm_text = assess(question, self.vocabulary)
        if flag is not None:
            return Verdict(Outcome.SAFETY, 1.0, self._safety, (), red_flag=flag.sign,
                           severity=flag.severity, where=flag.where, caution=flag.caution)
        signals = self.signals(question)
        warning = self._warning(question, calm_text, signals)
        if warning is not None:
            return Verdict(Outcome.SAFETY, round(warning, 6), self._safety, (),
                           red_flag=SOUNDS_LIKE_A_WARNING, severity=Severity.STOP)
        ranked = self._ranked(signals)
        best, top = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        confidence = min(1.0, max(0.0, best))
        if self.blend.vetoes(signals, top):
            # The question reads like one the coach already said the FAQ does not cover.
            closest = max(signals.offtopic, signals.offtopic_semantic)
            return Verdict(Outcome.OFF_TOPIC, max(0.0, min(confidence, 1.0 - closest)), None, ())
        if best >= self.answer_threshold and best - runner_up >= self.margin:
            return Verdict(Outcome.ANSWER, confidence, self.entries[top], ())
        suggestions = tuple(self.entries[n] for s, n in ranked[:MAX_SUGGESTIONS]
                            if s >= self.suggest_threshold)
        if suggestions:
            return Verdict(Outcome.SUGGEST, confidence, suggestions[0], suggestions)
        return Verdict(Outcome.ESCALATE, confidence, None, ())
