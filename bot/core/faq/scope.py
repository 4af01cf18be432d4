"""Read a message clause by clause: what a negation covers, and whom and when a clause is about.

NegEx-style: a negator ("no", "not", "don't") covers only its own clause, which ends at a
comma, a sentence end, or a word such as "but", "just", "only" or "though". So "no
numbness or tingling, just tight thighs" negates both symptoms, while "no pain, just
numbness in my foot" leaves the numbness standing. A symptom said about someone else
("my wife is pregnant") or long ago ("knee surgery 10 years ago") is set aside too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

# A negator reaches this many words forward, not counting symptoms and "or" in a list
# of them, so "no numbness or tingling or sharp pain" negates all three.
NEGATION_WINDOW = 3
# "nothing" is left out on purpose: "nothing helps, sharp pain" must still flag.
NEGATORS = frozenset({"no", "not", "without", "never", "dont", "doesnt", "isnt", "nor", "zero", "neither",
                      "none", "arent", "wasnt", "werent", "havent", "hasnt", "hadnt", "didnt"})
# Words that end a clause, and so a negation: "not painful, just tingling".
_TERMINATORS = frozenset({"but", "just", "only", "though", "although", "except", "however",
                          "yet", "still", "whereas", "besides", "instead"})
# A negator followed by one of these negates nothing: "not sure", "doesn't go away".
_PSEUDO_NEXT = frozenset({"sure", "certain", "know", "idea", "clue", "only", "better", "change",
                          "relief", "improving", "improve", "improved", "helping", "help", "helps",
                          "stop", "stops", "stopping", "easing", "ease", "eased", "matter",
                          "getting", "fading", "settling"})
# "doesn't go away" negates nothing; "doesn't go numb" does.
_MOVES = frozenset({"go", "going", "gone", "went"})
# Little words a negation reaches across without using up its window: "never had a back injury".
_FREE_WORDS = frozenset({"a", "an", "the", "any", "had", "have", "has", "get", "got", "ever",
                         "experienced"})
_LIST_WORDS = frozenset({"or", "nor", "and", "any", "other"})
# "nothing" negates only the word right after it: "nothing sharp", but "nothing helps sharp pain".
_NEGATES_NEXT_WORD = frozenset({"nothing"})
# A worry about the future is not a symptom now: "worried about getting numbness".
_WORRIES = frozenset({"worried", "afraid", "scared", "nervous", "concerned", "anxious", "fear"})
_FUTURE = frozenset({"getting", "developing", "causing", "get", "develop", "cause"})
_CLAUSE_BREAK = re.compile(r"\s*(?:[;.!?:\n()…—–]+|\s-+\s)\s*")
_COMMA = re.compile(r"\s*,+\s*")

_OTHERS = frozenset({
    "wife", "husband", "partner", "girlfriend", "boyfriend", "gf", "bf", "hubby", "fiance",
    "fiancee", "mum", "mom", "mother", "mam", "dad", "father", "sister", "brother",
    "son", "daughter", "kid", "kids", "child", "children", "friend", "friends",
    "colleague", "colleagues", "coworker", "coworkers", "workmate", "boss", "client",
    "clients", "student", "students", "patient", "patients", "neighbour", "neighbor", "aunt",
    "auntie", "uncle", "nan", "nana", "gran", "grandma", "grandmother", "grandad", "grandpa",
    "grandfather", "cousin", "niece", "nephew", "flatmate", "roommate", "housemate", "bestie",
    "she", "he", "her", "him", "his", "shes", "hes", "sibling", "teammate",
})
_FIRST_PERSON = frozenset({"i", "im", "ive", "id", "ill", "me", "myself", "mine", "we", "us",
                           "our", "ours", "weve"})
_LONG_AGO = re.compile(
    r"\b(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|many|several|a\s+few|few|some|a\s+couple\s+of|couple\s+of|a\s+couple)\s+"
    r"(?:years?|yrs?|decades?)\s+(?:ago|back|before|earlier)\b"
    r"|\byears\s+(?:and\s+years\s+)?ago\b|\bdecades?\s+ago\b|\b(?:long|ages)\s+ago\b"
    r"|\ba\s+long\s+time\s+ago\b"
    r"|\bwhen\s+i\s+was\s+(?:a\s+)?(?:kid|child|teen|teenager|younger|young|little|\d{1,2}"
    r"|at\s+school|in\s+(?:school|college|uni|university|high\s+school))\b"
    r"|\bas\s+a\s+(?:kid|child|teen|teenager)\b|\b(?:fully|completely|long)\s+(?:healed|recovered)\b")
_YEAR = re.compile(r"\b(?:in|back\s+in|since|from|around)\s+((?:19|20)\d\d)\b")
# What keeps an old event current: "still", a recent date, or a joint that stays replaced.
_STILL_CURRENT = re.compile(
    r"\b(?:still|recently|again|lately|flared|flare|last\s+(?:week|month)|this\s+(?:week|month)"
    r"|(?:days?|weeks?|months?)\s+ago|yesterday|today|replace\w*|artificial|titanium|metal"
    r"|bionic|fusion|fused|rods?|plates?|screws?|resurfac\w*|new\s+(?:hip|knee)s?)\b")
# Before this many years, an injury or a pregnancy counts as the past.
_PAST_YEARS = 2
_BODY_PARTS = ("lower back", "foot", "feet", "toes", "toe", "legs", "leg", "knees", "knee",
               "calves", "calf", "thighs", "thigh", "shins", "shin", "ankles", "ankle", "hips",
               "hip", "back", "groin", "heels", "heel", "hamstrings", "hamstring", "quads", "quad",
               "arms", "arm", "hands", "hand", "fingers", "chest", "bum", "buttock", "buttocks")


# Words that also address the reader ("bro, my knee..."): another person only after "my".
_OTHERS_AFTER_MY = frozenset({"mate", "mates", "bro", "sis", "buddy", "bestie"})


def _names_another(words: list[str]) -> bool:
    return any(w in _OTHERS or (w.endswith("s") and w[:-1] in _OTHERS) for w in words)


def normalise(text: str) -> str:
    """Return lowercase ASCII-ish text with apostrophes dropped and punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['\u2019`]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


@dataclass(frozen=True)
class Reading:
    """A message as normalised tokens, each tagged with the clause it belongs to."""

    tokens: tuple[str, ...]
    clause_of: tuple[int, ...]

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
        clause, steps, j = self.clause_of[index], 0, index - 1
        if j >= 0 and self.tokens[j] in _NEGATES_NEXT_WORD and self.clause_of[j] == clause:
            return True
        while j >= 0 and self.clause_of[j] == clause and steps < NEGATION_WINDOW:
            token = self.tokens[j]
            if token in _FUTURE and any(self.tokens[k] in _WORRIES and self.clause_of[k] == clause
                                        for k in range(max(0, j - 3), j)):
                return True
            if token in NEGATORS:
                following = self.tokens[j + 1:j + 3]
                pseudo = bool(following) and (following[0] in _PSEUDO_NEXT or (
                    following[0] in _MOVES and following[1:] == ["away"]))
                if not pseudo:
                    return True
            if token not in _LIST_WORDS and token not in _FREE_WORDS and not symptom(token):
                steps += 1
            j -= 1
        return False

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
            if _names_another([word]) or (word in _OTHERS_AFTER_MY and j > 0
                                          and self.tokens[j - 1] in {"my", "our", "a"}):
                return True
            if word in _FIRST_PERSON or (word == "my" and not _names_another(
                    list(self.tokens[j + 1:j + 3]))):
                return False
            j -= 1
        return False

    def led_by_someone_else(self, index: int) -> bool:
        """Return whether the clause at `index` opens about another person ("my friend fell…")."""
        clause = self.clause(index)
        for i, word in enumerate(clause):
            if _names_another([word]):
                return True
            if word in _FIRST_PERSON or (word == "my" and not _names_another(clause[i + 1:i + 3])):
                return False
        return False

    @cached_property
    def long_ago(self) -> bool:
        """Return whether the message puts its event years back, with nothing keeping it current."""
        text = self.text
        if _STILL_CURRENT.search(text):
            return False
        this_year = datetime.now(UTC).year
        old_year = any(int(m.group(1)) <= this_year - _PAST_YEARS for m in _YEAR.finditer(text))
        return old_year or _LONG_AGO.search(text) is not None

    def where(self, index: int) -> str | None:
        """Return the first body part named in the clause at `index` ("foot"), if any."""
        clause = " ".join(self.clause(index))
        return next((part for part in _BODY_PARTS if re.search(rf"\b{part}\b", clause)), None)

    def without(self, dropped: set[int]) -> str:
        """Return the clauses as text, one per line, leaving out the tokens in `dropped`."""
        lines: dict[int, list[str]] = {}
        for i, (token, clause) in enumerate(zip(self.tokens, self.clause_of, strict=True)):
            if i not in dropped:
                lines.setdefault(clause, []).append(token)
        return ".\n".join(" ".join(words) for words in lines.values())


def read(text: str, blank: Callable[[str], str] = lambda clean: clean) -> Reading:
    """Split `text` into clauses and normalise each; `blank` removes everyday senses first."""
    tokens: list[str] = []
    clause_of: list[int] = []
    clause = -1
    for sentence in _CLAUSE_BREAK.split(text):
        negated_list = False
        for part in _COMMA.split(sentence):
            words = blank(normalise(part)).split()
            if not words:
                continue
            # "no numbness, tingling or pain": a comma inside a negated list keeps the clause.
            continues = negated_list and bool(set(words) & {"or", "nor"}) \
                and not set(words) & _TERMINATORS
            if not continues:
                clause += 1
            for word in words:
                if word in _TERMINATORS:
                    clause += 1
                tokens.append(word)
                clause_of.append(clause)
            negated_list = bool(set(words) & NEGATORS) or continues
    return Reading(tuple(tokens), tuple(clause_of))
