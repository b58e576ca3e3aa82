"""Passages and document records survive the trip through Chroma's metadata rules (values must
be str, int, float or bool: never None, and no nested dicts)."""

from __future__ import annotations

from assistant.passages import Passage
from assistant.records import DocumentRecord, passage_from, passage_meta, record_from, record_meta

_ALLOWED = (str, int, float, bool)


def test_a_passage_round_trips_and_drops_empty_fields():
    passage = Passage(
        "d1:3",
        "d1",
        "reports/a.pdf",
        "Kent — focused visit",
        None,
        3,
        10,
        52,
        "Caseloads are manageable for most workers.",
        fields={"council": "Kent", "year": 2024, "aka": "", "judgement": None},
    )
    meta = passage_meta(passage)
    assert all(isinstance(v, _ALLOWED) for v in meta.values()), meta
    assert "aka" not in meta and "judgement" not in meta
    back = passage_from(passage.id, passage.text, meta)
    assert back == passage  # fields are not compared by Passage equality: check them too
    assert back.page is None and back.fields == {"council": "Kent", "year": 2024}


def test_a_record_keeps_its_nested_fields_as_json():
    record = DocumentRecord(
        "d1",
        "reports/a.pdf",
        "Kent — focused visit",
        "pdf",
        12,
        40,
        "ab" * 32,
        1.5e9,
        fields={"council": "Kent", "judgements": {"overall": "Good"}},
    )
    meta = record_meta(record)
    assert all(isinstance(v, _ALLOWED) for v in meta.values()), meta
    assert record_from(meta) == record
    assert record_from({"doc_id": "x", "source": "x.txt"}).fields == {}
