"""Spot recent injuries, operations and pregnancies said casually, not clinically.

People rarely write "I have a recent knee injury". They write "hurt my knee playing footy
last week", "had my ACL fixed in March" or "20 weeks along". These patterns read the
normalised text (see `triage.normalise`) for those everyday forms, and are careful to
leave the ordinary aches the FAQ answers ("my knees hurt a bit", "does it hurt at first")
alone: an injury needs an event done TO a body part, not a part that simply hurts.
"""

from __future__ import annotations

import re

INJURY = "recent injury or surgery"
PREGNANCY = "pregnancy"

_PLACE = (
    r"(?:knee|knees|kneecap|hip|hips|back|lower back|spine|disc|discs|ankle|ankles|acl|mcl|pcl"
    r"|meniscus|menisci|ligament|ligaments|tendon|achilles|cartilage|leg|legs|foot|feet|shin"
    r"|shins|hamstring|hamstrings|quad|quads|groin|calf|pelvis|tailbone|coccyx|patella)"
)
# Up to three little words between the verb and the body part: "twisted my left knee".
_FILLER = r"(?:(?:my|the|a|his|her|both|left|right|bad|good|other|me|up|it|in|on|out)\s+){0,3}"
_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november"
           r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)")
_SEASONS = r"(?:spring|summer|autumn|fall|winter)"
_RECENCY = re.compile(
    r"\b(?:yesterday|today|tonight|recently|recent|lately|just|the other day"
    r"|last\s+(?:night|week|weekend|month|year|time|season|game|match|" + _SEASONS + r"|\w+day)"
    r"|this\s+(?:morning|afternoon|week|weekend|month|year|season|" + _SEASONS + r")"
    r"|(?:\d+|a|an|one|two|three|four|five|six|few|couple|couple of|several)\s+"
    r"(?:days?|weeks?|wks?|months?|mths?)\s+(?:ago|back)"
    r"|ago|in\s+(?:" + _MONTHS + r"|" + _SEASONS + r")|on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|since\s+(?:my|the|i)\b|still\s+(?:healing|recovering|sore|swollen|bruised)"
    r"|recovering|rehab|crutches|brace|physio\s+(?:said|told|says))\b"
)
# Past-tense events done to a body part; each needs a body part right after it.
_EVENT_VERBS = (
    r"(?:tweaked|twisted|sprained|strained|tore|torn|ripped|banged|bashed|knocked|smashed"
    r"|jarred|jammed|bruised|busted|wrecked|damaged|injured|dislocated|broke|broken"
    r"|fractured|ruptured|messed up|screwed up)"
)
_EVENTS = (
    re.compile(r"\b" + _EVENT_VERBS + r"\s+" + _FILLER + _PLACE + r"\b"),
    # "rolled my hips" and "pulled my knees in" are cues; only these pairings are injuries.
    re.compile(r"\brolled\s+" + _FILLER + r"(?:ankle|ankles|foot)\b"),
    re.compile(r"\bpulled\s+" + _FILLER
               + r"(?:hamstring|hamstrings|groin|calf|quad|quads|back|muscle|ligament|tendon)\b"),
    re.compile(r"\b(?:did|done|doing)\s+(?:my|the|his|her)\s+" + _PLACE + r"\s+in\b"),
    re.compile(r"\b(?:ive|just|have|has|had)\s+hurt\s+" + _FILLER + _PLACE + r"\b"),
    re.compile(r"\b(?:pulled|tweaked|strained|hurt|did|tore|twisted|damaged|injured)\s+"
               r"(?:something|a\s+muscle|a\s+bit)\s+(?:in|to|on)\s+" + _FILLER + _PLACE + r"\b"),
)
# "hurt my knee" is an event; "my knee hurts" is an ache. Only the first counts, and only
# when it is not a worry about the future ("will it hurt my knees").
_HURT = re.compile(r"\b(?<!will )(?<!would )(?<!could )(?<!can )(?<!might )(?<!does )"
                   r"(?<!it )(?<!this )(?<!that )(?<!to )hurt\s+" + _FILLER + _PLACE + r"\b")
_FALL = re.compile(r"\b(?:fell|fall|landed|came down|come down|crashed|slammed)\s+(?:on|onto)\s+"
                   + _FILLER + _PLACE + r"\b|\b(?:came|fell|flew)\s+off\s+(?:my|a|the)\s+"
                   r"(?:bike|bicycle|horse|scooter|motorbike|board|skateboard|ladder)\b")
