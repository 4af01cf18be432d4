"""Safety triage: spot warning signs, and how urgent they are, before any FAQ matching happens.

Recall matters more than precision here: a false alarm costs one extra safety
message, a miss can cost someone a knee. So typos are caught with rapidfuzz, and
only a negation in the same clause ("no numbness, just tight") switches a sign off
(see `scope`). Signs of an emergency (bladder or bowel control, a numb saddle area,
chest pain, sudden leg weakness, a bad fall) are urgent: they need help now, not a physio.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.faq.injury import INJURY, PREGNANCY, casual_flags
from bot.core.faq.scope import Reading, read
from bot.core.faq.sensation import NUMBNESS, SHARP, TINGLING, described_flags

CHEST_PAIN = "chest pain"
CONTINENCE = "bladder or bowel control"
SADDLE = "numbness in the saddle area"
WEAKNESS = "sudden leg weakness or foot drop"
BAD_FALL = "a fall with severe pain"
URGENT_SIGNS = frozenset({CHEST_PAIN, CONTINENCE, SADDLE, WEAKNESS, BAD_FALL})
# Signs felt in a place, so the answer can say where: "numbness in your foot".
_FELT_SIGNS = frozenset({SHARP, NUMBNESS, TINGLING, "loss of feeling", "swelling", "nerve pain"})
# An old injury or pregnancy is the past; a sensation is about now, whenever it began.
_PAST_CAN_SETTLE = frozenset({INJURY, PREGNANCY})


class Severity(StrEnum):
    """How soon a warning sign needs someone qualified."""

    URGENT = "urgent"
    STOP = "stop"


@dataclass(frozen=True)
class RedFlag:
    """A warning sign heard in a message: what it is, how urgent, and where it was felt."""

    sign: str
    severity: Severity
    where: str | None = None

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

_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tingling", re.compile(r"\bpins?\s*(?:and|n|&|\+)?\s*needles?\b")),
    (CHEST_PAIN, re.compile(
        r"\bchest\s+(?:\w+\s+){0,2}(?:pain\w*|hurts?|hurting|ache|aches|aching|tight\w*|pressure"
        r"|crushing|heavy|squeez\w*)|\bchest\b.{0,30}\b(?:sitting\s+on\s+it|elephant)\b")),
    (CHEST_PAIN, re.compile(
        r"\b(?:pain|hurts?|hurting|ache|aching|tight\w*|pressure|crushing|squeez\w*|heavy|burning)"
        r"\s+(?:\w+\s+){0,4}(?:in|on|across|around)\s+(?:the\s+\w+\s+of\s+)?(?:my\s+)?chest\b")),
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
    (CONTINENCE, re.compile(
        r"\b(?:bladder|bowels?)\b.{0,30}\b(?:control\w*|leak\w*|accidents?|cant|cannot|can not"
        r"|couldnt|lost|losing|loss|problems?|trouble|issues?|retention|wont|stopped|numb\w*)\b"
        r"|\b(?:control\w*|leak\w*|accidents?|lost|losing|loss|problems?|trouble|issues?|numb\w*)"
        r"\s+(?:\w+\s+){0,3}(?:bladder|bowels?)\b|\bincontinen\w*|\b(?:wet|peed|pee|pissed|soiled"
        r"|pooed|pooped|shat|shit)\s+myself\b|\b(?:cant|cannot|can not|couldnt|unable\s+to|trouble"
        r"|struggling\s+to|hard\s+to)\s+(?:pee|wee|urinate|piss|poo|poop)\b"
        r"|\bleak(?:ing|ed|s)?\s+(?:urine|pee|wee)\b"
        r"|\b(?:cant|cannot|can not|couldnt|unable\s+to)\s+hold\s+(?:my\s+|it\s+)?(?:bowels?|poo|poop"
        r"|pee|wee|bladder|urine|it\s+in)\b"
        r"|\b(?:cant|cannot|can not|couldnt|dont|unable\s+to)\s+(?:feel|tell|sense)\s+(?:\w+\s+){0,2}"
        r"(?:when\s+i\s+need\s+(?:to\s+)?(?:poo|poop|pee|wee|go)|toilet\s+paper|wip\w+)\b")),
    (SADDLE, re.compile(
        r"\b(?:numb\w*|no\s+feeling|cant\s+feel(?!\s+(?:\w+\s+){0,3}stretch)|lost\s+(?:the\s+)?"
        r"feeling|tingl\w*|pins\s+and\s+needles|dead)\b.{0,40}\b(?:saddle|groin|crotch|genital\w*"
        r"|privates|private\s+parts|perine\w*|between\s+(?:my\s+)?legs|down\s+there|nether"
        r"|undercarriage|inner\s+thighs?)\b|\b(?:saddle|groin|crotch|genital\w*|privates"
        r"|private\s+parts|perine\w*|between\s+(?:my\s+)?legs|down\s+there|inner\s+thighs?)\b"
        r".{0,40}\b(?:numb\w*"
        r"|no\s+feeling|tingl\w*|pins\s+and\s+needles)\b")),
    (WEAKNESS, re.compile(
        r"\bfoot\s+(?:drop|drops|slaps|slapping|drags|dragging|flops|flopping)\b|\bdrop\s+foot\b"
        r"|\b(?:cant|cannot|can not|couldnt|unable\s+to)\s+lift\s+(?:the\s+front\s+of\s+)?"
        r"(?:my\s+)?(?:left\s+|right\s+)?(?:foot|feet|toes)\b|\bslaps?\s+the\s+(?:ground|floor)\b"
        r"|\b(?:cant|cannot|can not|couldnt|unable\s+to)\s+pick\s+(?:my\s+)?(?:left\s+|right\s+)?"
        r"(?:foot|feet|toes)\s+up\b"
        r"|\b(?:foot|feet|toes)\b.{0,20}\b(?:wont|doesnt|cant|wouldnt|will\s+not|does\s+not)\s+"
        r"(?:lift|come\s+up|pick\s+up)\b|\b(?:foot|feet|toes)\b.{0,30}\b(?:drags?|dragging"
        r"|catch\w*\s+on)\b|\b(?:cant|cannot|can not|couldnt|unable\s+to)\s+(?:push\s+up\s+onto"
        r"|stand\s+on|walk\s+on|rise\s+onto|go\s+up\s+on)\s+(?:my\s+)?(?:toes|tiptoes|tip\s+toes"
        r"|heels?)\b"
        r"|\b(?:sudden\w*|out\s+of\s+nowhere|all\s+of\s+a\s+sudden)\b.{0,40}\b(?:weak\w*"
        r"|gave\s+(?:out|way)|buckled|collapsed|wont\s+(?:hold|take))\b"
        r"|\b(?:legs?|foot|feet)\b.{0,30}\b(?:weaker|getting\s+weak\w*|weakness\s+(?:is\s+)?"
        r"(?:getting\s+)?worse|stopped\s+working|not\s+working|wont\s+(?:hold|support|work))\b"
        r"|\b(?:weak\w*|buckl\w*|gave\s+out)\b.{0,30}\bsudden\w*"
        r"|\b(?:cant|cannot|can not|couldnt|unable\s+to)\s+(?:stand\s+up|stand|walk|bear\s+weight"
        r"|put\s+(?:any\s+)?weight)\b")),
    (BAD_FALL, re.compile(
        r"\b(?:fell|fall|fallen|falling|slipped|tripped|tumbled|tumble|went\s+flying|came\s+off"
        r"|landed\s+hard)\b"
        r"(?!\s+(?:asleep|behind|apart|in\s+love|into\s+the\s+pose|back\s+into))"
        r".{0,80}\b(?:severe\w*|really\s+bad|terrible|excruciating|agon\w*|unbearable|worst"
        r"|cant\s+move|cant\s+get\s+up|screaming|extreme\w*|killing\s+me|so\s+much\s+pain"
        r"|(?:9|10)\s+(?:10|out\s+of\s+10)|heard\s+a\s+crack|cant\s+walk)\b"
        r"|\b(?:severe\w*|excruciating|agon\w*|unbearable|worst)\b.{0,80}\b(?:since|after|from)"
        r"\s+(?:i\s+|the\s+|a\s+|my\s+)?(?:fell|fall|fallen|slipped|tripped)\b")),
    ("knee locking or giving way", re.compile(
        r"\b(?:gives?|gave|giving)\s+(?:way|out)\b|\bknees?\s+(?:\w+\s+)?lock(?:s|ed|ing)?\b")),
    ("swelling after a pop", re.compile(r"\b(?:pop|popped|popping|snap|snapped)\b")),
)
# The words of phrase signs, so "no pins and needles or numbness" negates both.
_LIST_SYMPTOMS = frozenset({"pins", "needles", "needle", "bladder", "bowel", "bowels", "control",
                            "loss", "weakness", "drop", "chest", "pain", "pains", "painful", "ache",
                            "aches", "hurt", "hurts", "twinge", "twinges"})
# Someone else's sign still matters when they are about to do the pose ("is it ok for her?").
_FOR_THEM = re.compile(r"\b(?:do|doing|try|trying)\s+(?:this|it|hero|the\s+pose)\b|\bbackbend"
                       r"|\bhero\b|\bpose\b|\bkneel\w*|\bfor\s+(?:her|him|them)\b")
# Denied mishaps ("haven't had any injuries", "I didn't fall") are left out of the meaning check too.
_MISHAPS = frozenset({"injury", "injuries", "injured", "fall", "fell", "fallen", "hurt", "hurts",
                      "sore", "surgery", "op", "operation", "accident", "accidents"})
_PAIN_WORDS = frozenset({"pain", "pains", "painful", "ache", "aches", "feeling", "feelings",
                         "sensation", "twinge", "twinges", "hurt", "hurts", "legs", "feet", "toes"})
# "heard a pop" alone might be a harmless joint crack; with pain or swelling it is not.
_POP_COMPANIONS = frozenset({"pain", "painful", "hurt", "hurts", "swelling", "swollen", "swell"})

# The words the phrase patterns hang on; a typo in one of them must not hide the phrase.
_PHRASE_WORDS = ("needles", "needle", "bladder", "bowels", "chest", "feeling", "asleep",
                 "pressure", "popped", "incontinence", "cannot", "swelling", "groin", "weakness")

_LOOKUP: dict[str, str] = {word: concept for concept, words in _WORD_FLAGS.items()
                           for word in words}
_FLAG_WORDS = tuple(_LOOKUP)
_FUZZY_CHOICES = tuple(word for word in _LOOKUP if len(word) >= _MIN_FUZZY_LEN)



def _flag_word(token: str) -> str | None:
    concept = _LOOKUP.get(token)
    if concept is not None or len(token) < _MIN_FUZZY_LEN or token in _ORDINARY:
        return concept
    if token.startswith(("numb", "tingl", "pregn")) and not token.startswith("number"):
        return _LOOKUP[{"n": "numb", "t": "tingle", "p": "pregnant"}[token[0]]]
    best = process.extractOne(token, _FUZZY_CHOICES, scorer=fuzz.ratio,
                              score_cutoff=_FUZZY_CUTOFF)
    return _LOOKUP[best[0]] if best else None


def _spell_phrase_words(tokens: tuple[str, ...]) -> str:
    """Return the text with near-misses of phrase words corrected ("needels" -> "needles")."""
    fixed = []
    for token in tokens:
        if len(token) >= _MIN_FUZZY_LEN and token not in _ORDINARY and token not in _PHRASE_WORDS:
            best = process.extractOne(token, _PHRASE_WORDS, scorer=fuzz.ratio,
                                      score_cutoff=_FUZZY_CUTOFF)
            token = best[0] if best else token
        fixed.append(token)
    return " ".join(fixed)


def _is_injury(token: str) -> bool:
    if token in _INJURY_WORDS:
        return True
    if len(token) < _MIN_FUZZY_LEN or token in _ORDINARY:
        return False
    return process.extractOne(token, _INJURY_WORDS, scorer=fuzz.ratio,
                              score_cutoff=_FUZZY_CUTOFF) is not None


def _near_flag(token: str) -> str | None:
    """Return the flag a one-letter slip of `token` spells ("sharo" -> sharp), or None."""
    if len(token) < 4 or token in _ORDINARY:
        return None
    best = process.extractOne(token, _FLAG_WORDS, scorer=OSA.distance, score_cutoff=1)
    return _LOOKUP[best[0]] if best and best[0][0] == token[0] else None


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, str]]:
    """Yield where each match of `pattern` starts, overlapping ones included.

    A negated mention must not hide a real one it overlaps: in "no tingling in my legs,
    but between my legs is numb", the saddle sign starts again at "between".
    """
    found = pattern.search(text)
    while found is not None:
        yield found.start(), text
        found = pattern.search(text, found.start() + 1)


class _Triage:
    """One message's reading and the warning signs found in it, in the order the rules look."""

    def __init__(self, text: str) -> None:
        self.reading: Reading = read(text, lambda clean: _OTHER_SENSES.sub(" ", clean))
        self.tokens = self.reading.tokens
        self.words: dict[str, str | None] = {}
        for token in self.tokens:
            if token not in self.words:
                self.words[token] = _flag_word(token)

    def symptom(self, token: str) -> bool:
        """Return whether `token` names a symptom, so a negated list can run through it."""
        return self.words.get(token) is not None or token in _LIST_SYMPTOMS

    def negated(self, index: int) -> bool:
        """Return whether a negation in its clause covers the token at `index`."""
        return self.reading.negated(index, self.symptom)

    def _word_hits(self) -> Iterator[tuple[str, int]]:
        for i, token in enumerate(self.tokens):
            if self.words[token] is not None:
                yield self.words[token] or "", i
        words = set(self.tokens)
        if not words & _PREVENTION and (words & _INJURY_PLACES or words & _ALWAYS_INJURY):
            for i, token in enumerate(self.tokens):
                if token in _ALWAYS_INJURY or _is_injury(token):
                    yield INJURY, i
        for i, token in enumerate(self.tokens):
            beside = self.tokens[max(0, i - 1):i] + self.tokens[i + 1:i + 2]
            if _PAIN_WORDS & set(beside) and (flag := _near_flag(token)) is not None:
                yield flag, i

    def _phrase_hits(self) -> Iterator[tuple[str, int]]:
        text = self.reading.text
        for sign, offset in (*casual_flags(text), *described_flags(text)):
            yield sign, text.count(" ", 0, offset)
        spelled = _spell_phrase_words(self.tokens)
        for concept, pattern in _PHRASES:
            if concept == "swelling after a pop" and not any(
                    t in _POP_COMPANIONS and not self.negated(i) for i, t in enumerate(self.tokens)):
                continue
            found = list(_overlapping(pattern, text)) or list(_overlapping(pattern, spelled))
            # Both texts have the same words, so a hit's word index is the same in each.
            for start, source in found:
                yield concept, source.count(" ", 0, start)

    def hits(self) -> Iterator[tuple[str, int]]:
        """Yield each sign the rules find, with its token index; set-aside ones included."""
        yield from self._word_hits()
        yield from self._phrase_hits()

    def set_aside(self, sign: str, index: int) -> bool:
        """Return whether a sign is negated, about someone else who won't do the pose, or past."""
        someone_else = self.reading.about_someone_else(index) and not _FOR_THEM.search(
            self.reading.text)
        return (self.negated(index) or someone_else
                or (sign in _PAST_CAN_SETTLE and self.reading.long_ago))


