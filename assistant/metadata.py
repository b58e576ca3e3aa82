"""Inspection-aware metadata read from a document's own text: council, inspectorate, kind,
dates, judgements and a clean title; sidecar files (`NAME.meta.json`, `metadata.csv`) win.

Rule-based: Ofsted, CIW and Care Inspectorate reports state these facts in fixed phrases on their
first page, so a few patterns are reliable (measured by `bench/metadata_accuracy.py`).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import councils
from .filters import Condition, Filter
from .judgements import judgements, normalise_grade
from .report_dates import inspection_dates, publication_date

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
_DOC_TYPE_WORDS = {
    "inspection": "full_inspection",
    "full": "full_inspection",
    "ilacs": "full_inspection",
    "sif": "full_inspection",
    "fv": "focused_visit",
    "focused": "focused_visit",
    "monitoring": "monitoring_visit",
    "send": "area_send",
    "scrutiny": "scrutiny_report",
    "committee": "committee_paper",
    "news": "news_article",
    "annual": "annual_report",
}
_TYPE_LABELS = {
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
HEAD_CHARS = 4000


@dataclass
class Metadata:
    """What a document is. Empty strings mean unknown (Chroma metadata cannot hold None)."""

    council: str = ""
    inspectorate: str = ""
    doc_type: str = "other"
    framework: str = ""  # ILACS or SIF for full Ofsted inspections
    published: str = ""  # ISO date, or just a year when that is all we know
    published_basis: str = ""  # stated, letter, estimated, copyright, sidecar
    inspection_start: str = ""
    inspection_end: str = ""
    overall_judgement: str = ""
    judgements: dict[str, str] = field(default_factory=dict)  # area -> grade
    title: str = ""

    @property
    def year(self) -> int:
        return int(self.published[:4]) if self.published[:4].isdigit() else 0

    def fields(self) -> dict[str, str | int]:
        """Scalar fields for Chroma: per-area judgements as `judgement_<area>` keys."""
        data = {k: v for k, v in asdict(self).items() if k != "judgements"}
        data["year"] = self.year
        data.update({f"judgement_{area}": grade for area, grade in self.judgements.items()})
        return {k: v for k, v in data.items() if v not in (None, "")}


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


# --- the entry points ------------------------------------------------------------------------


def describe(document) -> dict:
    """Metadata fields for an ingested `Document`, sidecar overrides applied; sets its title."""
    text = "\n".join(page.text for page in document.pages)
    meta = extract(text, kind=document.kind)
    overrides = overrides_for(document.path)
    for key, value in overrides.items():
        if key.startswith("judgement_"):
            meta.judgements[key.removeprefix("judgement_")] = str(value)
        elif hasattr(meta, key) and key != "year":
            setattr(meta, key, value)
    if "title" not in overrides:
        # Reports get a uniform title; articles and papers keep their own headline, which says
        # more than "Walsall — news article".
        own = meta.doc_type in _OWN_TITLE and 12 <= len(document.title) <= 200
        meta.title = document.title if own else (make_title(meta) or document.title)
    fields = meta.fields()
    if "year" in overrides:
        fields["year"] = overrides["year"]
    document.title = meta.title
    return fields


def extract(text: str, *, kind: str = "") -> Metadata:
    """Read the metadata from a document's cleaned text."""
    head = text[:HEAD_CHARS]
    meta = Metadata()
    meta.doc_type, meta.framework = document_type(head, kind=kind)
    meta.council = find_council(head, text)
    meta.inspectorate = find_inspectorate(head, meta.doc_type)
    meta.inspection_start, meta.inspection_end = inspection_dates(head, meta.doc_type)
    meta.published, meta.published_basis = publication_date(
        head, text, inspection_end=meta.inspection_end
    )
    if meta.doc_type == "full_inspection":
        meta.overall_judgement, meta.judgements = judgements(head)
    meta.title = make_title(meta)
    return meta


def canonical(field_name: str, value: str) -> str:
    """User spellings to stored values, for `--where` (a `filters.parse_where` hook)."""
    if field_name == "council":
        return councils.canonical_name(value)
    if field_name == "doc_type":
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        return key if key in DOC_TYPES else _DOC_TYPE_WORDS.get(key.split("_")[0], key)
    if field_name.endswith("judgement") or field_name.startswith("judgement_"):
        return normalise_grade(value) or value
    if field_name == "framework":
        return value.strip().upper()
    if field_name == "inspectorate":
        return _INSPECTORATES.get(value.strip().lower(), value)
    return value


