"""The ask path end to end on the real sample corpus: the JSON contract, verbatim quotes at their
offsets, honest abstention, and batch questions from a file."""

import json

from helpers.paths import CORPUS, page_text
from helpers.processes import run_cli

CITATION_KEYS = {"id", "source", "title", "page", "quote", "excerpt", "start", "end", "score"}


def test_every_sample_document_is_indexed(corpus_assistant):
    sources = {r.source for r in corpus_assistant.sources()}
    assert sources == {p.name for p in CORPUS.glob("*.pdf")}


def test_liverpool_caseloads_cited_verbatim_with_offsets(corpus_index):
    result = run_cli(
        "ask",
        "How high are personal advisers' caseloads in Liverpool?",
        "--json",
        index=corpus_index.index_dir,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is True
    assert set(answer) >= {"question", "answered", "answer", "citations", "related"}
    liverpool = [c for c in answer["citations"] if c["source"] == "ofsted-ilacs-liverpool-2023.pdf"]
    assert any("over 40" in c["quote"] for c in liverpool), answer["answer"]
    for citation in answer["citations"]:
        assert set(citation) >= CITATION_KEYS
        assert citation["quote"] in citation["excerpt"]
        assert f"[{citation['id']}]" in answer["answer"]
        # the quote is exactly the document's extracted text at start:end of its page
        text = page_text(citation["source"], citation["page"])
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_unanswerable_question_declines_and_shows_related(corpus_assistant):
    answer = corpus_assistant.ask("What is the population of Mars?")
    assert answer.answered is False
    assert answer.citations == []
    assert answer.related, "the closest passages are still shown"
    assert "[1]" not in answer.answer


def test_questions_from_a_file_give_one_json_object_per_line(corpus_index, tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text(
        "What did inspectors say about management oversight in Kent?\n\n"
        "What is the population of Mars?\n",
        encoding="utf-8",
    )
    result = run_cli("ask", "-f", str(questions), "--json", index=corpus_index.index_dir)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in lines] == [
        "What did inspectors say about management oversight in Kent?",
        "What is the population of Mars?",
    ]
    assert lines[0]["answered"] is True and lines[1]["answered"] is False


def test_filtered_question_only_cites_inside_the_filter(corpus_assistant):
    from assistant.core.filters import parse_where

    where = parse_where(["source=ofsted-fv-kent-2024.pdf"])
    answer = corpus_assistant.ask("How well are homeless 16- and 17-year-olds helped?", where=where)
    assert answer.citations
    assert {c.source for c in answer.citations} == {"ofsted-fv-kent-2024.pdf"}


def test_sources_json_lists_documents(corpus_index):
    result = run_cli("sources", "--json", index=corpus_index.index_dir)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == len(list(CORPUS.glob("*.pdf")))
    assert all(r["pages"] > 0 and r["passages"] > 0 and r["title"] for r in records)
