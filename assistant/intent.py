"""What a question asks: one `QueryIntent`, built once per question, read by retrieval, the
answer step and the decline rules alike.

Similarity cannot tell "Kent's 2022 inspection" from "Norfolk's 2019 focused visit", nor a count
from a sentence holding an item number. The intent can, from what the question names (councils,
years, kinds of document) and the shape of answer it asks for (a list, a judgement, a reason, a
quantity of some kind, examples, a comparison, a change over time). Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import councils
from .filters import Condition, Filter
from .text import MONTH_PATTERN, terms, years_in

# Answer shapes.
FACT = "fact"
LIST = "list"
JUDGEMENT = "judgement"
REASON = "reason"
QUANTITY = "quantity"
EXAMPLES = "examples"
COMPARE = "compare"
CHANGE = "change"
SHAPES = (LIST, JUDGEMENT, REASON, QUANTITY, EXAMPLES, COMPARE, CHANGE, FACT)

# Kinds of quantity a question can ask for.
COUNT, SHARE, MONEY, FREQUENCY, DATE = "count", "share", "money", "frequency", "date"


@dataclass(frozen=True)
class Scope:
    """Councils and years a question names, to lean retrieval toward them."""

    councils: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.councils or self.years)

    def filter(self) -> Filter:
        """The documents the question names, as a filter (used to boost, never to restrict)."""
        conditions = []
        if self.councils:
            conditions.append(Condition("council", "$in", self.councils))
        if self.years:
            # `year` is the publication year: a report is often published the year after its
            # inspection ("the December 2024 inspection" was published in 2025).
            years = sorted({y for x in self.years for y in (x, x + 1)})
            conditions.append(Condition("year", "$in", tuple(years)))
        return Filter(tuple(conditions))


@dataclass(frozen=True)
class QueryIntent:
    question: str
    topic: str  # the question without what places it (councils, dates, inspection words)
    scope: Scope
    kinds: frozenset[str]  # kinds of document named specifically ("focused visit")
    shape: str
    quantity: str = ""  # COUNT, SHARE, MONEY, FREQUENCY or DATE when shape is QUANTITY

    @property
    def councils(self) -> tuple[str, ...]:
        return self.scope.councils

    @property
    def years(self) -> tuple[int, ...]:
        return self.scope.years

    @property
    def spans_documents(self) -> bool:
        """The answer should draw on several documents."""
        return self.shape in (COMPARE, CHANGE, EXAMPLES) or len(self.councils) > 1


def understand(question: str, *, scope: Scope | None = None) -> QueryIntent:
    """The intent of `question`; `scope` replaces the councils and years it names (a follow-up
    inherits its conversation's)."""
    scope = scope_of(question) if scope is None else scope
    quantity = quantity_kind(question)
    return QueryIntent(
        question=question,
        topic=topic_of(question),
        scope=scope,
        kinds=frozenset(named_kinds(question)),
        shape=QUANTITY if quantity else _shape(question),
        quantity=quantity,
    )


def scope_of(question: str) -> Scope:
    """Councils and years named in a question (soft: used to boost, never to filter)."""
    return Scope(tuple(councils.named(question)), tuple(years_in(question)))


# --- the topic ------------------------------------------------------------------------------------

# Words that place a question (who, when, which inspection) rather than say what it is about.
_PLACING = re.compile(
    r"\b(ofsted|cssiw|care inspectorate( wales)?|inspectorate|inspections?|inspectors?|reports?"
    rf"|focused visits?|monitoring visits?|visits?|re-?inspection|letters?|local authority"
    rf"|{MONTH_PATTERN}|(19|20)\d\d(\s*[-/–]\s*\d{{2,4}})?)\b",
    re.IGNORECASE,
)


def topic_of(question: str) -> str:
    """The question without the councils, dates and inspection words that place it: those are
    matched against document metadata, so sentences are scored on what is asked about."""
    text = question
    for m in reversed(councils.mentions(question)):
        text = text[: m.start] + " " + text[m.end :]
    text = re.sub(r"[’']s\b", "", _PLACING.sub(" ", text))
    return text if len(terms(text)) >= 3 else question


# --- kinds of document -------------------------------------------------------------------------

# A bare "inspection" names full inspections only when a more specific kind is named too
# (otherwise it is just how people say "report").
_KINDS = (
    ("area_send", re.compile(r"\b(area\s+)?SEND\s+inspections?|local area partnership", re.I)),
    ("jtai", re.compile(r"\bJTAI\b|joint targeted area inspection", re.I)),
    ("focused_visit", re.compile(r"\bfocused\s+visits?", re.I)),
    ("monitoring_visit", re.compile(r"\bmonitoring\s+visits?", re.I)),
)
_FULL = re.compile(r"\b(re-?inspections?|inspections?|ILACS|SIF)\b", re.I)


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


# --- the shape of the answer ---------------------------------------------------------------

_SPANNING = re.compile(
    r"\b(compare|comparison|which (councils|authorities|local authorities|areas)|across|between"
    r"|since|change[ds]?|improved?|over time|both|each|common|differ)\b",
    re.IGNORECASE,
)


def _shape(question: str) -> str:
    return COMPARE if _SPANNING.search(question) else FACT


# --- quantities ----------------------------------------------------------------------------

_QUANTITY_QUESTION = re.compile(
    r"\b(how many|how much|what (number|amount)|average|how often)\b", re.I
)
_SHARE_QUESTION = re.compile(r"\b(what|which) (percentage|proportion|share|fraction)\b", re.I)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand million half"
    " third quarter dozen"
)
_NUMBER = re.compile(rf"\b(\d+(\.\d+)?|{'|'.join(_NUMBER_WORDS.split())})\b", re.I)
_SHARE = re.compile(
    r"\d\s*%|\bper ?cent\b|\b(half|a third|two thirds|a quarter|three quarters|one in \w+|"
    r"majority|minority)\b",
    re.I,
)
# Years and calendar dates are numbers that answer no "how many".
_CALENDAR = re.compile(
    rf"\b(\d{{1,2}}(st|nd|rd|th)?(\s*(to|and|-|–)\s*\d{{1,2}}(st|nd|rd|th)?)?\s+{MONTH_PATTERN}|"
    rf"{MONTH_PATTERN}\s+\d{{4}}|(19|20)\d\d)\b",
    re.I,
)