_INSPECTORATES = {
    "ofsted": "Ofsted",
    "ciw": "Care Inspectorate Wales",
    "cssiw": "Care Inspectorate Wales",
    "care inspectorate wales": "Care Inspectorate Wales",
    "care inspectorate": "Care Inspectorate",
    "cqc": "CQC",
    "joint": "joint",
}


# --- document type, inspectorate, council ------------------------------------------------------


def document_type(head: str, *, kind: str = "") -> tuple[str, str]:
    """(doc_type, framework) from the opening text."""
    low = re.sub(r"\s+", " ", head.lower())
    if kind == "html" or _reads_like_news(low):
        return "news_article", ""
    sif = (
        "inspection of services for children in need of help and protection" in low
        or "children looked after and achieving permanence" in low
    )
    first = _first_of(
        low[:1500],  # the heading, the grade table or the letter's subject line
        {
            "area_send": (
                "area send inspection",
                "local area partnership",
                "joint local area send",
                "send inspection of",
            ),
            "jtai": ("joint targeted area inspection",),
            "monitoring_visit": ("monitoring visit to", "monitoring visit of", "monitoring visit"),
            "focused_visit": ("focused visit to", "focused visit of", "focused visit"),
            "full_inspection": (
                "local authority children’s services",
                "local authority children's services",
                "overall effectiveness",
                "inspection of services for children in need",
                "re-inspection of services",
            ),
        },
    )
    if first:
        return first, ("SIF" if sif else "ILACS") if first == "full_inspection" else ""
    return _non_inspection_type(low, kind=kind), ""


def _reads_like_news(low: str) -> bool:
    """Reported speech and no report furniture (inspection dates, a letter's 'Dear')."""
    top = low[:2000]
    if re.search(r"inspection dates?:|\bdear\b|report published", top):
        return False
    cues = re.findall(
        r"\b(?:said|says|told|revealed|credit:|this week|reporter|according to)\b", top
    )
    return len(cues) >= 2


def _first_of(low: str, phrases: dict[str, tuple[str, ...]]) -> str:
    best, best_at = "", len(low) + 1
    for doc_type, options in phrases.items():
        for phrase in options:
            at = low.find(phrase)
            if 0 <= at < best_at:
                best, best_at = doc_type, at
    return best


def _non_inspection_type(low: str, *, kind: str) -> str:
    if re.search(
        r"task and finish|task & finish|scrutiny (committee )?(inquiry|review|report)", low
    ):
        return "scrutiny_report"
    if re.search(
        r"annual report of (his|her) majesty|chief inspector.{0,40}annual report|"
        r"annual report \d{4}",
        low,
    ):
        return "annual_report"
    if re.search(
        r"agenda item|minutes of (the|a) meeting|report to:?|cabinet member|"
        r"(scrutiny|cabinet|council|committee|panel)\b.{0,60}\b(meeting|date)",
        low,
    ):
        return "committee_paper"
    if kind == "html" or re.search(r"\b(bbc news|reporter|published \d+ (hours|days) ago)\b", low):
        return "news_article"
    return "other"


def find_inspectorate(head: str, doc_type: str) -> str:
    """Ofsted, Care Inspectorate Wales, Care Inspectorate (Scotland), CQC, or joint."""
    if doc_type in ("area_send", "jtai"):
        return "joint"
    if doc_type in ("committee_paper", "scrutiny_report", "other"):
        return ""  # a council paper that discusses Ofsted was not written by Ofsted
    low = head.lower()
    if re.search(
        r"care inspectorate wales|\bcssiw\b|care and social services inspectorate|"
        r"arolygiaeth gofal",
        low,
    ):
        return "Care Inspectorate Wales"
    if "care inspectorate" in low:
        return "Care Inspectorate"
    if "ofsted" in low or doc_type in ("full_inspection", "focused_visit", "monitoring_visit"):
        return "Ofsted"
    if "care quality commission" in low or re.search(r"\bcqc\b", low):
        return "CQC"
    return ""


