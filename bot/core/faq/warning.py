"""Hear a warning sign by meaning, in a whole message or in any one clause of it.

A sentence vector is the mean of its words, so a red flag mentioned in passing ("how
many blocks? also my calf goes numb") is diluted by the ordinary question around it and
sits closer to that question than to any warning sign. Each clause is therefore also
compared on its own. Across the spent blind rounds (each writer's messages removed from
the examples in turn), clauses raised the red flags caught by meaning alone from 281 to
301 of 326, for 3 more false alarms in 2,000 ordinary messages (15 to 18).
"""

from __future__ import annotations

import re

SOUNDS_LIKE_A_WARNING = "sounds like a warning sign"
# A message at least this close in meaning to a red-flag example, and no closer to any
# other labelled message, gets the safety answer. Chosen on the spent red-flag set of
# round 8 (44/60 caught by meaning alone) against 11 false alarms in 1,529 questions.
WARNING_SIMILARITY = 0.5
# Clauses this short ("keep going?", "ow ow") say too little to be judged on their own.
_MIN_CLAUSE_WORDS = 3
# Past this, a message is a paste rather than a question; triage rules still read it all.
MAX_CLAUSES = 12
_CLAUSE_BREAK = re.compile(
    r"(?<=[.?!;:…)])\s+"
    r"|\s*[\n•(]+\s*"
    r"|\s+[-–—]+\s+"
    r"|,?\s+(?:but|also|btw|by the way|plus|though|although|except)\s+",
    re.IGNORECASE,
)


def clauses(message: str) -> list[str]:
    """Return the clauses of `message` long enough to judge, or none if it is only one."""
    parts = [part.strip(" ,.-()") for part in _CLAUSE_BREAK.split(message)]
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return []
    return [part for part in parts if len(part.split()) >= _MIN_CLAUSE_WORDS][:MAX_CLAUSES]


def heard(warning: float, calm: float) -> bool:
    """Return whether a text whose closest red flag and closest other message are these is one."""
    return warning >= WARNING_SIMILARITY and warning >= calm