_ALWAYS = (
    re.compile(r"\b(?:threw|thrown|throw|put|putting)\s+(?:my\s+)?back\s+out\b"),
    re.compile(r"\bback\s+went\s+(?:out|again|on me)\b"),
    re.compile(r"\b(?:had|got|getting|having|get)\s+" + _FILLER + _PLACE
               + r"\s+(?:fixed|repaired|done|operated on|operated|scoped|replaced|reconstructed"
                 r"|rebuilt|pinned|sorted|cleaned out)\b"),
    re.compile(r"\b" + _PLACE + r"\s+(?:op|ops|operation|repair|reconstruction|replacement"
               r"|surgery|scope|arthroscopy|keyhole|resurfacing|fusion)\b"),
    re.compile(r"\b(?:new|artificial|replaced|replacement|titanium|metal|fake|bionic)\s+"
               r"(?:knee|knees|hip|hips)\b"),
    re.compile(r"\b(?:since|after|from)\s+(?:my|the|a|an)\s+(?:op|operation|accident|crash)\b"),
    re.compile(r"\b(?:post\s+op|keyhole|arthroscopy|arthroscopic|c\s*section|caesarean"
               r"|cesarean)\b"),
    re.compile(r"\b(?:slipped|herniated|herniating|bulging|bulged|prolapsed|ruptured|blown)\s+"
               r"(?:(?:a|my|the|one|two|l\d|l\d\s*l?\d|s\d)\s+)?discs?\b"),
    re.compile(r"\bdiscs?\s+(?:herniation|prolapse|bulge|injury|slipped|slipping|went)\b"),
    re.compile(r"\b(?:staples|stitches|sutures|stitched|stapled|scar)\b.{0,30}\b" + _PLACE + r"\b"
               r"|\b" + _PLACE + r"\s+(?:staples|stitches|sutures|scar)\b"),
)
_PREGNANCY = (
    re.compile(r"\b(?:im|i am|were|we are|wife is|partner is|she is|currently|found out im)"
               r"\s+expecting\b(?!\s+(?:to|it|that|this|the|more|less|some|too|much|pain|a lot"
               r"|a stretch|an answer|a reply|you|results))"),
    re.compile(r"\bexpecting\s+(?:a|my|our|the)?\s*(?:baby|babies|child|twins|first|second"
               r"|third|little one|kid)\b"),
    re.compile(r"\b\d+\s*(?:weeks?|wks?|months?|mths?)\s+(?:along|gone|pregnant|preg)\b"),
    re.compile(r"\bbaby\s*bump\b|\bmy\s+bump\b|\bwith\s+child\b"),
    re.compile(r"\bdue\s+(?:date|in\s+" + _MONTHS + r")\b"),
    re.compile(r"\b(?:gave\s+birth|having\s+a\s+baby|had\s+(?:a|my|our)\s+baby)\b"),
    re.compile(r"\b(?:im|i am|at|about|nearly|almost|currently)\s+\d+\s*(?:weeks?|wks?|w)\b"
               r"(?!\s+(?:in|into|of|since|ago|now|already))"),
    re.compile(r"\b\d+\s*(?:weeks?|wks?|months?)\b.{0,40}\b(?:baby|babys|bump|midwife|due)\b"),
    re.compile(r"\b(?:positive\s+(?:pregnancy\s+)?test|obstetrician|obgyn|ob\s+gyn|midwife"
               r"|gynaecologist|gynecologist|twins|triplets)\b"),
    re.compile(r"\b(?:carrying|expecting|waiting|wait|awaiting)\s+(?:a|for\s+a|our|my)?\s*"
               r"(?:baby|babies|child|little\s+one)\b|\bbaby\s+(?:is\s+)?(?:kicking|due|inside"
               r"|sitting\s+(?:low|high)|on\s+board)\b"),
    # The idioms people use instead of the word.
    re.compile(r"\b(?:bun\s+in\s+the\s+oven|eating\s+for\s+two|knocked\s+up|up\s+the\s+duff"
               r"|in\s+the\s+family\s+way|in\s+the\s+club|baby\s+on\s+(?:the\s+way|board)"
               r"|expectant\s+(?:mum|mom|mother)|maternity\s+leave|morning\s+sickness)\b"),
)


def casual_flag(clean: str) -> str | None:
    """Return INJURY or PREGNANCY when normalised `clean` says one casually, else None."""
    if any(p.search(clean) for p in _PREGNANCY):
        return PREGNANCY
    if any(p.search(clean) for p in _ALWAYS):
        return INJURY
    if any(p.search(clean) for p in _EVENTS):
        return INJURY
    if (_HURT.search(clean) or _FALL.search(clean)) and _RECENCY.search(clean):
        return INJURY
    return None
