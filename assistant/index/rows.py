"""How passages and document records are kept as Chroma metadata, and read back: the one place
that knows the mapping.

Chroma metadata values must be str, int, float or bool, never None and never nested. A
passage's document metadata is stored flat (`council`, `year`, `judgement_<area>`...), because
`--where` filters run on those keys inside Chroma; the registry keeps each document's whole
`DocumentMeta` as one JSON value.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from assistant.core.meta import FIELD_NAMES, JUDGEMENT_PREFIX, DocumentMeta
from assistant.core.passage import Passage, Unit, UnitKind
from assistant.core.record import DocumentRecord

_SECTION_JOIN = " › "
_UNIT_CODES = {
    UnitKind.SENTENCE: "s",
    UnitKind.ITEM: "i",
    UnitKind.JUDGEMENT: "j",
    UnitKind.HEADING: "h",
}
_UNIT_KINDS = {code: kind for kind, code in _UNIT_CODES.items()}


# --- document metadata ------------------------------------------------------------------------


def meta_from_fields(flat: dict) -> DocumentMeta:
    """A `DocumentMeta` from its flat form (unknown keys, like a passage's own, are ignored)."""
    values = {k: v for k, v in flat.items() if k in FIELD_NAMES and k != "judgements"}
    grades = tuple(
        (k.removeprefix(JUDGEMENT_PREFIX), str(v))
        for k, v in flat.items()
        if k.startswith(JUDGEMENT_PREFIX)
    )
    if "years_mentioned" in values:
        values["years_mentioned"] = _years(values["years_mentioned"])
    return DocumentMeta(**{k: _typed(k, v) for k, v in values.items()}, judgements=grades)


def meta_json(meta: DocumentMeta) -> str:
    return json.dumps(asdict(meta), ensure_ascii=False)


def meta_from_json(text: str) -> DocumentMeta:
    data = json.loads(text or "{}")
    if not isinstance(data, dict):
        return DocumentMeta()
    flat = {k: v for k, v in data.items() if k in FIELD_NAMES}
    flat["judgements"] = tuple(tuple(pair) for pair in flat.get("judgements") or ())
    flat["years_mentioned"] = _years(flat.get("years_mentioned") or ())
    flat = {k: _typed(k, v) for k, v in flat.items()}
    return DocumentMeta(**flat)


def _years(value) -> tuple[int, ...]:
    if isinstance(value, str):
        value = value.split()
    return tuple(int(y) for y in value)


def _typed(name: str, value):
    if name in ("judgements", "years_mentioned"):
        return value
    return int(value or 0) if name == "year" else str(value)


# --- passages ----------------------------------------------------------------------------------


def passage_meta(p: Passage) -> dict[str, str | int]:
    meta = p.filter_fields()
    if p.meta.years_mentioned:
        meta["years_mentioned"] = " ".join(str(y) for y in p.meta.years_mentioned)
    meta.update(ordinal=p.ordinal, start=p.start, end=p.end)
    if p.section:
        meta["section"] = _SECTION_JOIN.join(p.section)
    if p.units:
        meta["units"] = encode_units(p)
    if p.aka:
        meta["aka"] = p.aka
    return meta


def passage_from(pid: str, text: str, meta: dict) -> Passage:
    start = int(meta["start"])
    section = str(meta.get("section") or "")
    return Passage(
        id=pid,
        doc_id=meta["doc_id"],
        source=meta["source"],
        page=int(meta.get("page") or 0) or None,
        ordinal=int(meta.get("ordinal", 0)),
        start=start,
        end=int(meta["end"]),
        text=text,
        meta=meta_from_fields(meta),
        section=tuple(section.split(_SECTION_JOIN)) if section else (),
        units=decode_units(str(meta.get("units") or ""), start=start),
        aka=str(meta.get("aka") or ""),
    )


def encode_units(p: Passage) -> str:
    """Units as "s0-120 i121-200 ...", offsets relative to the passage (a few dozen bytes)."""
    return " ".join(f"{_UNIT_CODES[u.kind]}{u.start - p.start}-{u.end - p.start}" for u in p.units)


def decode_units(text: str, *, start: int) -> tuple[Unit, ...]:
    out = []
    for token in text.split():
        begin, _, end = token[1:].partition("-")
        out.append(Unit(_UNIT_KINDS[token[0]], start + int(begin), start + int(end)))
    return tuple(out)


# --- the document registry ---------------------------------------------------------------------


def record_meta(r: DocumentRecord) -> dict[str, str | int | float]:
    return {
        "doc_id": r.doc_id,
        "source": r.source,
        "title": r.title,
        "kind": r.kind,
        "pages": r.pages,
        "passages": r.passages,
        "sha256": r.sha256,
        "ingested_at": r.ingested_at,
        "meta": meta_json(r.meta),
        "format": r.format,
    }


def record_from(meta: dict) -> DocumentRecord:
    if "meta" in meta:
        document = meta_from_json(str(meta["meta"]))
    else:  # a registry written before the typed record: flat `fields` JSON and a title
        document = meta_from_fields(json.loads(meta.get("fields") or "{}"))
        if meta.get("title") and not document.title:
            document = replace(document, title=str(meta["title"]))
    return DocumentRecord(
        doc_id=meta["doc_id"],
        source=meta["source"],
        kind=meta.get("kind", ""),
        pages=int(meta.get("pages", 0)),
        passages=int(meta.get("passages", 0)),
        sha256=meta.get("sha256", ""),
        ingested_at=float(meta.get("ingested_at", 0.0)),
        meta=document,
        format=str(meta.get("format", "")),
    )


def record_json(r: DocumentRecord) -> dict:
    """A record as `assistant sources --json` lists it: metadata spread out, no doc_id."""
    return {
        "source": r.source,
        "title": r.title,
        "kind": r.kind,
        "pages": r.pages,
        "passages": r.passages,
        "sha256": r.sha256,
        "ingested_at": r.ingested_at,
        **r.meta.filter_fields(),
        "access_basis": r.meta.access_basis,
        "marking": r.meta.marking,
    }
