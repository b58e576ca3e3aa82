"""What the index holds, document by document: which councils, kinds of document and dates. The
decline rules ask it whether a question can be answered at all ("no indexed document is about
Cornwall", "no focused visit to Havering from 2021") before any passage is scored.

Built from the document registry (one record per document), so it costs one read per change of
the index, not one per question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .meta import REPORT_TYPES, DocumentMeta, kind_label
from .records import DocumentRecord


@dataclass(frozen=True)
class Catalogue:
    records: tuple[DocumentRecord, ...] = ()
    _by_council: dict[str, tuple[DocumentRecord, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _by_id: dict[str, DocumentRecord] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, records: Iterable[DocumentRecord]) -> Catalogue:
        records = tuple(records)
        by_council: dict[str, list[DocumentRecord]] = {}
        for record in records:
            if record.meta.council:
                by_council.setdefault(record.meta.council, []).append(record)
        ordered = {c: tuple(sorted(rs, key=_date)) for c, rs in by_council.items()}
        return cls(records, ordered, {r.doc_id: r for r in records})

    def record(self, doc_id: str) -> DocumentRecord | None:
        return self._by_id.get(doc_id)

    def holds(self, council: str) -> bool:
        return council in self._by_council

    def of_council(self, council: str) -> tuple[DocumentRecord, ...]:
        """The council's documents, oldest first."""
        return self._by_council.get(council, ())

    def describe(self, council: str) -> str:
        """What is indexed for a council, in words: each report with its year, then the
        other documents counted ("ILACS inspection 2023, focused visit 2024, 14 committee
        papers 2024-2025")."""
        reports, others = [], {}
        for r in self.of_council(council):
            label = f"{r.meta.type_label} {r.meta.year}" if r.meta.year else r.meta.type_label
            if r.meta.doc_type in REPORT_TYPES:
                reports.append(label)
            else:
                others.setdefault(r.meta.doc_type, []).append(r.meta.year)
        for doc_type, years in others.items():
            dated = sorted(y for y in years if y)
            span = f" {dated[0]}" if dated and dated[0] == dated[-1] else ""
            span = f" {dated[0]}-{dated[-1]}" if dated and dated[0] != dated[-1] else span
            name = kind_label(doc_type)
            reports.append(f"{len(years)} {name}s{span}" if len(years) > 1 else f"1 {name}{span}")
        return ", ".join(reports)


def fitting(intent, catalogue: Catalogue, council: str) -> tuple[DocumentRecord, ...]:
    """The council's documents that fit the kinds and years an intent names, oldest first:
    its inspection reports only when it asks what inspectors found and there are some; its
    latest one only when it asks about the latest."""
    records = [
        r
        for r in catalogue.of_council(council)
        if (not intent.kinds or r.meta.doc_type in intent.kinds)
        and (not intent.years or fits_years(r.meta, intent.years))
    ]
    reports = [r for r in records if r.meta.doc_type in REPORT_TYPES]
    if intent.inspected and reports:
        records = reports
    return tuple(records[-1:] if intent.latest else records)


def fits_years(meta: DocumentMeta, years) -> bool:
    """A report is from the years of its inspection and publication; a paper or an article
    (dated or not) also from the years it speaks of."""
    covered = years_covered(meta)
    if meta.doc_type not in REPORT_TYPES or not covered:
        covered |= set(meta.years_mentioned)
    return bool(covered & set(years))


def _date(record: DocumentRecord) -> tuple[str, str]:
    return (record.meta.published or "9999", record.source)


def years_covered(meta: DocumentMeta) -> set[int]:
    """The years a document can be said to be "from": its publication year and the years of
    the inspection it reports (published in January for a December inspection)."""
    years = {meta.year} if meta.year else set()
    for date in (meta.inspection_start, meta.inspection_end, meta.published):
        if date[:4].isdigit():
            years.add(int(date[:4]))
    return years


# An index written before sidecar dates were checked may hold other forms: they give no month.
_MONTH = re.compile(r"\d{4}-\d{2}")


def months_covered(meta: DocumentMeta) -> set[tuple[int, int]]:
    """(year, month) pairs from the inspection's first to last day, and the publication month."""
    months = set()
    start, end = meta.inspection_start[:7], meta.inspection_end[:7] or meta.inspection_start[:7]
    if _MONTH.fullmatch(start) and _MONTH.fullmatch(end):
        y, m = int(start[:4]), int(start[5:7])
        while (y, m) <= (int(end[:4]), int(end[5:7])):
            months.add((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if _MONTH.fullmatch(meta.published[:7]):
        months.add((int(meta.published[:4]), int(meta.published[5:7])))
    return months
