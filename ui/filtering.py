"""Sidebar filters built from the metadata the indexed documents actually carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.core.filters import Condition, Filter
from assistant.core.record import DocumentRecord

CHOICE_FIELDS = ("council", "doc_type")  # offered as multi-selects when any document has them
FIELD_LABELS = {"council": "Council", "doc_type": "Document type", "year": "Year"}


@dataclass(frozen=True)
class FilterOptions:
    """What can be chosen: documents always; council, type and years when present."""

    documents: dict[str, str]  # source -> label
    choices: dict[str, list[str]] = field(default_factory=dict)
    years: tuple[int, int] | None = None


@dataclass(frozen=True)
class Selection:
    sources: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[int, int] | None = None


def options_from(records: Sequence[DocumentRecord]) -> FilterOptions:
    documents = {r.source: _label(r) for r in records}
    choices = {}
    for name in CHOICE_FIELDS:
        values = sorted({str(getattr(r.meta, name)) for r in records if getattr(r.meta, name)})
        if values:
            choices[name] = values
    years = sorted({r.meta.year for r in records if r.meta.year > 0})
    return FilterOptions(documents, choices, (years[0], years[-1]) if years else None)


def build_filter(selection: Selection, options: FilterOptions) -> Filter:
    """One Filter for the chosen values; a full year range or an empty choice means no limit."""
    conditions = []
    if selection.sources:
        conditions.append(Condition("source", "$in", tuple(selection.sources)))
    for name, values in selection.choices.items():
        if values:
            conditions.append(Condition(name, "$in", tuple(values)))
    if selection.years and options.years and selection.years != options.years:
        low, high = selection.years
        conditions += [Condition("year", "$gte", low), Condition("year", "$lte", high)]
    return Filter(tuple(conditions))


def describe(selection: Selection, options: FilterOptions) -> str:
    """The active filters in words, for the briefing."""
    parts = []
    if selection.sources:
        parts.append(
            "documents: " + "; ".join(options.documents.get(s, s) for s in selection.sources)
        )
    for name, values in selection.choices.items():
        if values:
            parts.append(f"{FIELD_LABELS.get(name, name).lower()}: " + ", ".join(values))
    if selection.years and options.years and selection.years != options.years:
        parts.append(f"years {selection.years[0]}\u2013{selection.years[1]}")
    return ("Filtered to " + "; ".join(parts) + ".") if parts else ""


def _label(record: DocumentRecord) -> str:
    title = " ".join((record.title or "").split())
    return f"{record.source} \u2014 {title[:60]}" if title else record.source