def quantity_kind(question: str) -> str:
    """The kind of quantity asked for ("how many" a count, "what percentage" a share), or ''."""
    if _SHARE_QUESTION.search(question):
        return SHARE
    return COUNT if _QUANTITY_QUESTION.search(question) else ""


def holds_quantity(kind: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of quantity asked for: a share for SHARE, otherwise a
    number (in digits or words) that is not a year or a date."""
    if kind == SHARE:
        return bool(_SHARE.search(sentence))
    return bool(_NUMBER.search(_CALENDAR.sub(" ", sentence)))


# --- which documents can answer ---------------------------------------------------------------

# Coverage of inspections (news, scrutiny papers) can speak to any kind.
_ANY_KIND = frozenset(
    {"news_article", "scrutiny_report", "committee_paper", "annual_report", "other", ""}
)


def admits(intent: QueryIntent, meta, text: str) -> bool:
    """Whether a passage (its document's `DocumentMeta` and its own `text`) fits the councils,
    years and kinds the question names: by metadata, or failing that (councils, years) by
    naming them itself."""
    if intent.kinds and meta.doc_type not in intent.kinds | _ANY_KIND:
        return False
    scope = intent.scope
    named = any(_names(council, text) for council in scope.councils)
    if scope.councils and meta.council not in scope.councils and not named:
        return False
    if scope.years:
        dates = (meta.published, meta.inspection_start, meta.inspection_end)
        known = {meta.year, *meta.years_mentioned, *(int(d[:4]) for d in dates if d[:4].isdigit())}
        if not any(y in known or str(y) in text for y in scope.years):
            return False
    return True


def _names(council: str, text: str) -> bool:
    short = re.sub(
        r"\b(county|city|borough|metropolitan|district)?\s*council\b", "", council, flags=re.I
    )
    short = re.sub(
        r"^(london borough of|royal borough of|city of)\s+", "", short.strip(), flags=re.I
    )
    return bool(short.strip()) and short.strip().lower() in text.lower()
