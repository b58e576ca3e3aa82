"""How passages and document records are kept as Chroma metadata, and read back.

Chroma metadata values must be str, int, float or bool, never None: these pure functions are the
one place that knows the mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .passages import Passage


@dataclass
class DocumentRecord:
    """One indexed document, as listed by `assistant sources`."""

    doc_id: str
    source: str
    title: str
    kind: str
    pages: int
    passages: int
    sha256: str
    ingested_at: float
    fields: dict[str, object] = field(default_factory=dict)


_PASSAGE_KEYS = {"doc_id", "source", "title", "page", "ordinal", "start", "end"}


def passage_meta(p: Passage) -> dict:
    meta = {k: v for k, v in p.fields.items() if v is not None and v != ""}
    meta.update(
        doc_id=p.doc_id,
        source=p.source,
        title=p.title,
        page=p.page or 0,
        ordinal=p.ordinal,
        start=p.start,
        end=p.end,
    )
    return meta


def passage_from(pid: str, text: str, meta: dict) -> Passage:
    fields = {k: v for k, v in meta.items() if k not in _PASSAGE_KEYS}
    return Passage(
        id=pid,
        doc_id=meta["doc_id"],
        source=meta["source"],
        title=meta.get("title", ""),
        page=meta.get("page") or None,
        ordinal=int(meta.get("ordinal", 0)),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        fields=fields,
    )


def record_meta(r: DocumentRecord) -> dict:
    return {
        "doc_id": r.doc_id,
        "source": r.source,
        "title": r.title,
        "kind": r.kind,
        "pages": r.pages,
        "passages": r.passages,
        "sha256": r.sha256,
        "ingested_at": r.ingested_at,
        "fields": json.dumps(r.fields, default=str),
    }


def record_from(meta: dict) -> DocumentRecord:
    return DocumentRecord(
        doc_id=meta["doc_id"],
        source=meta["source"],
        title=meta.get("title", ""),
        kind=meta.get("kind", ""),
        pages=int(meta.get("pages", 0)),
        passages=int(meta.get("passages", 0)),
        sha256=meta.get("sha256", ""),
        ingested_at=float(meta.get("ingested_at", 0.0)),
        fields=json.loads(meta.get("fields") or "{}"),
    )
