"""Quantities: which kind a question asks for, and whether a sentence holds one of that kind.
Pure functions.

"How many" wants a count, "what percentage" a share, "how much did it spend" money, "how often"
a frequency, "when" or "on what dates" a date, "what hours" a time of day. A sentence whose only
number is a year, a date or a reference ("enabler 2", "paragraph 16.31") answers none of them.
"""

from __future__ import annotations

import math
import re

from assistant.core.text import MONTH_PATTERN, YEAR_PATTERN, terms

COUNT, SHARE, MONEY, FREQUENCY, DATE, TIME, DURATION = (
    "count",
    "share",
    "money",
    "frequency",
    "date",
    "time",
    "duration",
)
# How a decline names what is missing: "no document gives a share of ...".
NAMES = {
    COUNT: "a number",
    SHARE: "a percentage or share",
    MONEY: "an amount of money",
    FREQUENCY: "how often",
    DATE: "a date",
    TIME: "times or hours",
    DURATION: "how long",
}

# What each kind of question says, checked in this order (a share before a count: "what
# proportion of how many"; money before a count: "how much").
_ASKS = (
    (SHARE, r"\b(what|which) (percentage|proportion|share|fraction)\b|\bhow many (per ?cent|%)"),
    (MONEY, r"\bhow much (money|funding|extra|more|less)\b|\bhow much (did|does|do|will|was|is)\b"
            r".{0,60}\b(spend|spent|cost|invest|invested|fund|funded|pay|paid|budget|allocate)"
            r"|\b(what|which) (budget|funding|amount of money|sum)\b|\bhow much .{0,30}£"),
    (FREQUENCY, r"\bhow (often|frequently|regularly)\b|\bhow many times\b"),
    (TIME, r"\bwhat (hours|times?)\b.{0,80}\b(open|available|staffed|run)\b"
           r"|\bwhen\b.{0,40}\bopen\b"),
    (DURATION, r"\bhow long\b"),
    (DATE, r"\b(on )?what (date|dates|day|days)\b|\bwhen (did|was|were|will|is)\b"),
    (COUNT, r"\bhow many\b|\bwhat (number|amount)\b|\bhow much\b|\baverage\b"),
)  # fmt: skip
_ASKS_RE = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in _ASKS)

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
    " hundred thousand million half third quarter dozen"
)
_NUMBER = re.compile(rf"\b(\d[\d,]*(\.\d+)?|{'|'.join(_NUMBER_WORDS.split())})\b", re.I)
_STRICT_SHARE = re.compile(r"\d\s*%|\bper ?cent\b|\b(half|a third|two thirds|a quarter|"
                           r"three quarters|one in \w+|\d+ out of \d+)\b", re.I)  # fmt: skip
_MONEY = re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s?(million|billion|thousand|k|m|bn)\b.{0,12}"
                    r"(pounds|£)?|\bpounds\b", re.I)  # fmt: skip
_FREQUENCY = re.compile(
    r"\b(every|each)\s+(\w+\s+)?(day|week|fortnight|month|quarter|year|weeks|months|days)\b|"
    r"\b(daily|weekly|fortnightly|monthly|quarterly|annually|yearly|bi-?monthly)\b|"
    r"\b(once|twice|three times|\d+ times|\w+ times) (a|an|per|each|every)\b|"
    r"\b(per|a) (day|week|month|year)\b",
    re.I,
)
_TIME = re.compile(r"\b\d{1,2}(([.:]\d\d)\s*(am|pm)?|\s*(am|pm|a\.m\.|p\.m\.))|\b(noon|midnight|"
                   r"24 hours|out of hours|round the clock)\b", re.I)  # fmt: skip
_DURATION = re.compile(
    r"\b(\d+|\w+) (days?|weeks?|months?|years?|hours?)\b|\b(within|for|over|after) (a|one|two|"
    r"three|several|many) (days?|weeks?|months?|years?)\b",
    re.I,
)
_CALENDAR = re.compile(
    rf"\b(\d{{1,2}}(st|nd|rd|th)?(\s*(to|and|-|–)\s*\d{{1,2}}(st|nd|rd|th)?)?\s+{MONTH_PATTERN}"
    rf"(\s+\d{{4}})?|{MONTH_PATTERN}\s+\d{{4}}|{YEAR_PATTERN}(/\d\d)?)\b",
    re.I,
)
# A number that names something rather than counts it: "enabler 2", "paragraph 16.31".
_REFERENCE = re.compile(
    r"\b(enabler|outcome|principle|paragraph|para|section|page|chapter|item|appendix|annex|"
    r"recommendation|standard|regulation|clause|part|phase|stage|year|tier|level|step|"
    r"decision|no\.?|number)\s+\d[\d.]*\b",
    re.I,
)


# What a sentence holding each kind contains (a count, and any other kind: `has_count`).
_HOLDS = {
    SHARE: _STRICT_SHARE,
    MONEY: _MONEY,
    FREQUENCY: _FREQUENCY,
    TIME: _TIME,
    DATE: _CALENDAR,
    DURATION: _DURATION,
}


def asked(question: str) -> str:
    """The kind of quantity a question asks for, or '' when it asks for none."""
    for kind, pattern in _ASKS_RE:
        if pattern.search(question):
            return kind
    return ""


# Words of a quantity question that say how it is asked or measured, not what is counted (an
# amount of money is written in pounds, whatever the question calls it).
_MEASURE = frozenset(
    terms("many much number amount percentage proportion share per cent time money cash funding")
)
# Kinds that count or measure a thing; a date, a time or a length qualifies an event instead.
_OF_A_THING = frozenset({COUNT, SHARE, MONEY})
SHARE_OF_THING = 0.5  # of the counted thing's words a sentence must hold


def counted(unplaced: str, kind: str) -> tuple[str, ...]:
    """The words of what a quantity question counts: the question without the council and
    dates that place it, after the words that ask ("how many foster beds had ... ring-fenced"
    -> foster, bed, ring, fenced), so that a number of something else is no answer. None for
    a date, a time or a length, which are of an event, not a thing."""
    pattern = dict(_ASKS_RE).get(kind)
    found = pattern.search(unplaced) if pattern and kind in _OF_A_THING else None
    if found is None:
        return ()
    words = terms(unplaced[found.end() :]) or terms(unplaced[: found.start()])
    return tuple(dict.fromkeys(t for t in words if t not in _MEASURE and not t.isdigit()))


def about(thing: tuple[str, ...], text: str) -> bool:
    """Whether `text` speaks of the counted thing: half its words, and two when it has two
    ("children in care" is not "children on child protection plans")."""
    if not thing:
        return True
    have = set(terms(text))
    wanted = max(min(2, len(thing)), math.ceil(SHARE_OF_THING * len(thing)))
    return sum(t in have for t in thing) >= wanted


def holds(kind: str, sentence: str) -> bool:
    """Whether a sentence holds a quantity of that kind."""
    pattern = _HOLDS.get(kind)
    return bool(pattern.search(sentence)) if pattern else has_count(sentence)


def has_count(sentence: str) -> bool:
    """A number (in digits or words) that is not a year, a date, a length of time ("nine
    months") or a reference number."""
    rest = _REFERENCE.sub(" ", _DURATION.sub(" ", _CALENDAR.sub(" ", sentence)))
    return bool(_NUMBER.search(rest) or _STRICT_SHARE.search(rest))
