"""Spot recent injuries, operations and pregnancies said casually, not clinically.

People rarely write "I have a recent knee injury". They write "hurt my knee playing footy
last week", "had my ACL fixed in March" or "20 weeks along". These patterns read the
normalised text (see `triage.normalise`) for those everyday forms, and are careful to
leave the ordinary aches the FAQ answers ("my knees hurt a bit", "does it hurt at first")
alone: an injury needs an event done TO a body part, not a part that simply hurts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

INJURY = "recent injury or surgery"
PREGNANCY = "pregnancy"

_PLACE = (
    r"(?:knee|knees|kneecap|hip|hips|back|lower back|spine|disc|discs|ankle|ankles|acl|mcl|pcl"
    r"|meniscus|menisci|ligament|ligaments|tendon|achilles|cartilage|leg|legs|foot|feet|shin"
    r"|shins|hamstring|hamstrings|quad|quads|groin|calf|pelvis|tailbone|coccyx|patella|tibia"
    r"|fibula|femur)"
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
    r"(?:days?|weeks?|wks?|months?|mths?|fortnight)\s+(?:ago|back)"
    r"|(?:a\s+)?fortnight\s+ago"
    r"|ago|in\s+(?:" + _MONTHS + r"|" + _SEASONS + r")|on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|since\s+(?:my|the|i)\b|still\s+(?:healing|recovering|sore|swollen|bruised)"
    r"|recovering|rehab|crutches|brace|physio\s+(?:said|told|says))\b"
)
# Past-tense events done to a body part; each needs a body part right after it.
_EVENT_VERBS = (
    r"(?:tweaked|twisted|sprained|strained|tore|torn|ripped|banged|bashed|knocked|smashed"
    r"|jarred|jammed|bruised|busted|wrecked|damaged|injured|dislocated|broke|broken"
    r"|fractured|ruptured|messed up|screwed up|hyperextended|subluxed|subluxated)"
)
_EVENTS = (
    re.compile(r"\b" + _EVENT_VERBS + r"\s+" + _FILLER + _PLACE + r"\b"),
    # "rolled my hips" and "pulled my knees in" are cues; only these pairings are injuries.
    re.compile(r"\brolled\s+" + _FILLER + r"(?:ankle|ankles|foot)\b"),
    re.compile(r"\bpulled\s+" + _FILLER
               + r"(?:hamstring|hamstrings|groin|calf|quad|quads|back|muscle|ligament|tendon)\b"),
    re.compile(r"\b(?:did|done|doing)\s+(?:my|me|the|his|her)\s+" + _PLACE
               + r"\s+(?:in|at|playing)\b"),
    # The same events told the other way round: "kneecap subluxed", "my knee got twisted".
    re.compile(r"\b" + _PLACE + r"\s+(?:(?:is|was|has|had|got|has\s+been)\s+)?(?:subluxed"
               r"|subluxated|dislocated|hyperextended|twisted|sprained|tweaked|injured|fractured"
               r"|damaged|torn)\b"),
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
    # Treatments that only follow an injury: injections, drained fluid, a brace, a surgeon.
    re.compile(r"\b(?:cortisone|steroid|prp|platelet|hyaluronic|synvisc)\b.{0,30}\b(?:injection"
               r"|injected|shot|jab)|\b(?:injection|injected|shot|jab)\s+(?:\w+\s+){0,2}"
               r"(?:in|into)\s+" + _FILLER + _PLACE + r"\b"),
    re.compile(r"\b(?:drained|aspirated)\b.{0,30}\b" + _PLACE + r"\b|\b" + _PLACE
               + r"\b.{0,30}\b(?:drained|aspirated)\b|\bfluid\s+(?:drained|removed|on\s+(?:my|the)\s+"
               + _PLACE + r")\b"),
    re.compile(r"\b(?:wearing|wear|in|still\s+in|got)\s+(?:a|my|the)\s+(?:knee\s+)?brace\b"),
    re.compile(r"\b(?:my|the|an|saw\s+an?|saw\s+the|saw\s+my)\s+(?:ortho|orthopaedic|orthopedic"
               r"|orthopod)s?\b"),
    re.compile(r"\b" + _PLACE + r"\s+(?:is\s+|are\s+|s\s+)?still\s+(?:healing|recovering|swollen"
               r"|bruised|not\s+right|weak|unstable|puffy)\b"),
    re.compile(r"\b" + _PLACE + r"\b.{0,30}\b(?:staples|stitches|sutures)\b"),
    re.compile(r"\b(?:slipped|herniated|herniating|bulging|bulged|prolapsed|ruptured|blown)\s+"
               r"(?:(?:a|my|the|one|two|l\d|l\d\s*l?\d|s\d)\s+)?discs?\b"),
    re.compile(r"\bdiscs?\s+(?:herniation|prolapse|bulge|injury|slipped|slipping|went)\b"),
    re.compile(r"\b(?:staples|stitches|sutures|stitched|stapled|scar)\b.{0,30}\b" + _PLACE + r"\b"
               r"|\b" + _PLACE + r"\s+(?:staples|stitches|sutures|scar)\b"),
)
_PREGNANCY = (
    re.compile(r"\b(?:im|i am|were|we are|wife is|partner is|she is|currently|found out im"
               r"|girlfriend is|gf is|wifes|partners|sister is|daughter is|friend is|mate is)"
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
    re.compile(r"\bwhile\s+(?:expecting|carrying)\b|\b(?:mum|mom|mother|mama|momma)\s*to\s*be\b"
               r"|\bin\s+my\s+(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh"
               r"|eighth|ninth|last)\s+month\b(?!\s+of)"),
    re.compile(r"\bbab(?:y|ys|ies)\s+(?:is\s+|keeps\s+|kept\s+)?(?:kicking|growing|moving"
               r"|measuring|head\s+down|engaged|breech)\b"),
    re.compile(r"\b(?:gestational|pre\s*eclampsia|placenta\w*|ultrasound|sonogram|ivf"
               r"|embryo\s+transfer|conceive|conceiving|conception|fertility\s+(?:treatment|clinic))\b"),
    re.compile(r"\b(?:\d+|twelve|twenty|dating|anatomy|nuchal|growth|anomaly|baby)\s*"
               r"(?:week\s+)?scan\b"),
    re.compile(r"\b(?:my|the|an|our|her)\s+ob\b"),
    re.compile(r"\b(?:second|third|fourth|fifth|2nd|3rd|4th|5th|bub|bubs|bubba|little\s+one"
               r"|sibling|number\s+(?:two|three|2|3))\s+(?:is\s+)?on\s+the\s+way\b"),
    re.compile(r"\b(?:two|2|double)\s+(?:pink\s+)?lines\b|\bpregnancy\s+test\b"
               r"|\bpeed\s+on\s+a\s+stick\b"),
    re.compile(r"\bfull\s+term\b|\bdue\s+(?:any\s+day|next\s+(?:week|month)|soon|in\s+\d+\s+weeks)\b"
               r"|\b\d+\s*(?:weeks?|wks?)\s+and\s+counting\b"),
    re.compile(r"\b(?:belly|tummy|bump|stomach)\s+(?:is\s+)?(?:getting\s+(?:big|bigger|huge)"
               r"|growing|showing)\b|\bstarting\s+to\s+show\b"),
    # The idioms people use instead of the word.
    re.compile(r"\b(?:bun\s+in\s+the\s+oven|eating\s+for\s+two|knocked\s+up|up\s+the\s+duff"
               r"|in\s+the\s+family\s+way|in\s+the\s+club|baby\s+on\s+(?:the\s+way|board)"
               r"|expectant\s+(?:mum|mom|mother)|maternity\s+leave|morning\s+sickness)\b"),
)


def casual_flags(clean: str) -> Iterator[tuple[str, int]]:
    """Yield (INJURY or PREGNANCY, offset) for each casual mention in normalised `clean`."""
    for concept, patterns in ((PREGNANCY, _PREGNANCY), (INJURY, (*_ALWAYS, *_EVENTS))):
        for pattern in patterns:
            for found in pattern.finditer(clean):
                yield concept, found.start()
    if _RECENCY.search(clean):
        for pattern in (_HURT, _FALL):
            for found in pattern.finditer(clean):
                yield INJURY, found.start()
