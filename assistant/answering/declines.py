"""Honest declines: each a named, general rule, with the reason shown to the reader.

- `council_not_indexed`: the question is about councils the index holds nothing on;
- `no_matching_document`: the council is held, but no document of the kind or year named;
- `name_not_indexed`: it names something no indexed passage mentions ("Mars"), or, when it
  names councils, nothing in their documents mentions ("Kent's Mockingbird programme");
- `contradicted_premise`: it takes as given a grade a council's reports do not give ("why was
  Kent judged inadequate", "Kent was judged inadequate - which areas..."); the answer quotes
  what they do give;
- `no_quantity`: it asks for a quantity of some kind, and no statement holds one;
- `not_similar`: nothing indexed is close enough to it.

A question naming a held and an unheld council ("Kent and Surrey") is answered for the held one,
with a note saying the other is not indexed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answering import quantities
from assistant.answering.intent import QueryIntent, Scope, Spread, fitting
from assistant.core.answer import Decline, DeclineRule
from assistant.core.councils import named as named_councils
from assistant.core.councils import reorganised
from assistant.core.filters import Condition, Filter
from assistant.core.meta import kind_label, months_covered
from assistant.core.record import DocumentRecord
from assistant.core.text import MONTH_NAMES, MONTHS, STOP_WORDS, terms
from assistant.index.catalogue import Catalogue
from assistant.index.keyword import KeywordIndex


@dataclass(frozen=True)
class Scoped:
    """The question narrowed to the councils the index holds, or the reason it cannot be."""

    intent: QueryIntent
    decline: Decline | None = None
    notes: tuple[str, ...] = ()


def check_scope(
    intent: QueryIntent, catalogue: Catalogue, keyword_index: KeywordIndex | None = None
) -> Scoped:
    """Councils the index does not hold (a council since replaced stands for its successors),
    and kinds, years or months it holds nothing of."""
    councils, notes = _successors_for(intent.councils, catalogue)
    held = tuple(c for c in councils if catalogue.holds(c))
    missing = [c for c in councils if not catalogue.holds(c)]
    if missing and not held:
        message = f"No indexed document is about {_and(missing)}."
        return Scoped(intent, Decline(DeclineRule.COUNCIL_NOT_INDEXED, message))
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        notes += (f"{_and(missing)} {verb} not in the index; this answer is for {_and(held)}.",)
    narrowed = replace(intent, scope=Scope(held, intent.years))
    if len(held) > 1:  # one council named, two meant: each answers for itself, as if both named
        narrowed = replace(narrowed, spread=Spread.PER_COUNCIL)
    named = intent.kinds or intent.years
    records = [r for c in held for r in fitting(narrowed, catalogue, c)]
    if held and named and not records:
        return Scoped(narrowed, _no_document(narrowed, catalogue), notes)
    if held and intent.months and not _any_from_months(intent, records, keyword_index):
        return Scoped(narrowed, _no_document(narrowed, catalogue, months=True), notes)
    return Scoped(narrowed, None, notes)


def _any_from_months(
    intent: QueryIntent, records: list[DocumentRecord], keyword_index: KeywordIndex | None
) -> bool:
    """Whether a document is from a month the question names ("in February 2025"): its
    inspection or publication fell in it, or it speaks of it (a passage names the month and
    the year: "At 30 September 2017, 519 children..." in a report inspected that November).
    Only when every document's months are known can none be from the month."""
    wanted = set(intent.months)
    titled = [r for r in records if _names_in_title(intent.topic, r.title)]
    if titled:  # "the Corporate Parenting Panel in February": that panel's own papers' dates
        return any(months_covered(r.meta) & wanted for r in titled)
    if any(months_covered(r.meta) & wanted for r in records):
        return True
    if any(not months_covered(r.meta) for r in records):
        return True  # a document whose months are unknown may be from that month
    if keyword_index is None or not keyword_index.ids:
        return True  # nothing to look in: no reason to decline
    doc_ids = {r.doc_id for r in records}
    for year, month in wanted:
        together = keyword_index.holding(MONTH_NAMES[month - 1]) & keyword_index.holding(str(year))
        if doc_ids & keyword_index.documents_of(together):
            return True
    return False


def _names_in_title(topic: str, title: str) -> bool:
    """The question names the document by its title: two content words of the topic, side by
    side, that its title holds side by side ("corporate parenting panel")."""
    asked, titled = terms(topic), terms(title)
    pairs = set(zip(titled, titled[1:], strict=False))
    return any(pair in pairs for pair in zip(asked, asked[1:], strict=False))


