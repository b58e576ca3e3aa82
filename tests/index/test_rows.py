"""Passages and document records survive the trip through Chroma's metadata rules (values must
be str, int, float or bool: never None, and no nested dicts), as the same typed record."""

from __future__ import annotations

import json

from assistant.core.meta import DocumentMeta
from assistant.core.passage import Passage, Unit
from assistant.core.record import DocumentRecord
from assistant.index.rows import (
    meta_from_fields,
    passage_from,
    passage_meta,
    record_from,
    record_meta,
)

_ALLOWED = (str, int, float, bool)
KENT = DocumentMeta(
    council="Kent",
    doc_type="full_inspection",
    framework="ILACS",
    published="2026-02-02",
    overall_judgement="Good",
    judgements=(("children_in_care", "Outstanding"), ("care_leavers", "Requires improvement")),
    title="Kent — ILACS inspection, 2026",
    year=2026,
    years_mentioned=(2022, 2025),
)


def test_a_passage_round_trips_with_its_metadata_section_and_units():
    text = "What needs to improve?\nThe quality of plans. Caseloads."
    passage = Passage(
        "d1:3",
        "d1",
        "reports/a.pdf",
        None,
        3,
        10,
        10 + len(text),
        text,
        meta=KENT,
        section=("What needs to improve?",),
        units=(Unit("heading", 10, 32), Unit("item", 33, 54), Unit("sentence", 55, 65)),
        aka="personal advisers",
    )
    meta = passage_meta(passage)
    assert all(isinstance(v, _ALLOWED) for v in meta.values()), meta
    assert meta["council"] == "Kent" and meta["judgement_children_in_care"] == "Outstanding"
    back = passage_from(passage.id, passage.text, meta)
    assert back == passage
    assert (back.meta, back.section, back.units, back.aka) == (
        KENT,
        passage.section,
        passage.units,
        passage.aka,
    )
    assert back.page is None and back.title == KENT.title
    assert [back.unit_text(u) for u in back.quotable()] == ["The quality of plans.", "Caseloads."]


def test_empty_values_are_left_out_and_come_back_as_unknown():
    meta = passage_meta(Passage("d:0", "d", "a.txt", None, 0, 0, 1, "x"))
    assert "council" not in meta and "overall_judgement" not in meta and "units" not in meta
    assert meta_from_fields(meta) == DocumentMeta()


def test_a_record_keeps_its_whole_metadata():
    record = DocumentRecord("d1", "reports/a.pdf", "pdf", 12, 40, "ab" * 32, 1.5e9, KENT)
    stored = record_meta(record)
    assert all(isinstance(v, _ALLOWED) for v in stored.values()), stored
    assert record_from(stored) == record
    assert record_from({"doc_id": "x", "source": "x.txt"}).meta == DocumentMeta()


def test_a_registry_written_before_the_typed_record_is_still_read():
    old = {
        "doc_id": "d1",
        "source": "a.pdf",
        "title": "Kent — focused visit, 2024",
        "fields": json.dumps({"council": "Kent", "year": 2024, "judgement_leaders": "Good"}),
    }
    meta = record_from(old).meta
    assert (meta.council, meta.year, meta.title) == ("Kent", 2024, "Kent — focused visit, 2024")
    assert meta.judgement("leaders") == "Good"