_COUNCIL_CONTEXTS = [
    re.compile(
        r"(?:Inspection|inspection) of (.{3,90}?)\s+(?:local\s+authority|children[’']s\s+services"
        r"|Local\s+Area\s+Partnership)",
        re.S,
    ),
    re.compile(
        r"(?:[Ff]ocused|[Mm]onitoring) visit (?:to|of) (.{3,90}?)\s+(?:local\s+authority|"
        r"children[’']s\s+services|council)",
        re.S,
    ),
    re.compile(
        r"[Cc]hildren[’']s services in (?:the )?(.{3,90}?)\s+(?:are|is|requires?|area)\b", re.S
    ),
    re.compile(r"SEND inspection of (.{3,60}?)\s+Local", re.S),
]


def find_council(head: str, text: str) -> str:
    """The council a document is about: named in the title phrase, else the most mentioned."""
    for pattern in _COUNCIL_CONTEXTS:
        m = pattern.search(head)
        if m:
            found = councils.mentions(m.group(1))
            if found:
                return found[0].council.name
    heading = councils.lookup(head.strip().split("\n", 1)[0])  # a report headed "Brent"
    if heading is not None:
        return heading.name
    first_lines = "\n".join(head.split("\n")[:3])
    named = [m for m in councils.mentions(first_lines) if not m.ambiguous]
    if named:
        return named[0].council.name
    counts: dict[str, float] = {}
    for m in councils.mentions(text[:20000]):
        if m.ambiguous and not _council_context(text, m.end):
            continue
        counts[m.council.name] = counts.get(m.council.name, 0.0) + (2.0 if m.start < 1500 else 1.0)
    return max(counts, key=counts.get) if counts else ""


def _council_context(text: str, end: int) -> bool:
    return bool(
        re.match(
            r"(?:[’']s)?\s*(?:County|City|Borough|Metropolitan|Council|children|local auth|"
            r"social|services|inspection|SEND|partnership)",
            text[end : end + 30],
        )
    )


# --- dates ----------------------------------------------------------------------------------


# --- title ----------------------------------------------------------------------------------


_OWN_TITLE = {"news_article", "committee_paper", "scrutiny_report", "other"}


def make_title(meta: Metadata) -> str:
    """A human title: "Liverpool — ILACS inspection, 2023"."""
    if meta.doc_type == "full_inspection":
        label = f"{meta.framework} inspection" if meta.framework else "inspection"
    else:
        label = _TYPE_LABELS.get(meta.doc_type, "document")
    if not meta.council:
        return ""
    year = f", {meta.year}" if meta.year else ""
    return f"{meta.council} — {label}{year}"


# --- sidecars -------------------------------------------------------------------------------


def overrides_for(path: Path) -> dict:
    """Fields set by `NAME.meta.json` beside the file, or its row in the folder's metadata.csv."""
    out: dict = {}
    table = path.parent / "metadata.csv"
    if table.exists():
        out.update(_csv_row(table, path.name))
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.exists():
        sidecar = path.with_suffix(".meta.json")
    if sidecar.exists():
        try:
            out.update(json.loads(sidecar.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:  # shown as the file's skip reason
            raise ValueError(f"sidecar {sidecar.name} is not a JSON object ({exc})") from exc
    return _clean_overrides(out)


def _csv_row(table: Path, name: str) -> dict:
    with table.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row.pop("file", None) or row.pop("source", None) or row.pop("path", None) or ""
            if Path(key).name == name:
                return {k: v for k, v in row.items() if k and v not in (None, "")}
    return {}


def _clean_overrides(raw: dict) -> dict:
    out: dict = {}
    for key, value in raw.items():
        if value is None or isinstance(value, (list, dict)):
            continue
        if key == "council":
            value = councils.canonical_name(str(value))
        elif key == "year":
            value = int(value)
        elif key == "doc_type":
            value = canonical("doc_type", str(value))
        elif key == "overall_judgement" or key.startswith("judgement_"):
            value = normalise_grade(str(value)) or str(value)
        out[key] = value
    if "published" in out:
        out["published_basis"] = "sidecar"
    return out


# --- questions that name a council or a year -------------------------------------------------


def scope_of(question: str) -> Scope:
    """Councils and years named in a question (soft: used to boost, never to filter)."""
    named = []
    for m in councils.mentions(question):
        if m.ambiguous and not _council_context(question, m.end):
            continue
        if m.council.name not in named:
            named.append(m.council.name)
    years = []
    for y in re.findall(r"\b(?:19|20)\d\d\b", question):
        if int(y) not in years:
            years.append(int(y))
    return Scope(tuple(named), tuple(years))
