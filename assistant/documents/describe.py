"""Inspection-aware metadata read from a document's own text: council, inspectorate, kind,
dates, judgements and a clean title, as a `DocumentMeta`.

Rule-based: Ofsted, CIW and Care Inspectorate reports state these facts in fixed phrases on their
first page, so a few patterns are reliable (measured by `bench/metadata_accuracy.py`). Sidecar
files correct what the text gets wrong (`sidecars.py`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.core import councils
from assistant.core.judgements import judgements, send_outcome
from assistant.core.meta import OWN_TITLE_TYPES, DocumentMeta, make_title, year_of
from assistant.core.text import years_in
from assistant.documents import sidecars
from assistant.documents.exemption import exempt_marking
from assistant.documents.report_dates import inspection_dates, publication_date

HEAD_CHARS = 4000


def describe(document) -> DocumentMeta:
    """The metadata of an ingested `Document`: read from its text, then its sidecar overrides
    applied (`sidecars.apply`), with a title."""
    text = "\n".join(page.text for page in document.pages)
    meta = extract(text, kind=document.kind)
    meta = replace(meta, years_mentioned=tuple(sorted(years_in(text))))
    meta = replace(meta, marking=marking_of(document))
    meta, overrides = sidecars.apply(meta, document.path)
    if "title" not in overrides:
        # Reports get a uniform title; articles and papers keep their own headline, which says
        # more than "Walsall — news article".
        own = meta.doc_type in OWN_TITLE_TYPES and 12 <= len(document.title) <= 200
        meta = replace(meta, title=document.title if own else (make_title(meta) or document.title))
    return meta


def marking_of(document) -> str:
    """The paper's own exempt / not-for-publication marking, verbatim ("" when it has none)."""
    return exempt_marking([page.text for page in document.pages])


def extract(text: str, *, kind: str = "") -> DocumentMeta:
    """Read the metadata from a document's cleaned text."""
    head = text[:HEAD_CHARS]
    doc_type, framework = document_type(head, kind=kind)
    start, end = inspection_dates(head, doc_type)
    published, basis = publication_date(head, text, inspection_end=end)
    overall, areas = judgements(head) if doc_type == "full_inspection" else ("", {})
    if doc_type == "area_send":
        overall = send_outcome(head)
    meta = DocumentMeta(
        council=find_council(head, text),
        inspectorate=find_inspectorate(head, doc_type),
        doc_type=doc_type,
        framework=framework,
        published=published,
        published_basis=basis,
        inspection_start=start,
        inspection_end=end,
        overall_judgement=overall,
        judgements=tuple(areas.items()),
        year=year_of(published),
    )
    return replace(meta, title=make_title(meta))


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
        if m.ambiguous and not councils.in_council_context(text, m.end):
            continue
        counts[m.council.name] = counts.get(m.council.name, 0.0) + (2.0 if m.start < 1500 else 1.0)
    return max(counts, key=counts.get) if counts else ""
