"""Turn FAQ text and questions into comparable concept tokens.

Both sides go through the same steps: normalise, rewrite multi-word phrases, map words
onto domain concepts (so "thighs" meets "quadriceps" and "books" meets "bolster"),
drop stop words and stem. Keeping the map general, rather than copying questions into
the FAQ alternatives, is what lets new phrasings match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.faq.scope import normalise

STOP_WORDS = frozenset("""
a an the i im ive id me my mine myself we us our you your youre u ur it its itself this that
these those is are am was were be been being do does did doing done have has had having to of
in on at by for from with about into onto over up down out off as so than too very just
really also and or but if then there here some any all much more most many lot lots bit little
can could should would will shall may might must ok okay please thanks thank hi hey hello yes
no not dont doesnt didnt cant cannot wont isnt arent wasnt get gets got getting go going gonna
wanna want need like know thing things stuff way kind sort actually maybe even well one
supposed meant keep keeps say says saying said tell told explain explained r shud
pose they them their he him his she her lol pls plz kinda sorta
s t ll d re ve m o y
ours ourselves yours yourself yourselves himself hers herself theirs themselves whom
because until while against during above below again once only own same such few each both
other nor now ain aren couldn hadn hasn haven isn mightn mustn needn shan shouldn wasn weren
won wouldn don doesn didn
theyve theyre weve youve youd youll hes shes thats theres heres lets aint wouldnt couldnt
shouldnt havent hasnt hadnt werent mustnt
gotta lmao tbh idk ya yeah yep yup nah thx ty basically literally honestly seriously anyway
anyways pretty quite something anything everything someone anyone somebody anybody ever goes
gone went come comes came
""".split())
# Question words carry intent but, on their own, should not win a match.
QUESTION_WORDS = frozenset({"what", "why", "how", "when", "where", "who", "which"})

# Phrases rewritten before tokenising, so spellings of one idea meet on one form.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "hey coach" is how people open a message to the bot, not a request to reach the coach.
    (re.compile(r"^(?:(?:hey|hi|hiya|hello|yo|ok|okay|so|um|dear)\s+)*coach\b"), ""),
    (re.compile(r"\bwhat\s+(?:else\s+)?(?:can|could|do|does|is|are)\s+(?:u|you|this|it"
                r"|the\s+bot|this\s+bot)\s+(?:\w+\s+)?(?:able\s+to\s+)?do\b"), "command"),
    (re.compile(r"\b(?:things|stuff|words)\s+(?:i|you)\s+can\s+(?:type|say|send|write)\b"),
     "command"),
    (re.compile(r"\b(?:curl|curling|tilt|tilting|tip|tipping|tuck|tucking|roll|rolling|scoop"
                r"|scooping|draw|drawing)\s+(?:my\s+|the\s+|your\s+)?(?:pelvis|hips?|tailbone"
                r"|tail|bum|butt|bottom)\s+(?:under|down)\b"), "tuck tail"),
    (re.compile(r"\b(?:hero|kneeling|kneel)\s+(?:thing|one)\b"), "hero"),
    (re.compile(r"\bkneeling\s+(?:pose|position|posture)\b"), "hero kneeling"),
    (re.compile(r"\bparts?\s+of\s+(?:my|the|your)\s+(?:body|legs?|hips?|thighs?)\b"),
     "muscle leg"),
    (re.compile(r"\b(?:open|opens|opened|opening)\s+up\b"), "stretch"),
    (re.compile(r"\bnot\s+(?:very\s+|at\s+all\s+|super\s+|that\s+)?(?:flexible|bendy|supple)"),
     "inflexible"),
    (re.compile(r"\b(?:forwards?\s+(?:and|n|&)\s+back(?:wards?)?|back(?:wards?)?\s+(?:and|n|&)\s+"
                r"forwards?)\b"), "easeinout"),
    (re.compile(r"\bbefore\s+(?:and|or|n|&)\s+after\b|\bnext\s+(?:part|one|video|lesson|episode)"
                r"|\bcomes?\s+(?:next|after|before)\b"), "series"),
    (re.compile(r"\b(?:this|the|whole|hip|hips|opening|full)\s+set\b"), "series"),
    (re.compile(r"\bl\s*([45])\s*l\s*5\b"), r"l\1 l5"),
    (re.compile(r"\bl\s*5\s*s\s*1\b"), "l5 s1"),
    (re.compile(r"\bback\s*bend"), "recline"),
    (re.compile(r"\bbend\w*\s+backwards?\b"), "recline"),
    (re.compile(r"\bhip\s*flex(?:o|e)rs?\b"), "flexor"),
    (re.compile(r"\bhalf\s+(?:an\s+)?hour\b"), "30 minute"),
    (re.compile(r"\b(?:in\s+(?:and|n|&)\s+out|back\s+(?:and|n|&)\s+forth|to\s+and\s+fro)\b"),
     "easeinout"),
    (re.compile(r"\b(?:get|gets|getting|got|stand|stands|standing|stood)\s+up\b"), "stand"),
    # "sit back" and "lean back" are movements, not the back that aches.
    (re.compile(r"\b(?:sit|sits|sitting|sat)\s+back\b"), "sit"),
    (re.compile(r"\b(?:lean|leans|leaning|lie|lies|lying|lay|laying)\s+back\w*\b"), "recline"),
    (re.compile(r"\bpins?\s+and\s+needles?\b"), "tingling"),
    (re.compile(r"\btoo\s+(?:much|intense|strong|hard|deep)\b"), "intense"),
    (re.compile(r"\btoo\s+(?:painful|sore|uncomfortable)\b"), "intense pain"),
    (re.compile(r"\bbody\s+parts?\b"), "muscle"),
    (re.compile(r"\btake\s+away\b"), "help"),
    (re.compile(r"\bgood\s+(?:morning|afternoon|evening|night|day)\b"), "hello"),
    (re.compile(r"\bhow\s+(?:often|many\s+times|many\s+days|frequently)\b"), "frequency"),
    (re.compile(r"\b(?:times|days|sessions)\s+(?:a|per|each)\s+(?:week|day)\b"), "frequency"),
    # "part 3" is a piece of the series; "parts of the leg" is anatomy.
    (re.compile(r"\bparts?\s+(?:\d|one|two|three|four|five)\b"
                r"|\b(?:\d|one|two|three|four|five)\s+parts?\b"), "series"),
    (re.compile(r"\b(?:stay|stays|staying)\s+(?:put|still)\b"), "hold"),
    (re.compile(r"\bfirst\s+thing\b|\bwak(?:e|es|ing)\s+up\b"), "morning"),
    (re.compile(r"\breal\s+(?:person|human)\b"), "coach"),
    (re.compile(r"\bfront\s+of\s+(?:the\s+|my\s+)?(?:foot|feet)\b"), "topfoot"),
    (re.compile(r"\btops?\s+of\s+(?:the\s+|my\s+|your\s+)?(?:foot|feet)\b"), "topfoot"),
)

# Canonical concept -> the words that mean it here. Both FAQ and question use this.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "hero": ("virasana", "heros", "heroes", "veerasana", "vira"),
    "glute": ("glutes", "gluteus", "gluteal", "butt", "bum", "buttock", "buttocks", "booty",
              "backside"),
    "quad": ("quads", "quadriceps", "thigh", "thighs"),
    "tail": ("tailbone", "coccyx", "sacrum"),
    "flexor": ("flexors", "flexers", "flexer", "psoas", "iliopsoas"),
    "shin": ("shins", "tibialis", "shinbone", "shinbones"),
    "foot": ("feet", "instep", "insteps", "toes", "toe"),
    "ankle": ("ankles",),
    "knee": ("knees", "kneecap", "kneecaps", "patella"),
    "pelvis": ("pelvic", "pelvises"),
    "prop": ("props", "bolster", "bolsters", "cushion", "cushions", "pillow", "pillows",
             "equipment", "gear", "kit",
             "block", "blocks", "book", "books", "blanket", "blankets", "towel", "towels",
             "brick", "bricks", "stool"),
    "pain": ("hurt", "hurts", "hurting", "painful", "ache", "aches", "aching", "achy", "achey",
             "sore", "soreness", "agony", "burn", "burns", "burning", "killing"),
    "discomfort": ("uncomfortable", "strain", "strained", "pressure", "squashed", "compressed"),
    "desk": ("office", "chair", "computer", "workday", "sedentary", "driving", "drive",
             "driver", "drivers", "student", "students", "gamer", "gamers", "commute"),
    "hold": ("holding", "static", "still", "stay"),
    "breath": ("breathe", "breathing", "breaths", "inhale", "exhale"),
    "recline": ("lean", "leaning", "reclined", "reclining", "supta", "backwards"),
    "coach": ("human", "person", "teacher", "instructor", "trainer"),
    "doctor": ("physio", "physiotherapist", "gp", "dr", "medic", "clinician", "professional"),
    "remind": ("reminder", "reminders", "nudge", "nudges", "notification", "notifications",
               "alert", "alerts"),
    "talk": ("speak", "chat", "contact", "reach", "message", "dm"),
    "minute": ("mins", "min", "minutes"),
    "second": ("secs", "sec", "seconds"),
    "every": ("daily", "everyday"),
    "mean": ("meaning", "sanskrit", "definition", "called"),
    "connect": ("link", "linked", "connection", "connected", "related", "relate"),
    "help": ("fix", "cure", "relieve", "relief", "reduce"),
    "depth": ("deep", "deeper", "deepen", "further", "sink", "sinking"),
    "prepare": ("preparation", "prep", "before"),
    "warm": ("warmup", "warming"),
    "morning": ("mornings",),
    "part": ("parts", "video", "videos", "episode", "episodes", "lesson", "lessons", "instalment"),
    "lower": ("drop", "lowering"),
    "rock": ("rocking", "rocks", "easeinout"),
    "muscle": ("muscles",),
    "practice": ("practise", "practising", "practicing", "practiced", "practised"),
    "release": ("relax", "relaxes", "relaxed", "relaxing", "loosen", "loosens", "loosening",
                "unwind"),
    "lazy": ("weak", "inhibited", "dormant", "dead", "asleep", "sleepy", "amnesia", "fire",
             "firing", "engage", "engaging", "activate", "activating"),
    "command": ("commands", "slash", "type", "typing", "menu", "features", "feature"),
    "beginner": ("beginners", "newbie", "newbies", "novice", "novices", "inflexible",
                 "flexible", "flexibility", "bendy", "unfit"),
    "comfortable": ("comfy", "comfortably", "easier", "easily"),
    "stop": ("quit", "quitting", "stopping", "cease"),
    "what": ("whats", "wat", "wats"),
    "how": ("hows",),
    "where": ("wheres",),
    "who": ("whos",),
}
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "thru": ("through",), "tho": ("though",), "cuz": ("because",), "coz": ("because",),
    "bc": ("because",), "b4": ("before",), "abt": ("about",), "wot": ("what",),
    "apt": ("anterior", "pelvis", "tilt"),
    "warmup": ("warm",),
    "lumbar": ("lower", "back", "lumbar"),
}
_LOOKUP: dict[str, tuple[str, ...]] = {
    word: (concept,) for concept, words in _CONCEPTS.items() for word in words
} | _EXPANSIONS
KNOWN_SURFACE = frozenset(_LOOKUP) | STOP_WORDS


def stem(token: str) -> str:
    """Strip common English suffixes so word forms meet ("tucking" -> "tuck")."""
    if len(token) <= 3 or token.isdigit() or token.endswith("ss"):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    for suffix in ("ing", "ed"):
        base = token[: -len(suffix)]
        if token.endswith(suffix) and len(base) >= 3:
            if base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    if token.endswith("ly") and len(token) > 5:
        token = token[:-2]
    elif token.endswith("es") and token[:-2].endswith(("s", "x", "z", "ch", "sh")):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("us", "is")):
        token = token[:-1]
    # "release"/"released" and "ankle"/"ankles" should meet on one stem.
    return token[:-1] if token.endswith("e") and len(token) >= 5 else token


def words(text: str) -> list[str]:
    """Return the normalised words of `text`, with multi-word phrases rewritten."""
    clean = normalise(text)
    for pattern, replacement in _PHRASES:
        clean = pattern.sub(replacement, clean)
    return clean.split()


def concepts(raw_words: Iterable[str]) -> list[str]:
    """Map words to stemmed concept tokens, dropping stop words."""
    tokens: list[str] = []
    for raw in raw_words:
        for word in _LOOKUP.get(raw, (raw,)):
            if word not in STOP_WORDS:
                tokens.append(stem(word))
    return tokens


def tokens(text: str) -> list[str]:
    """Return the concept tokens of `text`."""
    return concepts(words(text))
