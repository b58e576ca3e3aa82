"""What a question asks: one `QueryIntent`, built once per question, read by retrieval, the
answer shapes and the decline rules alike.

Similarity cannot tell "Kent's 2022 inspection" from "Norfolk's 2019 focused visit", nor a count
from a sentence holding an item number. The intent can, from what the question names (councils,
years, months, kinds of document, a grade, a judged area) and the shape of answer it asks for:
what kind of unit answers it (list items, judgement statements, reasons, a quantity of some
kind, examples, plain statements) and how the answer spreads over documents (one council each
for a comparison, one report each, in date order, for a change over time). Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from assistant.answering import quantities
from assistant.core import councils
from assistant.core.filters import Condition, Filter
from assistant.core.judgements import SEND_CONSEQUENCE, SEND_OUTCOMES, normalise_grade
from assistant.core.meta import REPORT_TYPES, fits_years
from assistant.core.record import DocumentRecord
from assistant.core.text import MONTH_PATTERN, MONTHS, YEAR_PATTERN, terms, years_in
from assistant.index.catalogue import Catalogue


class Shape(StrEnum):
    """What kind of unit answers the question."""

    FACT = "fact"
    LIST = "list"
    JUDGEMENT = "judgement"
    REASON = "reason"
    DECISION = "decision"  # what a committee, council or cabinet did: its resolutions and votes
    QUANTITY = "quantity"
    EXAMPLES = "examples"


class Spread(StrEnum):
    """How the answer spreads over documents."""

    ANYWHERE = "anywhere"
    PER_COUNCIL = "per_council"  # a comparison: each named council's own best statements
    OVER_TIME = "over_time"  # a change: one statement per report of the council, in date order
    ACROSS = "across"  # examples: several documents, one each


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
    kinds: frozenset[str] = frozenset()  # kinds of document named specifically
    shape: Shape = Shape.FACT
    # The shape was read by meaning (`ReadsAsks`), not named in the documents' own words
    # ("recommendations", "rated"): a question naming a part no document has is declined, one
    # only read as asking for it is answered as a plain question.
    read: bool = False
    spread: Spread = Spread.ANYWHERE
    quantity: str = ""  # a quantities.KINDS when shape is Shape.QUANTITY
    counted: tuple[str, ...] = ()  # the words of what a quantity question counts
    months: tuple[tuple[int, int], ...] = ()  # (year, month) named: "November 2025"
    days: tuple[tuple[int, int], ...] = ()  # (month, day) named without a year: "on 13 March"
    grade: str = ""  # a grade the question names ("inadequate"), one of judgements.GRADES
    area: str = ""  # a judged area it names (judgements.AREAS), "" for none or overall
    cue: str = ""  # the words that asked for a list ("needing to get better"): what it lists
    inspected: bool = False  # it asks what inspectors found, not what papers or the press said
    latest: bool = False  # "at its most recent inspection": the latest report only
    # What retrieval searches with: the question, or a follow-up with its conversation's
    # councils named ("And care leavers? (Kent)"), and that query's own topic.
    query: str = ""
    query_topic: str = ""

    @property
    def councils(self) -> tuple[str, ...]:
        return self.scope.councils

    @property
    def years(self) -> tuple[int, ...]:
        return self.scope.years


class ReadsAsks(Protocol):
    """What the question asks for, read by meaning (`answering.asks.AskReader`)."""

    def shape(self, question: str) -> Shape | None: ...

    def changes(self, question: str) -> bool: ...


def understand(
    question: str,
    *,
    scope: Scope | None = None,
    query: str | None = None,
    asks: ReadsAsks | None = None,
) -> QueryIntent:
    """The intent of `question`; `scope` replaces the councils and years it names and `query`
    the words searched with (a follow-up inherits its conversation's). `asks` reads the shape
    by meaning where no pattern of the documents' own words decides it."""
    scope = scope_of(question) if scope is None else scope
    bare = unplaced(question)
    topic = _topic(question, bare)
    query = question if query is None else query
    quantity = quantities.asked(question)
    shape = Shape.QUANTITY if quantity else _shape(question)
    spread = _spread(question, scope, shape)
    # A change over time or a comparison is answered with each report's or council's own
    # statements on the topic, whatever it asks of them; only a plain question is read.
    read = False
    if shape == Shape.FACT and spread == Spread.ANYWHERE and asks is not None:
        shape = asks.shape(question) or Shape.FACT
        read = shape != Shape.FACT
        spread = _spread(question, scope, shape, changes=asks.changes(question))
    cue = _LIST.search(question) if shape == Shape.LIST else None
    return QueryIntent(
        question=question,
        topic=topic,
        scope=scope,
        kinds=frozenset(named_kinds(question)),
        shape=shape,
        read=read,
        spread=spread,
        quantity=quantity,
        counted=quantities.counted(bare, quantity),
        months=months_in(question),
        days=days_in(question),
        grade=_grade(question),
        area=area_of(question),
        # Without what places the question: "areas for improvement set out by the focused visit
        # to Birmingham" must match the list's heading, not the letter's "Focused visit to
        # Birmingham children's services".
        cue=unplaced(_clause(question, cue.start())) if cue else "",
        inspected=bool(_INSPECTED.search(question)),
        # A change is read across reports: "has it improved since the last inspection?" names
        # the last inspection as the point compared with, not the one report to read.
        latest=spread != Spread.OVER_TIME and bool(_LATEST.search(question)),
        query=query,
        query_topic=topic if query == question else topic_of(query),
    )


_INSPECTED = re.compile(
    r"\b(ofsted|cssiw|ciw|care inspectorate|inspectors?|inspect(ed|ion|ions)|re-?inspection"
    r"|focused visits?|monitoring visits?)\b",
    re.I,
)
_LATEST = re.compile(
    r"\b(most recent|latest|last|current|newest)\s+(ofsted\s+)?(inspection|report|visit|judgement"
    r"|grade|rating|letter)",
    re.I,
)


def scope_of(question: str) -> Scope:
    """Councils and years named in a question (soft: used to boost, never to filter)."""
    return Scope(tuple(councils.named(question, trust_capitals=True)), tuple(years_in(question)))


def days_in(question: str) -> tuple[tuple[int, int], ...]:
    """Days of a month named without a year ("on 13 March", "March 13th"): a meeting's date."""
    found = re.findall(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_PATTERN})\b(?!\s+{YEAR_PATTERN})", question, re.I
    )
    found += [
        (d, m)
        for m, d in re.findall(
            rf"\b({MONTH_PATTERN})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\d)", question, re.I
        )
    ]
    days = ((MONTHS[m.lower()], int(d)) for d, m in found if 1 <= int(d) <= 31)
    return tuple(dict.fromkeys(days))


