"""Whether a passage or sentence can answer a question at all, whatever its similarity score.

Similarity cannot tell "Kent's 2022 inspection" from "Norfolk's 2019 focused visit", nor a number
from a sentence without one. These rules can, from what the question names: councils, years,
kinds of document, and whether it asks for a quantity. They decide abstention together with the
scores: a question naming a council, year or kind that no retrieved document fits is declined.
"""

from __future__ import annotations

import re

from .metadata import Scope

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
    r"\b(how many|how much|what (percentage|proportion|number|share)|average|how often)\b", re.I
)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand million half"
    " third quarter dozen"
)
_QUANTITY = re.compile(
    rf"\b(\d+(\.\d+)?\s*(%|per ?cent)|\d+(?!\d)|{'|'.join(_NUMBER_WORDS.split())})\b", re.I
)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


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
    short = re.sub(r"\b(county|city|borough|metropolitan|district)?\s*council\b", "", council, flags=re.I)
    short = re.sub(r"^(london borough of|royal borough of|city of)\s+", "", short.strip(), flags=re.I)
    return bool(short.strip()) and short.strip().lower() in text.lower()


def asks_quantity(question: str) -> bool:
    """"How many ...?", "What percentage ...?": only a sentence with a number can answer."""
    return bool(_QUANTITY_QUESTION.search(question))


def has_quantity(sentence: str) -> bool:
    """A number that is not a year, a number word, or a percentage."""
    return bool(_QUANTITY.search(_YEAR.sub(" ", sentence)))
