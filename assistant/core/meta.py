"""What a document is, as one typed record: council, inspectorate, kind, dates, judgements and
title. Read from the document's own text at ingest (`documents/describe.py`), corrected by
sidecars (`documents/sidecars.py`), stored in Chroma by `index/rows.py`, and carried unchanged
by passages, document records and citations; and the dates a document can be said to be from.
"""

from __future__ import annotations

import re
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
    # Who may see it (`core/access.py`): "public" or the groups, comma-joined; "" in an index
    # made before labels existed (visible to the operator only until the next ingest labels it).
    access: str = ""
    access_basis: str = ""  # why it has that label, in words (`assistant sources` shows it)
    marking: str = ""  # the paper's own exempt marking, verbatim ("" when it has none)

    @property
    def type_label(self) -> str:
        if self.doc_type == "full_inspection" and self.framework:
            return f"{self.framework} inspection"
        return kind_label(self.doc_type)

    @property
    def verdict(self) -> str:
        """The report's overall judgement in words ("overall: Inadequate"; an area SEND
        inspection's outcome), "" for a document that gives none."""
        if not self.overall_judgement:
            return ""
        label = "outcome" if self.doc_type == "area_send" else "overall"
        return f"{label}: {self.overall_judgement}"

    @property
    def headed(self) -> str:
        """The title with the verdict beside it, so that no reader takes one quoted sentence
        for the report's judgement: "Devon — ILACS inspection, 2025 (overall: Inadequate)"."""
        return f"{self.title} ({self.verdict})" if self.title and self.verdict else self.title

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
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_FILTERED
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
# Kept on the document's record only: lists, and the words saying why a label was given.
_NOT_FILTERED = frozenset({"judgements", "years_mentioned", "access_basis", "marking"})


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


# --- the dates a document covers ----------------------------------------------------------


def fits_years(meta: DocumentMeta, years) -> bool:
    """A report is from the years of its inspection and publication; a paper or an article
    (dated or not) also from the years it speaks of."""
    covered = years_covered(meta)
    if meta.doc_type not in REPORT_TYPES or not covered:
        covered |= set(meta.years_mentioned)
    return bool(covered & set(years))


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
