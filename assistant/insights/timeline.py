"""A council's documents in date order with their judgements: "has it improved since the last
inspection?" answered from the index's own metadata."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from assistant.core import councils
from assistant.core.judgements import AREAS, GRADES
from assistant.core.record import DocumentRecord

_RANK = {grade: len(GRADES) - i for i, grade in enumerate(GRADES)}  # Outstanding 4 ... Inadequate 1


@dataclass(frozen=True)
class Entry:
    """One document of a council's history."""

    source: str
    title: str
    council: str
    doc_type: str
    framework: str
    published: str
    inspection_start: str
    inspection_end: str
    overall_judgement: str
    judgements: dict[str, str] = field(default_factory=dict)


@dataclass
class Timeline:
    council: str
    entries: list[Entry]
    note: str = ""  # a council since replaced: whose documents these are

    @property
    def graded(self) -> list[Entry]:
        """Full inspections with an overall grade, oldest first."""
        return [e for e in self.entries if e.overall_judgement in _RANK]

    def trend(self) -> str:
        """'improved', 'declined', 'unchanged', or '' with fewer than two graded inspections."""
        graded = self.graded
        if len(graded) < 2 or len({e.council for e in graded}) > 1:
            return ""  # two successor councils' grades are no change of one council's
        before, after = _RANK[graded[-2].overall_judgement], _RANK[graded[-1].overall_judgement]
        return "improved" if after > before else "declined" if after < before else "unchanged"

    def to_json(self) -> dict:
        return {
            "council": self.council,
            "trend": self.trend(),
            "note": self.note,
            "documents": [asdict(e) for e in self.entries],
        }

    def render(self) -> str:
        """Plain text: one line per document, then the answer to "has it improved?"."""
        if not self.entries:
            return f"No indexed documents for {self.council}."
        lines = [f"{self.council}: {len(self.entries)} documents"]
        if self.note:
            lines.append(f"({self.note})")
        for e in self.entries:
            grade = e.overall_judgement or ("no overall grade" if e.judgements else "")
            areas = ", ".join(f"{a.replace('_', ' ')}: {g}" for a, g in e.judgements.items())
            lines.append(f"  {e.published or '(no date)':10s}  {e.title:45s}  {grade}")
            if areas:
                lines.append(f"  {'':10s}  ({areas})")
            lines.append(f"  {'':10s}  {e.source}")
        lines.append(self._summary())
        return "\n".join(lines)

    def _summary(self) -> str:
        graded = self.graded
        if not graded:
            return "No graded inspection indexed."
        last = graded[-1]
        text = f"Latest overall grade: {last.overall_judgement} ({last.published[:4]})"
        if len(graded) >= 2:
            prev = graded[-2]
            text += f"; before that {prev.overall_judgement} ({prev.published[:4]}): {self.trend()}"
        return text + "."


def timeline(records: list[DocumentRecord], council: str) -> Timeline:
    """The documents about `council` (any spelling), oldest first; for a council since replaced
    and with no documents of its own, its successors' documents, saying so."""
    name = councils.canonical_name(council)
    entries = [_entry(r) for r in records if r.meta.council == name]
    change = None if entries else councils.reorganised(name)
    if change:
        entries = [_entry(r) for r in records if r.meta.council in change.successors]
    entries.sort(key=lambda e: (e.published or "9999", e.inspection_end, e.source))
    note = f"{change.describe()}: these are their documents" if change and entries else ""
    return Timeline(name, entries, note)


def _entry(record: DocumentRecord) -> Entry:
    m = record.meta
    return Entry(
        source=record.source,
        title=record.title,
        council=m.council,
        doc_type=m.doc_type,
        framework=m.framework,
        published=m.published,
        inspection_start=m.inspection_start,
        inspection_end=m.inspection_end,
        overall_judgement=m.overall_judgement,
        judgements={a: m.judgement(a) for a in AREAS if m.judgement(a)},
    )