def _successors_for(
    councils: tuple[str, ...], catalogue: Catalogue
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The councils meant: one the index does not hold but whose successors it does is read as
    them ("Northamptonshire" as North and West Northamptonshire), with a note saying so."""
    meant: list[str] = []
    notes: list[str] = []
    for council in councils:
        change = None if catalogue.holds(council) else reorganised(council)
        successors = [c for c in change.successors if catalogue.holds(c)] if change else []
        if not successors:
            meant.append(council)
            continue
        meant.extend(successors)
        notes.append(f"{change.describe()}; this answer is from {_their(successors)} documents.")
    return tuple(dict.fromkeys(meant)), tuple(notes)


def _their(councils: list[str]) -> str:
    return "their" if len(councils) > 1 else f"{councils[0]}'s"


def _no_document(intent: QueryIntent, catalogue: Catalogue, *, months: bool = False) -> Decline:
    kinds = " or ".join(sorted(kind_label(k) for k in intent.kinds)) or "document"
    years = f" from {_and([str(y) for y in intent.years])}" if intent.years else ""
    if months:
        years = " from " + _and([f"{MONTH_NAMES[m - 1]} {y}" for y, m in intent.months])
    held = "; ".join(
        f"indexed for {c}: {catalogue.describe(c) or 'nothing dated'}" for c in intent.councils
    )
    message = f"No indexed {kinds} about {_and(list(intent.councils))}{years} ({held})."
    return Decline(DeclineRule.NO_MATCHING_DOCUMENT, message)


def unknown_names(
    intent: QueryIntent, keyword_index: KeywordIndex, catalogue: Catalogue | None = None
) -> Decline | None:
    """Capitalised names in the question (not its first word, not a council, month or common
    word) that no passage mentions: a question about "Mars" cannot be answered. When the
    question names councils, a name must be mentioned in their own documents: another
    council's "Mockingbird programme" does not answer a question about this one's."""
    unknown = [n for n in _names_in(intent.question) if not _holding(keyword_index, n).any()]
    if unknown and keyword_index.ids:
        return Decline(
            DeclineRule.NAME_NOT_INDEXED, f"No indexed document mentions {_and(unknown)}."
        )
    if catalogue is None or not intent.councils:
        return None
    within = [r.doc_id for c in intent.councils for r in fitting(intent, catalogue, c)]
    if not within:
        return None
    scope = keyword_index.mask(Filter((Condition("doc_id", "$in", tuple(within)),))) > 0
    # An acronym ("HMI", "MASH") may be spelled out in the council's own documents: only a
    # name's own words are looked for there.
    names = [n for n in _names_in(intent.question) if not n.isupper()]
    absent = [n for n in names if not (_holding(keyword_index, n) & scope).any()]
    if not absent:
        return None
    about = _and(list(intent.councils))
    return Decline(
        DeclineRule.NAME_NOT_INDEXED,
        f"No indexed document about {about} mentions {_and(absent)}.",
    )


def _holding(keyword_index: KeywordIndex, name: str):
    """The passages holding every word of `name`: a name of several words ("Staying Close")
    names one thing, which a passage holding only "close" does not mention."""
    held = None
    for word in name.split():
        found = keyword_index.holding(word)
        held = found if held is None else held & found
    return held


def _names_in(question: str) -> list[str]:
    """Capitalised words that name something: not the first word of a sentence, a council,
    a month or a common word; neighbours joined, as one name ("Staying Close")."""
    question = question.strip()
    # Councils are checked against the catalogue (`check_scope`), held or not.
    council_words = set(
        re.findall(r"\w+", " ".join(named_councils(question, trust_capitals=True)).lower())
    )
    names: list[str] = []
    end = -1
    for m in re.finditer(r"(?<![.?!]\s)(?<!^)\b([A-Z][A-Za-z]{2,})\b", question):
        word = m.group(1)
        if word.lower() in STOP_WORDS or word.lower() in MONTHS or word.lower() in council_words:
            continue
        if names and question[end : m.start()] == " ":
            names[-1] = f"{names[-1]} {word}"
        else:
            names.append(word)
        end = m.end()
    return list(dict.fromkeys(names))


# A yes-or-no question ("Was Kent judged inadequate?") asks about a grade; it does not take it
# as given. English marks one by the auxiliary verb it opens with.
_POLAR = re.compile(r"\s*(is|are|was|were|has|have|had|did|does|do)\b", re.I)


def contradicted_premise(intent: QueryIntent, catalogue: Catalogue) -> Decline | None:
    """A grade the question takes as given ("why was X judged inadequate?", "X was judged
    inadequate in 2022 - which areas...?") that the reports it means do not give. Reports
    that give no grade for what is asked neither confirm nor contradict it."""
    if not intent.grade or not intent.councils or _POLAR.match(intent.question):
        return None
    reports = [r for c in intent.councils for r in fitting(intent, catalogue, c)]
    given = {
        r.meta.judgement(intent.area) if intent.area else r.meta.overall_judgement for r in reports
    }
    given.discard("")
    if not given or intent.grade in given:
        return None
    message = (
        f"The indexed reports about {_and(list(intent.councils))} do not give the grade "
        f"“{intent.grade}”; they give {_and(sorted(given))}. What they say is quoted below."
    )
    return Decline(DeclineRule.CONTRADICTED_PREMISE, message)


def no_answer(intent: QueryIntent) -> Decline:
    """Nothing chosen: no quantity of the kind asked for, or nothing close enough."""
    where = f" about {_and(list(intent.councils))}" if intent.councils else ""
    if intent.quantity:
        asked = quantities.NAMES.get(intent.quantity, "a number")
        return Decline(
            DeclineRule.NO_QUANTITY, f"No indexed document{where} gives {asked} for this."
        )
    return Decline(
        DeclineRule.NOT_SIMILAR, f"Nothing in the indexed documents{where} is close enough to it."
    )


def _and(names: list[str]) -> str:
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
