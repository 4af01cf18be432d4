"""Safety triage: spot red-flag words before any FAQ matching happens.

Recall matters more than precision here: a false alarm costs one extra safety
message, a miss can cost someone a knee. So typos are caught with rapidfuzz, and
only a short, explicit negation ("no numbness") switches a word off.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.faq.injury import casual_flag
from bot.core.faq.sensation import described_flag

# Each concept: words that alone are a red flag, matched exactly or by fuzzy ratio.
_WORD_FLAGS: dict[str, tuple[str, ...]] = {
    "sharp or shooting pain": (
        "sharp", "sharper", "sharpest", "sharply", "stabbing", "stabbed", "stabs", "stabby",
        "shooting", "shoots", "radiating",
        "searing", "excruciating", "severe", "knife", "knifelike", "knives", "piercing",
        "electric", "zapping", "zaps", "zapped", "lightning", "jab", "jabs", "jabbing", "zing",
        "zings", "zinged", "zinging", "stinger", "jolt", "jolts", "jolting", "jolted", "slicing",
        "acute", "agonising", "agonizing", "agony", "knifing", "knifed", "zap", "zinger",
        "zingers", "tasered", "darting", "stab",
    ),
    "numbness": ("numb", "numbness", "numbed", "numbing", "numbly", "numbish"),
    "tingling": ("tingling", "tingly", "tingle", "tingles", "tingled", "prickly", "prickling",
                 "fizzy", "fizzing", "fizzes", "buzzing", "formication", "paresthesia",
                 "paresthesias", "paraesthesia", "paraesthesiae", "dysesthesia", "neuropathy"),
    "pregnancy": (
        "pregnant", "pregnancy", "pregnancies", "preggers", "preggo", "trimester", "postpartum",
        "prenatal", "antenatal", "postnatal", "perinatal",
    ),
    "recent injury or surgery": ("surgery", "surgeries", "surgical", "postop", "surgeon",
                                 "laminectomy", "discectomy", "microdiscectomy", "meniscectomy",
                                 "arthroplasty", "osteotomy"),
    "swelling": ("swelling", "swollen", "swelled", "swells"),
    "dizziness or fainting": ("dizzy", "dizziness", "faint", "fainted", "lightheaded"),
    "nerve pain": ("sciatica", "sciatic"),
}
# Everyday words a typo-tolerant match would otherwise confuse with a red flag.
_ORDINARY = frozenset({
    "strain", "strains", "strained", "straining", "operate", "operates", "several", "shouting",
    "spelling", "selling", "sharing", "shaping", "singles", "single", "location", "locations",
    "rotation", "rotations", "hearing", "wearing", "bearing", "nearing", "clearing", "serving",
    "kneeling", "knees", "knitting", "electronic", "electricity", "lighting", "share", "shared", "shares",
    "sliding", "slides", "singer", "singers", "switches", "switched", "stitch", "zipping", "sleep",
    "sharpie", "sharpies", "sharpen", "sharpened", "sharpener",
})
# Red-flag words in their everyday senses ("8 sharp", "mind-numbing", "shooting a video"),
# blanked out before the words are read. Each names its other sense outright, so none can
# hide a symptom: "sharp pain" or "numb toes" never fits one.
_OTHER_SENSES = re.compile(
    r"\b(?:\d{1,2}(?:\s*[ap]m)?|oclock|noon|midday)\s+sharp\b"
    r"|\bsharp(?:er|est|ly)?\s+(?:as\s+a\s+tack|dresser|corners?|edges?|end|mind|eyes?|wit"
    r"|improvement|drop|decrease)\b"
    r"|\b(?:dropped|improved|fell|fallen|rose|risen|increased|decreased|declined)\s+sharply\b"
    r"|\bshooting\s+(?:a\s+|some\s+|the\s+)?(?:hoops|videos?|photos?|pictures?|films?|clips?"
    r"|reels?|pool|baskets)\b"
    r"|\bmind\s*numb\w*\s+(?:meetings?|webinars?|calls?|work|jobs?|days?|tasks?|admin|boredom)\b"
    r"|\bnumb\s*brained\b"
    r"|\bbuzzing\s+(?:to|about|for)\b"
    r"|\b(?:booster|flu|covid|vaccine|vaccination|tetanus)\s+jabs?\b")
# Short words are only matched exactly: a fuzzy "numb" would catch "numbr" and "dumb".
_MIN_FUZZY_LEN = 5
_FUZZY_CUTOFF = 84.0

_INJURY_WORDS = frozenset({
    "injury", "injuries", "injured", "injure", "torn", "tore", "tear", "sprain", "sprained",
    "fracture", "fractured", "broke", "broken", "dislocated", "dislocation", "operation", "operated",
    "op", "replacement", "reconstruction", "ruptured", "rupture",
})
_INJURY_PLACES = frozenset({
    "tibia", "tibial", "fibula", "femur", "patella", "kneecap", "cartilage", "tendon",
    "knee", "knees", "hip", "hips", "back", "spine", "spinal", "disc", "ankle", "ankles",
    "acl", "mcl", "pcl", "meniscus", "ligament", "ligaments", "leg", "legs", "foot", "feet",
})
_ALWAYS_INJURY = frozenset({"acl", "mcl", "pcl", "meniscus"})
_PREVENTION = frozenset({"prevent", "prevents", "preventing", "avoid", "avoiding", "risk"})
# "nothing" is left out on purpose: "nothing helps, sharp pain" must still flag.
_NEGATORS = frozenset({"no", "not", "without", "never", "dont", "doesnt", "isnt", "nor", "zero"})
_NEGATION_WINDOW = 3

_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tingling", re.compile(r"\bpins?\s*(?:and|n|&|\+)?\s*needles?\b")),
    ("chest pain", re.compile(r"\bchest\s+(?:\w+\s+)?(?:pain|hurts?|hurting|tight\w*|pressure)")),
    ("chest pain", re.compile(r"\b(?:pain|hurts?|hurting|tight\w*|pressure)\s+in\s+(?:my\s+)?chest")),
    ("loss of feeling", re.compile(
        r"\b(?:cant|cannot|can not|unable to|couldnt)\s+feel\s+(?:my\s+)?"
        r"(?:legs?|feet|foot|toes?|knees?|body|anything)")),
    ("loss of feeling", re.compile(r"\b(?:lost|lose|loses|losing|no)\s+(?:all\s+)?(?:the\s+)?"
                                   r"(?:feeling|sensation)")),
    ("loss of feeling", re.compile(
        r"\b(?:cant|cannot|can not|unable to|couldnt|can barely|can hardly|barely|hardly)\s+"
        r"feel\s+(?:\w+\s+){0,2}(?:legs?|feet|foot|toes?|knees?|calf|calves|thighs?|shins?"
        r"|fingers?)\b|\bwithout\s+(?:any\s+)?(?:sensation|feeling)\b")),
    ("numbness", re.compile(
        r"\b(?:legs?|feet|foot|toes?|calf|calves|shins?|thighs?|knees?)\b.{0,40}\b(?:wooden"
        r"(?!\s+(?:floor|floors|block|blocks|board|boards|surface|deck))|rubbery?"
        r"|like\s+(?:a\s+)?(?:block|lump|log|brick)|dead|asleep|static|funny\s+bone"
        r"|ants|crawling|thick\s+sock|cotton\s+wool)\b")),
    ("sharp or shooting pain", re.compile(
        r"\b(?:like|as if|feels like)\s+(?:a\s+|an\s+|being\s+)?(?:\w+\s+){0,2}(?:knife|knives"
        r"|nail|needle|needles|glass|blade|razor|cut|arrow|bolt|lightning|electricity|shock"
        r"|stab|stabbed)\b|\bwhite\s*hot\b|\bred\s*hot\b|\bshards?\b|\bspikes?\s+(?:of\s+)?"
        r"(?:pain|in)\b|\blittle\s+spike\b")),
    ("numbness", re.compile(
        r"\b(?:legs?|feet|foot|toes?)\s+(?:went|go|goes|going|fell|fall|falls|falling|feels?)\s+"
        r"(?:\w+\s+){0,3}(?:sleep|asleep|dead)\b")),
    ("bladder or bowel control", re.compile(
        r"\b(?:bladder|bowel|bowels|incontinen\w*|wet myself|peed myself|pee myself)")),
    ("knee locking or giving way", re.compile(
        r"\b(?:gives?|gave|giving)\s+(?:way|out)\b|\bknees?\s+(?:\w+\s+)?lock(?:s|ed|ing)?\b")),
    ("swelling after a pop", re.compile(r"\b(?:pop|popped|popping|snap|snapped)\b")),
)
_PAIN_WORDS = frozenset({"pain", "pains", "painful", "ache", "aches", "feeling", "feelings",
                         "sensation", "twinge", "twinges", "hurt", "hurts", "legs", "feet", "toes"})
# "heard a pop" alone might be a harmless joint crack; with pain or swelling it is not.
_POP_COMPANIONS = frozenset({"pain", "painful", "hurt", "hurts", "swelling", "swollen", "swell"})

# The words the phrase patterns hang on; a typo in one of them must not hide the phrase.
_PHRASE_WORDS = ("needles", "needle", "bladder", "bowels", "chest", "feeling", "asleep",
                 "pressure", "popped", "incontinence", "cannot", "swelling")

_LOOKUP: dict[str, str] = {word: concept for concept, words in _WORD_FLAGS.items()
                           for word in words}
_FLAG_WORDS = tuple(_LOOKUP)
_FUZZY_CHOICES = tuple(word for word in _LOOKUP if len(word) >= _MIN_FUZZY_LEN)


def normalise(text: str) -> str:
    """Return lowercase ASCII-ish text with apostrophes dropped and punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['\u2019`]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


def _flag_word(token: str) -> str | None:
    concept = _LOOKUP.get(token)
    if concept is not None or len(token) < _MIN_FUZZY_LEN or token in _ORDINARY:
        return concept
    if token.startswith(("numb", "tingl", "pregn")) and not token.startswith("number"):
        return _LOOKUP[{"n": "numb", "t": "tingle", "p": "pregnant"}[token[0]]]
    best = process.extractOne(token, _FUZZY_CHOICES, scorer=fuzz.ratio,
                              score_cutoff=_FUZZY_CUTOFF)
    return _LOOKUP[best[0]] if best else None


def _spell_phrase_words(tokens: list[str]) -> str:
    """Return the text with near-misses of phrase words corrected ("needels" -> "needles")."""
    fixed = []
    for token in tokens:
        if len(token) >= _MIN_FUZZY_LEN and token not in _ORDINARY and token not in _PHRASE_WORDS:
            best = process.extractOne(token, _PHRASE_WORDS, scorer=fuzz.ratio,
                                      score_cutoff=_FUZZY_CUTOFF)
            token = best[0] if best else token
        fixed.append(token)
    return " ".join(fixed)


def _negated(tokens: list[str], index: int) -> bool:
    return any(t in _NEGATORS for t in tokens[max(0, index - _NEGATION_WINDOW):index])


def _is_injury(token: str) -> bool:
    if token in _INJURY_WORDS:
        return True
    if len(token) < _MIN_FUZZY_LEN or token in _ORDINARY:
        return False
    return process.extractOne(token, _INJURY_WORDS, scorer=fuzz.ratio,
                              score_cutoff=_FUZZY_CUTOFF) is not None


def _injury(tokens: list[str], unique: Iterable[str]) -> bool:
    words = set(unique)
    if words & _ALWAYS_INJURY:
        return True
    if words & _PREVENTION or not words & _INJURY_PLACES:
        return False
    return any(_is_injury(t) and not _negated(tokens, i) for i, t in enumerate(tokens))


def _near_flag(token: str) -> str | None:
    """Return the flag a one-letter slip of `token` spells ("sharo" -> sharp), or None."""
    if len(token) < 4 or token in _ORDINARY:
        return None
    best = process.extractOne(token, _FLAG_WORDS, scorer=OSA.distance, score_cutoff=1)
    return _LOOKUP[best[0]] if best and best[0][0] == token[0] else None


def _slipped_flag(tokens: list[str]) -> str | None:
    """Return a flag misspelt right beside a word for pain ("sharo pain"), or None.

    Alone, a one-letter slip is too loose ("share" is one from "sharp"); next to "pain"
    or "feeling" it is what a hurried thumb makes of a red flag.
    """
    for i, token in enumerate(tokens):
        beside = tokens[max(0, i - 1):i] + tokens[i + 1:i + 2]
        if _PAIN_WORDS & set(beside) and not _negated(tokens, i):
            flag = _near_flag(token)
            if flag is not None:
                return flag
    return None


def red_flag(text: str) -> str | None:
    """Return the red-flag concept `text` mentions (e.g. "numbness"), or None."""
    clean = _OTHER_SENSES.sub(" ", normalise(text))
    tokens = clean.split()
    if not tokens:
        return None
    seen: dict[str, str | None] = {}
    for i, token in enumerate(tokens):
        if token not in seen:
            seen[token] = _flag_word(token)
        if seen[token] is not None and not _negated(tokens, i):
            return seen[token]
    if _injury(tokens, seen):
        return "recent injury or surgery"
    slipped = _slipped_flag(tokens)
    if slipped is not None:
        return slipped
    casual = casual_flag(clean) or described_flag(clean)
    if casual is not None:
        return casual
    spelled = _spell_phrase_words(tokens)
    for concept, pattern in _PHRASES:
        if pattern.search(clean) is None and pattern.search(spelled) is None:
            continue
        if concept == "swelling after a pop" and not any(
                t in _POP_COMPANIONS and not _negated(tokens, i) for i, t in enumerate(tokens)):
            continue
        return concept
    return None
