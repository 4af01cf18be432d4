"""How the matcher's signals become one score, and the settings `tune` chose for them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Signals:
    """Per-entry word signals and meaning neighbours, and the off-topic and warning ones.

    `rows` holds (phrasing, coverage, characters, neighbour) per entry; `semantic` is
    None when the sentence model is not installed.
    """

    rows: list[tuple[float, float, float, float]]
    offtopic: float
    semantic: list[float] | None = None
    offtopic_semantic: float = 0.0
    # Meaning only: the closest red-flag example, and the closest labelled message that is not.
    warning: float = 0.0
    closest_calm: float = 0.0


@dataclass(frozen=True)
class Blend:
    """How the signals become one score, and when off-topic examples veto an answer.

    `neighbour` is the nearest-neighbour share of the word score; the rest is split
    between phrasing, coverage and characters. `semantic` is the sentence-embedding
    share of the final score, when there is one. An answer is vetoed when the closest
    off-topic example is within `offtopic_gap` (words) or `semantic_gap` (meaning) below
    the top entry's closest neighbour, or above it. The values shipped are chosen by `tune`.
    """

    phrasing: float = 0.0
    coverage: float = 0.4
    neighbour: float = 0.2
    offtopic_gap: float = 0.0
    semantic: float = 0.0
    semantic_gap: float = 0.0

    def score(self, phrasing: float, coverage: float, chars: float, neighbour: float) -> float:
        """Combine one entry's (phrasing, coverage, characters, neighbour) into a 0..1 score."""
        char_share = 1.0 - self.phrasing - self.coverage
        blended = self.phrasing * phrasing + self.coverage * coverage + char_share * chars
        return (1.0 - self.neighbour) * blended + self.neighbour * neighbour

    def vetoed(self, neighbour: float, offtopic: float) -> bool:
        """Return whether an off-topic example is too close for the top entry to be answered."""
        return offtopic > 0.0 and offtopic >= neighbour - self.offtopic_gap

    def totals(self, signals: Signals) -> list[float]:
        """Return every entry's final score, in entry order."""
        words = [self.score(*row) for row in signals.rows]
        if signals.semantic is None:
            return words
        return [(1.0 - self.semantic) * w + self.semantic * m
                for w, m in zip(words, signals.semantic, strict=True)]

    def vetoes(self, signals: Signals, top: int) -> bool:
        """Return whether an off-topic example, by words or by meaning, blocks entry `top`."""
        if self.vetoed(signals.rows[top][3], signals.offtopic):
            return True
        return (signals.semantic is not None
                and signals.offtopic_semantic >= signals.semantic[top] - self.semantic_gap)


@dataclass(frozen=True)
class Setting:
    """A blend, the score an answer needs, and its lead over the runner-up."""

    blend: Blend
    answer_threshold: float
    margin: float


# Chosen by `python -m bot.faq_tools.tune` (with --words-only for the second).
SEMANTIC_SETTING = Setting(Blend(offtopic_gap=-0.3, semantic=0.4, semantic_gap=0.0), 0.345, 0.005)
WORDS_ONLY_SETTING = Setting(Blend(), 0.145, 0.005)
