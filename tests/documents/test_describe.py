"""Metadata extraction on real reports: council, kind, dates, judgements, sidecar overrides."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from helpers.paths import CORPUS, ROOT, SHARED

from assistant.answering import intent
from assistant.core import councils, judgements
from assistant.core.canonical import canonical
from assistant.core.filters import parse_where
from assistant.core.meta import DocumentMeta
from assistant.documents import describe as metadata
from assistant.documents.readers import FoundFile, read_document

POOL = SHARED / "corpus" / "ofsted-pool"


def _read(path: Path):
    return read_document(FoundFile(path, path.name), max_bytes=10**9)


def _meta(name: str) -> DocumentMeta:
    document = _read(CORPUS / name)
    return metadata.extract("\n".join(p.text for p in document.pages), kind=document.kind)


def test_council_spellings_resolve_to_one_canonical_name():
    for spelling in ("Kent", "Kent County Council", "kent", "KCC", "kent county council"):
        assert councils.canonical_name(spelling) == "Kent"
    assert councils.canonical_name("London Borough of Havering") == "Havering"
    assert councils.canonical_name("Rotherham Metropolitan Borough Council") == "Rotherham"
    assert councils.lookup("telford_wrekin").name == "Telford and Wrekin"
    assert councils.lookup("Not A Real Place") is None


def test_mentions_prefer_the_longest_name_and_skip_lower_case_words():
    found = [
        m.council.name
        for m in councils.mentions(
            "North Yorkshire, then York; reading the file about Telford & Wrekin"
        )
    ]
    assert found == ["North Yorkshire", "York", "Telford and Wrekin"]


def test_sif_report_2015_reads_its_own_header():
    meta = _meta("ofsted-sif-norfolk-2015.pdf")
    assert meta.council == "Norfolk"
    assert (meta.doc_type, meta.framework, meta.inspectorate) == (
        "full_inspection",
        "SIF",
        "Ofsted",
    )
    assert (meta.published, meta.published_basis) == ("2015-10-19", "stated")
    assert (meta.inspection_start, meta.inspection_end) == ("2015-07-06", "2015-07-30")
    assert meta.overall_judgement == "Inadequate"
    assert meta.judgement("care_leavers") == "Inadequate"
    assert meta.judgement("help_protection") == "Requires improvement to be good"
    assert meta.title == "Norfolk — SIF inspection, 2015"


def test_2026_report_without_an_overall_grade_records_none():
    meta = _meta("ofsted-ilacs-lancashire-2026.pdf")
    assert meta.framework == "ILACS"
    assert meta.overall_judgement == ""
    assert set(dict(meta.judgements)) == {
        "leaders",
        "help_protection",
        "children_in_care",
        "care_leavers",
    }
    assert meta.judgement("care_leavers") == "Outstanding"
    assert "overall_judgement" not in meta.filter_fields()  # Chroma stores no None: key absent


def test_focused_visit_letter_and_area_send_report():
    visit = _meta("ofsted-fv-norfolk-2019.pdf")
    assert (visit.doc_type, visit.council, visit.published) == (
        "focused_visit",
        "Norfolk",
        "2019-10-31",
    )
    assert (visit.inspection_start, visit.inspection_end) == ("2019-10-08", "2019-10-09")
    assert visit.overall_judgement == ""
    send = _meta("ofsted-cqc-send-rotherham-2024.pdf")
    assert (send.doc_type, send.inspectorate, send.council) == ("area_send", "joint", "Rotherham")
    assert send.inspection_end == "2024-10-04"  # not the previous inspection's dates beside it
    lancashire = _meta("ofsted-cqc-send-lancashire-2025.pdf")
    assert lancashire.overall_judgement == "Significant concerns"


def test_an_area_send_outcome_is_read_from_the_frameworks_sentence_alone():
    assert (
        judgements.send_outcome(
            "Experiences typically lead to positive experiences and outcomes for children."
        )
        == "Positive experiences and outcomes"
    )
    # the third outcome's consequence, negated, is no outcome
    assert judgements.send_outcome("It does not need to submit a priority action plan.") == ""
    question = intent.understand("Why was Leeds told to draw up a priority action plan?")
    assert question.grade == "Significant concerns"


def test_fields_are_chroma_scalars():
    fields = _meta("ofsted-ilacs-kent-2026.pdf").filter_fields()
    assert fields["council"] == "Kent" and fields["year"] == 2026
    assert fields["overall_judgement"] == "Good"
    assert fields["judgement_children_in_care"] == "Outstanding"
    assert all(isinstance(v, str | int | float | bool) for v in fields.values())


@pytest.mark.skipif(not POOL.exists(), reason="needs /work/shared/corpus/ofsted-pool")
def test_two_column_layout_with_a_wrapped_grade():
    # pdftotext -layout text: "Requires improvement" above the label, "to be good" beside it.
    name = "80429_birmingham_children_s_services_inspection_17_january_2019.txt"
    document = _read(POOL / name)
    meta = metadata.extract(document.pages[0].text, kind="text")
    assert meta.overall_judgement == "Requires improvement to be good"
    assert meta.council == "Birmingham" and meta.year == 2019


def test_sidecar_json_and_metadata_csv_override_the_text(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "ofsted-fv-kent-2024.pdf", folder / "a.pdf")
    shutil.copy(CORPUS / "ofsted-fv-kent-2024.pdf", folder / "b.pdf")
    (folder / "a.pdf.meta.json").write_text(
        json.dumps({"council": "Norfolk County Council", "published": "2020-05-01"}),
        encoding="utf-8",
    )
    (folder / "metadata.csv").write_text(
        "file,doc_type,overall_judgement\nb.pdf,monitoring visit,requires improvement\n",
        encoding="utf-8",
    )
    a = metadata.describe(_read(folder / "a.pdf"))
    assert (a.council, a.year, a.published_basis) == ("Norfolk", 2020, "sidecar")
    assert a.title == "Norfolk — focused visit, 2020"
    b = metadata.describe(_read(folder / "b.pdf"))
    assert b.council == "Kent"  # from the text: the csv row does not set it
    assert b.doc_type == "monitoring_visit"
    assert b.overall_judgement == "Requires improvement to be good"


def test_where_values_are_canonicalised():
    where = parse_where(
        [
            "council=Kent County Council",
            "doc_type=focused visit",
            "year>=2022",
            "council=kent,Norfolk County Council",
        ],
        canonical=canonical,
    )
    values = [c.value for c in where.conditions]
    assert values == ["Kent", "focused_visit", 2022, ("Kent", "Norfolk")]
    assert where.matches({"council": "Kent", "doc_type": "focused_visit", "year": 2024})
    assert not where.matches({"council": "Kent", "doc_type": "focused_visit", "year": 2021})


def test_scope_of_questions():
    scope = intent.scope_of("Has Norfolk County Council improved since 2015 and 2018?")
    assert scope.councils == ("Norfolk",) and scope.years == (2015, 2018)
    assert scope.filter().matches({"council": "Norfolk", "year": 2018})
    assert not intent.scope_of("What does reading the case records show about supervision?")
    assert intent.scope_of("How is Reading Borough Council doing?").councils == ("Reading",)


@pytest.mark.skipif(not POOL.exists(), reason="needs /work/shared/corpus/ofsted-pool")
def test_accuracy_on_a_slice_of_the_pool_meets_the_targets():
    sys.path.insert(0, str(ROOT))
    from bench import metadata_accuracy as bench

    tallies = {n: bench.Tally() for n in bench.FIELDS}
    bench.score(bench._pool_items(POOL, 120), tallies=tallies)
    assert tallies["council"].total == 120
    assert tallies["overall_judgement"].total > 40
    assert tallies["council"].accuracy >= 0.98
    assert tallies["doc_type"].accuracy >= 0.97
    assert tallies["overall_judgement"].accuracy >= 0.97
    assert tallies["published_year"].accuracy >= 0.98


def test_a_broken_sidecar_is_reported_not_ignored(tmp_path, small_settings):
    from assistant.engine import Assistant

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "ofsted-fv-kent-2024.pdf", folder / "visit.pdf")
    (folder / "visit.pdf.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="visit.pdf.meta.json"):
        metadata.describe(_read(folder / "visit.pdf"))
    report = Assistant(small_settings).ingest([folder])
    assert [s.path for s in report.skipped] == ["visit.pdf"]
    assert "visit.pdf.meta.json" in report.skipped[0].reason


def test_a_sidecar_field_that_does_not_exist_is_named(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "ofsted-fv-kent-2024.pdf", folder / "visit.pdf")
    (folder / "visit.pdf.meta.json").write_text('{"councl": "Norfolk"}', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field 'councl'"):
        metadata.describe(_read(folder / "visit.pdf"))
    # A register kept as metadata.csv may hold columns of its own: those are ignored.
    (folder / "visit.pdf.meta.json").unlink()
    (folder / "metadata.csv").write_text("file,notes,year\nvisit.pdf,seen,2019\n", encoding="utf-8")
    meta = metadata.describe(_read(folder / "visit.pdf"))
    assert meta.year == 2019 and meta.council == "Kent"


@pytest.mark.parametrize("value", ["June 2024", "20/06/2024", "2024-13", "2024-02-30"])
def test_a_sidecar_date_that_is_not_iso_is_named(tmp_path, value):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "ofsted-fv-kent-2024.pdf", folder / "visit.pdf")
    (folder / "metadata.csv").write_text(f"file,published\nvisit.pdf,{value}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"published must be an ISO date .* not '{value}'"):
        metadata.describe(_read(folder / "visit.pdf"))
    (folder / "metadata.csv").write_text("file,published\nvisit.pdf,2024-06\n", encoding="utf-8")
    assert metadata.describe(_read(folder / "visit.pdf")).published == "2024-06"


def test_months_are_read_only_from_iso_dates():
    from assistant.core.meta import months_covered

    assert (
        months_covered(DocumentMeta(inspection_start="June 2024", published="20/06/2024")) == set()
    )
    spanning = DocumentMeta(inspection_start="2023-12-04", inspection_end="2024-01-12")
    assert months_covered(spanning) == {(2023, 12), (2024, 1)}
