"""What a document is, as one typed record: council, inspectorate, kind, dates, judgements and
title. Read from the document's own text at ingest (`metadata.py`), corrected by sidecars
(`sidecars.py`), stored in Chroma by `records.py`, and carried unchanged by passages, document
records and citations.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

DOC_TYPES = (
    "full_inspection",
    "focused_visit",
    "monitoring_visit",
    "jtai",
    "area_send",
    "scrutiny_report",
    "annual_report",
    "committee_paper",
    "news_article",
    "other",
)
TYPE_LABELS = {
    "focused_visit": "focused visit",
    "monitoring_visit": "monitoring visit",
    "jtai": "JTAI",
    "area_send": "area SEND inspection",
    "scrutiny_report": "scrutiny report",
    "annual_report": "annual report",
    "committee_paper": "committee paper",
    "news_article": "news article",
    "full_inspection": "inspection",
    "other": "document",
}
# Kinds whose own headline says more than "Walsall — news article".
OWN_TITLE_TYPES = frozenset({"news_article", "committee_paper", "scrutiny_report", "other"})
# Inspection reports, which carry an inspectorate's findings (coverage and papers report them).
REPORT_TYPES = frozenset(
    {"full_inspection", "focused_visit", "monitoring_visit", "jtai", "area_send"}
)
JUDGEMENT_PREFIX = "judgement_"


@dataclass(frozen=True)
class DocumentMeta:
    """What a document is. Empty strings and 0 mean unknown."""

    council: str = ""
    inspectorate: str = ""
    doc_type: str = "other"
    framework: str = ""  # ILACS or SIF for full Ofsted inspections
    published: str = ""  # ISO date, or just a year when that is all we know
    published_basis: str = ""  # stated, letter, estimated, copyright, sidecar
    inspection_start: str = ""
    inspection_end: str = ""
    overall_judgement: str = ""
    judgements: tuple[tuple[str, str], ...] = ()  # (area, grade), in table order
    title: str = ""
    year: int = 0  # publication year (a sidecar may set it without a date)
    years_mentioned: tuple[int, ...] = ()  # years the text speaks of (undated articles)

    @property
    def type_label(self) -> str:
        if self.doc_type == "full_inspection" and self.framework:
            return f"{self.framework} inspection"
        return kind_label(self.doc_type)

    def judgement(self, area: str) -> str:
        return dict(self.judgements).get(area, "")

    def with_judgement(self, area: str, grade: str) -> DocumentMeta:
        table = dict(self.judgements)
        table[area] = grade
        return replace(self, judgements=tuple(table.items()))

    def filter_fields(self) -> dict[str, str | int]:
        """The scalar fields `--where` filters on (Chroma metadata keys), empty ones left out:
        per-area grades as `judgement_<area>`."""
        data: dict[str, str | int] = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("judgements", "years_mentioned")
        }
        data.update({JUDGEMENT_PREFIX + area: grade for area, grade in self.judgements})
        return {k: v for k, v in data.items() if v not in ("", 0)}

    @property
    def header(self) -> str:
        """Title · council · kind · year, each once: the context put before a passage's text
        when it is embedded and keyword-indexed (never in what is quoted)."""
        parts = [self.title]
        for part in (self.council, self.type_label, str(self.year) if self.year else ""):
            if part and part.lower() not in " ".join(parts).lower():
                parts.append(part)
        return " · ".join(p for p in parts if p)


FIELD_NAMES = frozenset(f.name for f in fields(DocumentMeta))


def make_title(meta: DocumentMeta) -> str:
    """A human title: "Liverpool — ILACS inspection, 2023" ('' without a council)."""
    if not meta.council:
        return ""
    year = f", {meta.year}" if meta.year else ""
    return f"{meta.council} — {meta.type_label}{year}"


def year_of(published: str) -> int:
    return int(published[:4]) if published[:4].isdigit() else 0


def kind_label(doc_type: str) -> str:
    """A kind of document in words: "focused visit", "committee paper" ("document" if unknown)."""
    return TYPE_LABELS.get(doc_type, "document")
