"""Spot sharp pain and lost or strange feeling described in pictures rather than named.

"Numb" and "sharp" are caught as words (see `triage`). People as often paint the feeling:
"like an ice pick in my knee", "my toes feel far away", "my foot slaps the ground". These
patterns read the normalised text (see `triage.normalise`) for those pictures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

SHARP = "sharp or shooting pain"
NUMBNESS = "numbness"
TINGLING = "tingling"

_LIMB = (r"(?:legs?|feet|foot|toes?|calf|calves|shins?|thighs?|knees?|kneecaps?|heels?"
         r"|ankles?|soles?|hamstrings?|quads?)")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SHARP, re.compile(
        r"\b(?:like|as if|feels like)\s+(?:a\s+|an\s+|being\s+)?(?:\w+\s+){0,3}(?:nail|needle|pin"
        r"|ice\s*pick|bee\s+sting|wasp\s+sting|sting|taser|tasered|cattle\s+prod|hot\s+wire"
        r"|skewer|dagger|spear)\b")),
    (SHARP, re.compile(r"\b(?:being|been|getting|get|got)\s+(?:cut|stabbed|knifed|sliced|poked"
                       r"|pierced|electrocuted|tasered|zapped|skewered)\b")),
    (SHARP, re.compile(r"\b(?:ripping|tearing)\s+(?:pain|feeling|sensation)\b"
                       r"|\bsomething\s+(?:is\s+|was\s+)?(?:ripping|tearing)\b"
                       r"|\bit\s+(?:is|was|s)\s+(?:ripping|tearing)\b")),
    (SHARP, re.compile(r"\bnerve\s+(?:pain|pinch\w*|zing\w*|twinge\w*)|\bpinched\s+nerve\b"
                       r"|\bburning\s+line\b|\bpain\s+(?:darting|racing|travell?ing|running)\b")),
    (NUMBNESS, re.compile(r"\b(?:loss\s+of|zero|reduced)\s+(?:feeling|sensation)\b")),
    (NUMBNESS, re.compile(
        r"\b" + _LIMB + r"\b.{0,40}\b(?:far\s+away|heavy\s+and\s+useless|dead\s+weight"
        r"|belongs?\s+to\s+someone\s+else|not\s+(?:my\s+own|mine)|like\s+(?:it\s+is\s+|its\s+)?"
        r"sleeping|(?:cant|cannot|can not|couldnt)\s+(?:really\s+)?feel\s+(?:them|it\s+(?:very\s+"
        r"well|properly|at\s+all|any\s*more)))")),
    (NUMBNESS, re.compile(r"\b(?:hot|cold|numb|dead|tingly)\s+(?:and\s+(?:hot|cold)\s+)?"
                          r"patch(?:es)?\b")),
    (NUMBNESS, re.compile(r"\b(?:like|as if|after)\s+(?:\w+\s+){0,5}(?:anaesthetic|anesthetic"
                          r"|novocaine|novocain|dentist|dentists)\b")),
    (TINGLING, re.compile(r"\b" + _LIMB + r"\b.{0,40}\b(?:buzz|buzzes|buzzed|buzzy|vibrat\w*"
                          r"|tv\s+static|electric\w*)\b")),
    (TINGLING, re.compile(r"\bcreepy\s+crawl\w*|\bcrawling\s+under\b|\bants\b.{0,30}\b" + _LIMB
                          + r"\b|\b(?:tv\s+)?static\s+(?:in|on)\s+(?:my\s+)?" + _LIMB + r"\b")),
)


def described_flags(clean: str) -> Iterator[tuple[str, int]]:
    """Yield (red flag, offset) for each feeling normalised `clean` paints in a picture."""
    for concept, pattern in _PATTERNS:
        for found in pattern.finditer(clean):
            yield concept, found.start()
