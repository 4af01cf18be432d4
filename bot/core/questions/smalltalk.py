"""Small talk: greetings, thanks, "ok", laughter and lone emoji, told apart from real questions.

A message is small talk only when every word in it is a pleasantry, so "thanks! also how
long do I hold?" is still a question (with the pleasantry taken off) and anything with
a warning sign in it never stops here.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from bot.core.faq.scope import normalise


class Kind(StrEnum):
    """What sort of pleasantry a message is."""

    GREETING = "greeting"
    THANKS = "thanks"
    ACK = "acknowledgement"
    FAREWELL = "farewell"
    LAUGHTER = "laughter"
    PRAISE = "praise"
    EMOJI = "emoji"
    BUTTON = "button"


_PHRASES: dict[Kind, tuple[str, ...]] = {
    Kind.GREETING: (
        "hi", "hii", "hello", "helo", "hullo", "hey", "heya", "hiya", "howdy", "yo", "sup",
        "whats up", "wassup", "gday", "g day", "morning", "good morning", "afternoon",
        "good afternoon", "evening", "good evening", "gm", "hey there", "hi there", "hello there",
        "greetings", "how are you", "how r u", "hows it going", "how are things", "hows things",
        "how you doing", "how ya going", "hope you are well", "hope youre well", "im back",
        "happy monday", "happy friday", "namaste", "aloha", "bonjour", "hola", "oi",
        "hope you are doing well", "hope youre doing well", "hope ur well", "hope all is well",
        "hope youre good", "hope ur good", "how have you been", "long time no see", "howzit",
        "good day", "im new here", "i am new here", "new here", "hi all", "hello all",
    ),
    Kind.THANKS: (
        "thanks", "thank you", "thankyou", "thank u", "thx", "thnx", "thnks", "tnx", "ty", "tysm",
        "tyvm", "cheers", "ta", "much appreciated", "appreciate it", "appreciated",
        "i appreciate it", "i appreciate that", "many thanks", "thanks a lot", "thanks heaps",
        "thanks a bunch", "thanks so much", "thank you so much", "thank you very much",
        "that helped", "that helps", "this helped", "it helped", "that really helped",
        "very helpful", "super helpful", "so helpful", "really helpful", "helpful",
        "that was helpful", "thats helpful", "thats really helpful", "that makes sense",
        "makes sense", "merci", "gracias", "danke", "legend", "youre a legend", "lifesaver",
        "youre a lifesaver", "useful", "really useful", "thats useful", "thats really useful",
        "very useful", "good advice", "great advice", "great tip", "good tip", "nice tip",
        "really clear", "very clear", "that answer was really clear", "that was clear",
        "pass my thanks to the coach", "pass on my thanks", "thanks for asking the coach for me",
        "for asking the coach", "got the coachs reply", "got the reply", "achha", "ji", "lekker",
        "bru", "shot", "sweet as", "thank you ji",
    ),
    Kind.ACK: (
        "ok", "okay", "okey", "okie", "k", "kk", "oki", "okey dokey", "alright", "all right",
        "aight", "right", "sure", "sure thing", "got it", "gotcha", "understood", "noted",
        "will do", "i will", "ill do that", "ill try that", "ill try", "will try", "on it",
        "sounds good", "sounds great", "fair enough", "fine", "cool", "great", "nice", "awesome",
        "perfect", "brilliant", "lovely", "sweet", "good", "very good", "excellent", "neat",
        "roger", "roger that", "copy", "copy that", "yep", "yup", "yeah", "ya", "mhm", "aha",
        "ah", "oh", "ohh", "i see", "ah i see", "ah ok", "oh ok", "oh okay", "that works",
        "all good", "no worries", "no problem", "np", "done that", "wow", "amazing", "ace",
        "good to know", "nice one", "love it", "love that", "great stuff", "righto", "right o",
        "fair", "fair point", "true", "aw", "aww", "ok then", "oh right", "that was quick",
        "quick", "wow that was quick", "sorry", "sorry been busy", "been busy", "my bad", "oops",
        "brb", "nvm", "never mind", "nevermind", "hmm", "hm", "interesting", "oh nice",
        "okk", "ooh", "oooh", "yay", "woohoo", "figured it out", "never mind figured it out",
        "sorry for the late reply", "sorry for the delay", "sry", "soz", "apologies",
        "was in a meeting", "got pulled away", "brb coffee", "back now",
    ),
    Kind.FAREWELL: (
        "bye", "byee", "bye bye", "goodbye", "good bye", "see you", "see ya", "see you later",
        "see you tomorrow", "cya", "later", "laters", "catch you later", "ttyl", "good night",
        "goodnight", "night", "nite", "gn", "take care", "have a good day", "have a nice day",
        "have a good one", "talk soon", "talk later", "speak soon", "until next time",
        "talk tomorrow", "see you tomorrow", "speak tomorrow", "off to bed", "gotta go",
        "catch you tomorrow", "catch ya", "ciao", "peace out",
    ),
    Kind.LAUGHTER: (
        "lol", "lool", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", "heh", "ha", "ha ha",
        "xd", "lolz", "kek",
    ),
    Kind.PRAISE: (
        "you are the best", "youre the best", "ur the best", "best bot", "good bot",
        "love this bot", "love this", "i love this", "this is great", "this is amazing",
        "this is awesome", "great job", "good job", "well done", "nice work", "great work",
        "you rock", "great bot", "love you", "ily", "so good", "this rocks", "awesome bot",
        "youre funny", "funny", "bot is great", "this bot is great", "bot is awesome",
        "this bot is awesome", "bot is amazing", "this bot is amazing", "youre great",
        "youre amazing", "youre awesome", "youre brilliant", "clever bot", "is great",
        "is amazing", "is awesome", "is brilliant", "is so good", "is the best", "is actually great",
    ),
}
# Words that soften or address a pleasantry without making it a question.
_FILLER = frozenset({
    "so", "very", "much", "a", "lot", "lots", "again", "really", "coach", "bot", "herocoach",
    "mate", "buddy", "pal", "friend", "guys", "all", "everyone", "folks", "there", "for", "that",
    "this", "the", "it", "your", "you", "help", "answer", "reply", "tip", "tips", "info", "and",
    "oh", "well", "just", "too", "heaps", "loads", "x", "xx", "xxx", "then", "now", "today",
    "sir", "maam", "dear", "ok", "hun", "man", "dude", "bro", "sis", "indeed", "totally",
    "actually", "ngl", "tbh", "honestly", "literally", "seriously", "pretty", "quite", "super",
    "truly", "lol", "one", "still", "have", "i", "pls", "plz", "please",
})
_LAUGH = re.compile(r"^(?:a?(?:ha|he|hi)+h?|l+o+l+[sz]*|lmf?a+o+|ro+fl|xd+|kek)$")
# What people type when they mean a button that is no longer showing.
_BUTTON_WORDS = frozenset({
    "done", "snooze", "skip", "stop", "next", "resume", "restart", "yes", "no", "y", "n", "start",
    "later", "pause", "pause today", "check in", "too intense", "im in position", "tail tucked",
    "done holding", "next round", "all clear", "helpful", "not quite", "ask the coach",
})
_NUMBER = re.compile(r"^\s*\[?\s*\d{1,2}\s*\]?\s*(?:/\s*10)?\s*[.!]?\s*$")
_LOOKUP: dict[str, Kind] = {phrase: kind for kind, phrases in _PHRASES.items() for phrase in phrases}
_LONGEST = max(len(phrase.split()) for phrase in _LOOKUP)
_KNOWN_WORDS = frozenset(word for phrase in _LOOKUP for word in phrase.split()) | _FILLER
# "thanksss", "hiiii", "okkkk": a held key is the same word.
_HELD = re.compile(r"(\w)\1{2,}")


def _has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _unheld(word: str) -> str:
    """Return the word with a held key let go: "thanksss" -> "thanks", "coool" -> "cool"."""
    if not _HELD.search(word):
        return word
    once = _HELD.sub(r"\1", word)
    return once if once in _KNOWN_WORDS else _HELD.sub(r"\1\1", word)


def _kinds(words: list[str]) -> list[Kind] | None:
    """Return the pleasantry kinds that make up `words`, or None if anything else is there."""
    kinds: list[Kind] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            kind = _LOOKUP.get(" ".join(words[i:i + size]))
            if kind is not None:
                kinds.append(kind)
                i += size
                break
        else:
            if _LAUGH.match(words[i]):
                kinds.append(Kind.LAUGHTER)
            elif words[i] not in _FILLER:
                return None
            i += 1
    return kinds or None


def kind_of(text: str) -> Kind | None:
    """Return what kind of small talk `text` is, or None when it says something more."""
    if not text.strip():
        return None
    if not _has_words(text):
        return Kind.EMOJI
    if _NUMBER.match(text):
        return Kind.BUTTON
    words = [_unheld(word) for word in normalise(text).split()]
    if " ".join(words) in _BUTTON_WORDS:
        return Kind.BUTTON
    kinds = _kinds(words)
    if kinds is None:
        return None
    return next((k for k in (Kind.FAREWELL, Kind.THANKS, Kind.PRAISE, Kind.GREETING) if k in kinds),
                kinds[0])


_PIECES = re.compile(r"(?<=[,.!?;:…])\s*|\s+[-–—]+\s+|\n+")
_LEAD_IN = re.compile(r"^(?:also|and|but|so|btw|by the way|quick question|question)\b[\s,:]*",
                      re.IGNORECASE)


# A question this short after trimming was probably the pleasantry's own words ("is it ok?").
_MIN_QUESTION_WORDS = 3
_TRAILING_KINDS = frozenset({Kind.THANKS, Kind.FAREWELL, Kind.LAUGHTER, Kind.PRAISE, Kind.EMOJI})


def _trimmed(piece: str) -> str:
    """Return `piece` without a pleasantry at its start or end ("morning coach is it ok" -> "is it ok")."""
    words = piece.split()
    for size in range(len(words) - _MIN_QUESTION_WORDS, 0, -1):
        if kind_of(" ".join(words[:size])) not in (None, Kind.BUTTON):
            words = words[size:]
            break
    for size in range(len(words) - _MIN_QUESTION_WORDS, 0, -1):
        if kind_of(" ".join(words[-size:])) in _TRAILING_KINDS:
            words = words[:-size]
            break
    return " ".join(words)


def question_inside(text: str) -> str:
    """Return `text` without the pleasantries around it ("thanks! also how long?" -> "how long?")."""
    pieces = [piece.strip() for piece in _PIECES.split(text) if piece and piece.strip()]
    kept = [piece for piece in pieces if kind_of(piece.strip(" ,.;:-")) is None]
    if not kept:
        return text
    first, last = _trimmed(kept[0]), _trimmed(kept[-1])
    if len(kept) == len(pieces) and first == " ".join(kept[0].split()) \
            and last == " ".join(kept[-1].split()):
        return text
    kept[0], kept[-1] = first, last
    inside = " ".join(piece for piece in kept if piece)
    return _LEAD_IN.sub("", inside) or inside
