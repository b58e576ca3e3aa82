"""What the index holds, document by document: which councils, kinds of document and dates. The
decline rules ask it whether a question can be answered at all ("no indexed document is about
Cornwall", "no focused visit to Havering from 2021") before any passage is scored.

Built from the document registry (one record per document), so it costs one read per change of
the index, not one per question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from assistant.core.access import Reader
from assistant.core.meta import REPORT_TYPES, kind_label
from assistant.core.record import DocumentRecord


# eq=False: a catalogue is one snapshot of the registry, hashed by identity (answers memoise
# per catalogue), never compared record by record.
@dataclass(frozen=True, eq=False)
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

    @cached_property
    def labels(self) -> frozenset[str]:
        """The access labels the index holds (each reader's search condition is built on them)."""
        return frozenset(r.meta.access for r in self.records)

    def visible_to(self, reader: Reader) -> Catalogue:
        """The catalogue of the documents `reader` may see: a restricted document's title,
        council and existence are not in it."""
        if reader.everything:
            return self
        return Catalogue.of(r for r in self.records if reader.may_see(r.meta.access))

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


def _date(record: DocumentRecord) -> tuple[str, str]:
    return (record.meta.published or "9999", record.source)