def months_in(question: str) -> tuple[tuple[int, int], ...]:
    found = re.findall(rf"\b({MONTH_PATTERN})\s+({YEAR_PATTERN})\b", question, re.I)
    return tuple(dict.fromkeys((int(y), MONTHS[m.lower()]) for m, y in found))


# --- the topic ------------------------------------------------------------------------------------

# Words that place a question (who, when, which inspection) rather than say what it is about.
_PLACING = re.compile(
    r"\b(ofsted|cssiw|care inspectorate( wales)?|inspectorate|inspections?|inspectors?|reports?"
    rf"|focused visits?|monitoring visits?|visits?|re-?inspection|letters?|local authority"
    rf"|(\d{{1,2}}(st|nd|rd|th)?\s+)?{MONTH_PATTERN}(\s+\d{{1,2}}(st|nd|rd|th)?\b)?"
    rf"|{YEAR_PATTERN}(\s*[-/–]\s*\d{{2,4}})?)\b",
    re.IGNORECASE,
)


def topic_of(question: str) -> str:
    """The question without the councils, dates and inspection words that place it: those are
    matched against document metadata, so sentences are scored on what is asked about (the
    question itself when too little is left to score on)."""
    return _topic(question, unplaced(question))


def _topic(question: str, bare: str) -> str:
    return bare if len(terms(bare)) >= 3 else question


def unplaced(question: str) -> str:
    """The question with the councils, dates and inspection words that place it taken out."""
    text = question
    for m in reversed(councils.mentions(question)):
        text = text[: m.start] + " " + text[m.end :]
    text = re.sub(r"[’']s\b", "", _PLACING.sub(" ", text))
    return _tidy(text)


