"""What a question names, and whether a passage or sentence can answer it at all, whatever
its similarity score.

Similarity cannot tell "Kent's 2022 inspection" from "Norfolk's 2019 focused visit", nor a number
from a sentence without one. These rules can, from what the question names: councils, years,
kinds of document, and whether it asks for a quantity. They decide abstention together with the
scores: a question naming a council, year or kind that no retrieved document fits is declined.
"""

from __future__ import annotations

import re

from .councils import mentions
from .keyword import fold_plural
from .metadata import Scope

_STOP = frozenset(
    "a an the of to in on for and or but with by at from as is are was were be been has have"
    " had do does did what which who whom whose when where why how that this these those it"
    " its their they there than then so such not no yes about into over under between since"
    " after before any all each other our your his her them we you i me my can could would"
    " should may might will shall according said say says tell give me example examples".split()
)
# Words that place a question (who, when, which inspection) rather than say what it is about.
_PLACING = re.compile(
    r"\b(ofsted|cssiw|care inspectorate( wales)?|inspectorate|inspections?|inspectors?|reports?"
    r"|focused visits?|monitoring visits?|visits?|re-?inspection|letters?|local authority"
    r"|(january|february|march|april|may|june|july|august|september|october|november|december)"
    r"|(19|20)\d\d(\s*[-/–]\s*\d{2,4})?)\b",
    re.IGNORECASE,
)


def topic_of(question: str) -> str:
    """The question without the councils, dates and inspection words that place it: those are
    matched against document metadata, so sentences are scored on what is asked about."""
    text = question
    for m in reversed(mentions(question)):
        text = text[: m.start] + " " + text[m.end :]
    text = re.sub(r"[’']s\b", "", _PLACING.sub(" ", text))
    return text if len(terms(text)) >= 3 else question


def terms(text: str) -> list[str]:
    """Content words, lower-cased and plural-folded, for lexical matching."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [fold_plural(w) for w in words if w not in _STOP and (len(w) > 1 or w.isdigit())]


_DATE_FIELDS = ("published", "inspection_start", "inspection_end")

# Kinds of document a question can name. A bare "inspection" names full inspections only when
# a more specific kind is named too (otherwise it is just how people say "report").
_KINDS = (
    ("area_send", re.compile(r"\b(area\s+)?SEND\s+inspections?|local area partnership", re.I)),
    ("jtai", re.compile(r"\bJTAI\b|joint targeted area inspection", re.I)),
    ("focused_visit", re.compile(r"\bfocused\s+visits?", re.I)),
    ("monitoring_visit", re.compile(r"\bmonitoring\s+visits?", re.I)),
)
_FULL = re.compile(r"\b(re-?inspections?|inspections?|ILACS|SIF)\b", re.I)
# Coverage of inspections (news, scrutiny papers) can speak to any kind.
_ANY_KIND = {"news_article", "scrutiny_report", "committee_paper", "annual_report", "other", ""}

_QUANTITY_QUESTION = re.compile(
    r"\b(how many|how much|what (number|amount)|average|how often)\b", re.I
)
_SHARE_QUESTION = re.compile(r"\b(what|which) (percentage|proportion|share|fraction)\b", re.I)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand million half"
    " third quarter dozen"
)
_QUANTITY = re.compile(rf"\b(\d+(\.\d+)?|{'|'.join(_NUMBER_WORDS.split())})\b", re.I)
_SHARE = re.compile(
    r"\d\s*%|\bper ?cent\b|\b(half|a third|two thirds|a quarter|three quarters|one in \w+|"
    r"majority|minority)\b",
    re.I,
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# Years and calendar dates are numbers that answer no "how many".
_DATE = re.compile(
    rf"\b(\d{{1,2}}(st|nd|rd|th)?(\s*(to|and|-|–)\s*\d{{1,2}}(st|nd|rd|th)?)?\s+({_MONTHS})|"
    rf"({_MONTHS})\s+\d{{4}}|(19|20)\d\d)\b",
    re.I,
)


def named_kinds(question: str) -> set[str]:
    """Document kinds the question names specifically (empty when it names none)."""
    kinds, rest = set(), question
    for kind, pattern in _KINDS:
        if pattern.search(rest):
            kinds.add(kind)
            rest = pattern.sub(" ", rest)
    if kinds and _FULL.search(rest):
        kinds.add("full_inspection")
    return kinds


def in_scope(passage, scope: Scope | None, *, kinds: set[str] | None = None) -> bool:
    """Whether a passage's document fits the councils, years and kinds a question names: by its
    metadata, or failing that (councils, years) by naming them itself."""
    fields, text = passage.fields, passage.text
    if kinds and str(fields.get("doc_type", "")) not in kinds | _ANY_KIND:
        return False
    if scope is None:
        return True
    if scope.councils:
        council = str(fields.get("council", ""))
        if council not in scope.councils and not any(_named(c, text) for c in scope.councils):
            return False
    if scope.years:
        years = {str(fields.get("year", ""))} | {str(fields.get(f, ""))[:4] for f in _DATE_FIELDS}
        years |= set(str(fields.get("years_mentioned", "")).split())
        if not any(str(y) in years or str(y) in text for y in scope.years):
            return False
    return True


def _named(council: str, text: str) -> bool:
    short = re.sub(
        r"\b(county|city|borough|metropolitan|district)?\s*council\b", "", council, flags=re.I
    )
    short = re.sub(
        r"^(london borough of|royal borough of|city of)\s+", "", short.strip(), flags=re.I
    )
    return bool(short.strip()) and short.strip().lower() in text.lower()


def asks_quantity(question: str) -> bool:
    """ "How many ...?", "What percentage ...?": only a sentence with a number can answer."""
    return bool(_QUANTITY_QUESTION.search(question) or _SHARE_QUESTION.search(question))


def answers_quantity(question: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of quantity the question asks for: a share for "what
    percentage", otherwise a number (in digits or words) that is not a year or a date."""
    if _SHARE_QUESTION.search(question):
        return bool(_SHARE.search(sentence))
    return bool(_QUANTITY.search(_DATE.sub(" ", sentence)))