def assess(text: str) -> tuple[RedFlag | None, str]:
    """Return the warning sign in `text` (urgent ones first), and the text the meaning check reads.

    The second part is `text` unchanged, or, when some signs were set aside, the clauses
    with those words dropped ("no numbness or tingling, just tight thighs" leaves "just
    tight thighs"), so a negated symptom is not heard again by meaning.
    """
    if not text.strip():
        return None, text
    triage = _Triage(text)
    kept: list[tuple[str, int]] = []
    set_aside = [i for i, token in enumerate(triage.tokens)
                 if (triage.symptom(token) or token in _MISHAPS) and triage.negated(i)]
    for sign, index in triage.hits():
        if triage.set_aside(sign, index):
            set_aside.append(index)
        else:
            kept.append((sign, index))
    clauses = {triage.reading.clause_of[i] for i in set_aside}
    firsts = {clause: i for i, clause in reversed(list(enumerate(triage.reading.clause_of)))}
    clauses |= {clause for clause, i in firsts.items() if triage.reading.led_by_someone_else(i)}
    dropped = {i for i, clause in enumerate(triage.reading.clause_of) if clause in clauses}
    if not kept:
        return None, triage.reading.without(dropped) if dropped else text
    sign, index = next(((s, i) for s, i in kept if s in URGENT_SIGNS), kept[0])
    severity = Severity.URGENT if sign in URGENT_SIGNS else Severity.STOP
    where = triage.reading.where(index) if sign in _FELT_SIGNS else None
    return RedFlag(sign, severity, where), text


def triage(text: str) -> RedFlag | None:
    """Return the most urgent warning sign `text` mentions, or None."""
    return assess(text)[0]


def red_flag(text: str) -> str | None:
    """Return the warning sign `text` mentions (e.g. "numbness"), or None."""
    flag = triage(text)
    return flag.sign if flag else None