# Small words left hanging where a council or date was cut out: "in ,", "by the ?", "the on".
_PREPOSITIONS = "in|on|at|by|of|for|from|to|with|during|when|after|before|since"
_HANGING = (
    re.compile(rf"(?<![-\w])(?:{_PREPOSITIONS}|the|a|an|its|their)\s*(?=[,.;:?!)–]|\s-|$)", re.I),
    re.compile(rf"\b(?:the|a|an)\s+(?=(?:{_PREPOSITIONS}|what|and|or)\b)", re.I),
    re.compile(
        rf"\b(?:{_PREPOSITIONS})\s+(?=(?:{_PREPOSITIONS}|what|and|or|but|was|were|is|are|had|has)\b)",
        re.I,
    ),
    re.compile(rf"\b(?:and|or)\s+(?=(?:{_PREPOSITIONS}|and|or)\b|[,.;:?!]|$)", re.I),
)


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    while True:
        tidied = text
        for pattern in _HANGING:
            tidied = " ".join(pattern.sub("", tidied).split())
        tidied = re.sub(r"\s+([,.;:?!])", r"\1", tidied)
        tidied = re.sub(r"\b(\w+) \1\b", r"\1", tidied)  # "in in"
        tidied = re.sub(r"^[,.;:–-]\s*|([,;:])(?=[,;:.?!])", "", tidied).strip()
        if tidied == text:
            return text
        text = tidied


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


# --- the shape of the answer -------------------------------------------------------------

# The shape is read by meaning (`answering.asks`) where no pattern below decides it. The
# patterns that remain name the reports' own vocabulary, which a question borrows when it asks
# for that part of a report: the headings of their lists ("areas for priority action", "what
# needs to improve", "recommendations") and the words of their grade tables ("judged",
# "rated", "overall effectiveness"), the words minutes record decisions in; and "why", and the
# few other ways English asks a reason.
_LIST = re.compile(
    r"\b(list|areas? for (priority action|improvement|development)|priority actions?"
    r"|recommendations?|actions? (required|needed|set)"
    r"|needs? to (improve|get better|do better|change|develop)|need(ed|ing) to (improve|get better)"
    r"|still (needs? to|has to|must) (improve|do)|what (must|should) .{0,40}(improve|do better"
    r"|change))\b",
    re.I,
)
_JUDGEMENT = re.compile(
    r"\b(judge(d|ment|ments)?|grades?|graded|rated|rating|ratings|verdicts?|overall effectiveness"
    r"|(inspection )?outcome of|what outcome)\b",
    re.I,
)
# The words minutes record decisions in ("RESOLVED that", "decided", "voted against").
_DECIDED = re.compile(r"\b(decide[ds]?|resolved?|vot(e|ed|es|ing))\b", re.I)
_WHY = re.compile(
    r"\b(why|how come|reasons? (for|why)|what (was|is|were|has been) behind"
    r"|what (caused|led to|explains))\b",
    re.I,
)
# How an answer spreads over documents is read from words where the question says so (a
# comparison names two councils or says "compare", a change says "improved"), and otherwise by
# the question reader (`ReadsAsks.changes`: "does it keep coming up?").
_COMPARE = re.compile(r"\b(compare[sd]?|comparison|differ\w*|versus|vs\.?|both|each of)\b", re.I)
_OVER_TIME = re.compile(
    r"\b(improved|improving|change[ds]?|changing|since( the)? (last|previous|its|their)|over time"
    r"|trace|across (its|their|the) (inspections|reports|visits)|recovered"
    r"|progress(ed)? since|compared with (the )?(last|previous|earlier)|any better"
    r"|worse|declined|deteriorat\w+)\b",
    re.I,
)


def _shape(question: str) -> Shape:
    if _WHY.search(question):  # "why was it given areas for priority action?"
        return Shape.REASON
    if _DECIDED.search(question):
        return Shape.DECISION
    if _LIST.search(question):
        return Shape.LIST
    if _JUDGEMENT.search(question):
        return Shape.JUDGEMENT
    return Shape.FACT


def _clause(question: str, start: int) -> str:
    """From `start` to the end of its clause: "needing to get better"."""
    return re.split(r"[,.;:?!]", question[start:], maxsplit=1)[0].strip()


def _spread(question: str, scope: Scope, shape: Shape, *, changes: bool = False) -> Spread:
    """`changes`: the question reader found it asks how something changed or recurred (read
    so, a question naming one year is still about that year's report: it has one to read)."""
    if len(scope.councils) > 1 or (_COMPARE.search(question) and len(scope.councils) != 1):
        return Spread.PER_COUNCIL
    changes = changes and len(scope.years) != 1
    if scope.councils and (changes or _OVER_TIME.search(question) or len(scope.years) > 1):
        return Spread.OVER_TIME
    return Spread.ACROSS if shape == Shape.EXAMPLES and not scope.councils else Spread.ANYWHERE


