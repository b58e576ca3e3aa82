"""Timelines and comparisons over an index of the real sample corpus."""

from __future__ import annotations

import json

import pytest

from assistant import cli
from assistant.core.canonical import canonical
from assistant.core.filters import parse_where
from assistant.core.judgements import GRADES
from assistant.insights.compare import compare
from assistant.insights.timeline import timeline

TOPIC = "management oversight of social workers' caseloads"


@pytest.mark.slow
def test_norfolk_timeline_from_the_reports(corpus_assistant):
    result = timeline(corpus_assistant.sources(), "Norfolk County Council")
    assert result.council == "Norfolk"
    assert len(result.entries) == 6
    dates = [e.published for e in result.entries]
    assert dates == sorted(dates)
    assert all(e.source.startswith("ofsted-") and "norfolk" in e.source for e in result.entries)
    first, last = result.graded[0], result.graded[-1]
    assert (first.published[:4], first.overall_judgement) == ("2015", "Inadequate")
    assert (last.published[:4], last.overall_judgement) == ("2026", "Outstanding")
    assert result.trend() == "improved"
    visits = [e for e in result.entries if e.doc_type == "focused_visit"]
    assert len(visits) == 2 and not any(e.overall_judgement for e in visits)


@pytest.mark.slow
def test_a_replaced_council_is_traced_through_its_successors(corpus_assistant):
    history = timeline(corpus_assistant.sources(), "Northamptonshire County Council")
    assert history.entries and {e.council for e in history.entries} == {"North Northamptonshire"}
    assert history.note.startswith("Northamptonshire was replaced by North Northamptonshire")
    assert "(Northamptonshire was replaced by" in history.render()
    assert timeline(corpus_assistant.sources(), "Kent").note == ""


def test_a_replaced_council_is_compared_through_its_successors(corpus_assistant):
    where = parse_where(["council=Northamptonshire"], canonical=canonical)
    result = compare(corpus_assistant, "care leavers", where=where)
    assert {r.group for r in result.rows} == {"North Northamptonshire"}
    assert result.notes and "replaced by North Northamptonshire" in result.notes[0]


def test_timeline_cli_text_and_json(corpus_index, capsys):
    assert cli.main(["timeline", "norfolk", "--index", str(corpus_index.index_dir)]) == 0
    text = capsys.readouterr().out
    assert text.index("2015") < text.index("2026")
    assert "Latest overall grade: Outstanding (2026)" in text
    assert cli.main(["timeline", "Kent", "--json", "--index", str(corpus_index.index_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["council"] == "Kent" and len(data["documents"]) == 3
    assert cli.main(["timeline", "Nowhere", "--index", str(corpus_index.index_dir)]) == 1


@pytest.mark.slow
def test_compare_by_council_quotes_each_council_only(corpus_assistant):
    result = compare(corpus_assistant, TOPIC, by="council")
    indexed = {r.meta.council for r in corpus_assistant.sources()}
    assert [r.group for r in result.rows] and {r.group for r in result.rows} == indexed
    latest = {r.group: r.latest_grade for r in result.rows}
    assert latest["Norfolk"] == "Outstanding (2026)" and latest["Liverpool"] == "Inadequate (2023)"
    found = [r for r in result.rows if r.citation]
    assert len(found) >= len(indexed) // 2
    for row in found:
        c = row.citation
        assert c.meta.council == row.group
        start, end = c.quote_in_excerpt
        assert c.excerpt[start:end] == c.quote  # verbatim
        assert row.overall_judgement in ("",) + GRADES


@pytest.mark.slow
def test_compare_respects_where_and_cli_json(corpus_index, capsys):
    code = cli.main(
        [
            "compare",
            TOPIC,
            "--by",
            "document",
            "--where",
            "year>=2024",
            "--where",
            "doc_type=ILACS",
            "--json",
            "--index",
            str(corpus_index.index_dir),
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by"] == "document" and data["rows"]
    where = parse_where(["year>=2024", "doc_type=ILACS"], canonical=canonical)
    for row in data["rows"]:
        if row["citation"]:
            assert row["citation"]["source"] == row["group"]
            assert where.matches(row["citation"]["fields"]), row["group"]


@pytest.mark.slow
def test_sources_json_carries_the_metadata(corpus_index, capsys):
    assert cli.main(["sources", "--json", "--index", str(corpus_index.index_dir)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 34
    for r in records:
        assert r["council"] and r["doc_type"] and r["published"]
        assert r["inspectorate"] == ("joint" if r["doc_type"] == "area_send" else "Ofsted")
        assert isinstance(r["year"], int) and str(r["year"]) in r["source"]
        assert r["title"].startswith(r["council"] + " — ")