# --- grades and judged areas -----------------------------------------------------------------

_GRADE_WORDS = re.compile(
    r"\b(outstanding|inadequate|requires? improvement( to be good)?|good)\b", re.I
)
_SEND_WORDS = tuple(
    (outcome, re.compile(pattern, re.I)) for outcome, pattern in (*SEND_OUTCOMES, SEND_CONSEQUENCE)
)
_AREAS = (
    ("care_leavers", re.compile(r"\bcare[- ]leavers?\b|\bleaving care\b", re.I)),
    ("children_in_care", re.compile(r"\bchildren in care\b|\blooked[- ]after\b", re.I)),
    ("help_protection", re.compile(r"\bhelp and protection\b|\bchild protection\b", re.I)),
    ("leaders", re.compile(r"\bleaders?(hip)?\b|\bmanagement\b", re.I)),
    ("adoption", re.compile(r"\badoption\b", re.I)),
)


def _grade(question: str) -> str:
    """A grade the question names as a judgement ("judged inadequate"); "good" counts only
    beside a judgement word, since "good practice" is no grade."""
    for m in _GRADE_WORDS.finditer(question):
        grade = normalise_grade(m.group(0))
        if grade != "Good" or _JUDGEMENT.search(question):
            return grade
    for outcome, pattern in _SEND_WORDS:  # an outcome, or the plan only one outcome requires
        if pattern.search(question):
            return outcome
    return ""


def area_of(question: str) -> str:
    for area, pattern in _AREAS:
        if pattern.search(question):
            return area
    return ""


# --- which documents can answer ---------------------------------------------------------------

# Coverage of inspections (news, scrutiny papers) can speak to any kind.
_ANY_KIND = frozenset(
    {"news_article", "scrutiny_report", "committee_paper", "annual_report", "other", ""}
)


def admits(intent: QueryIntent, meta, text: str) -> bool:
    """Whether a passage (its document's `DocumentMeta` and its own `text`) fits the councils,
    years and kinds the question names: by metadata, or failing that (councils; years, for a
    document whose year is unknown) by naming them itself."""
    if intent.kinds and meta.doc_type not in intent.kinds | _ANY_KIND:
        return False
    scope = intent.scope
    elsewhere = scope.councils and meta.council not in scope.councils
    if elsewhere and not any(_names(council, text) for council in scope.councils):
        return False
    return not scope.years or _fits_years(meta, text, scope.years)


def _fits_years(meta, text: str, years: tuple[int, ...]) -> bool:
    return fits_years(meta, years) or (not meta.year and any(str(y) in text for y in years))


def _names(council: str, text: str) -> bool:
    short = re.sub(
        r"\b(county|city|borough|metropolitan|district)?\s*council\b", "", council, flags=re.I
    )
    short = re.sub(
        r"^(london borough of|royal borough of|city of)\s+", "", short.strip(), flags=re.I
    )
    short = short.strip()
    # Whole words: Derby is not Derbyshire, Brent is not Brentwood.
    return bool(short) and re.search(rf"\b{re.escape(short)}\b", text, re.I) is not None


def fitting(intent: QueryIntent, catalogue: Catalogue, council: str) -> tuple[DocumentRecord, ...]:
    """The council's documents that fit the kinds and years an intent names, oldest first:
    its inspection reports only when it asks what inspectors found and there are some; its
    latest one only when it asks about the latest."""
    return _fitting(catalogue, council, intent.kinds, intent.years, intent.inspected, intent.latest)


# The declines and then the shapes ask the same of one catalogue several times per question.
@lru_cache(maxsize=64)
def _fitting(
    catalogue: Catalogue,
    council: str,
    kinds: frozenset[str],
    years: tuple[int, ...],
    inspected: bool,
    latest: bool,
) -> tuple[DocumentRecord, ...]:
    records = [
        r
        for r in catalogue.of_council(council)
        if (not kinds or r.meta.doc_type in kinds) and (not years or fits_years(r.meta, years))
    ]
    reports = [r for r in records if r.meta.doc_type in REPORT_TYPES]
    if inspected and reports:
        records = reports
    return tuple(records[-1:] if latest else records)
