"""The assistant inside llama-index, on the real sample corpus: the README's example as written,
the retriever's nodes at their page offsets, filters, and a query engine that drops into tools."""

from __future__ import annotations

import json
import re

import pytest
from helpers.paths import ROOT, page_text
from helpers.processes import run_cli

from assistant.core.answer import Citation
from assistant.core.filters import Condition, Filter, FilterError, parse_where
from assistant.core.meta import DocumentMeta

llama = pytest.importorskip("assistant.llama_index")
from llama_index.core.tools import QueryEngineTool  # noqa: E402
from llama_index.core.vector_stores.types import (  # noqa: E402
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)

EXAMPLE_MARK = "<!-- tests/test_llama_index.py runs this block as written -->"
NODE_KEYS = {"source", "title", "page", "council", "kind", "year", "start", "end"}


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(EXAMPLE_MARK) + r"\s*```python\n(.*?)```", readme, re.S)
    assert found, "README.md lost its llama-index example"
    return found.group(1)


def located(nodes) -> list[tuple]:
    return [
        (
            n.node.metadata["citation"],
            n.node.metadata["source"],
            n.node.metadata["page"],
            n.node.start_char_idx,
            n.node.end_char_idx,
            n.node.text,
        )
        for n in nodes
    ]


def test_readme_example_prints_the_citations_ask_gives(corpus_index, monkeypatch, capsys):
    code = readme_example()
    assert len(code.strip().splitlines()) <= 11  # "a ten-line example"
    monkeypatch.setenv("ASSISTANT_INDEX", str(corpus_index.index_dir))
    monkeypatch.delenv("ASSISTANT_LLM_URL", raising=False)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    question = re.search(r'\.query\("(.+?)"\)', code).group(1)
    result = run_cli("ask", question, "--json", index=corpus_index.index_dir)
    assert result.returncode == 0, result.stderr
    cited = json.loads(result.stdout)["citations"]
    assert cited
    response = namespace["response"]
    assert located(response.source_nodes) == [
        (c["id"], c["source"], c["page"], c["start"], c["end"], c["quote"]) for c in cited
    ]
    for c in cited:
        assert f"page {c['page']}, chars {c['start']}-{c['end']}: {c['quote']}" in printed


def test_retriever_nodes_are_passages_at_their_page_offsets(corpus_assistant):
    retriever = llama.AssistantRetriever(corpus_assistant, k=6)
    nodes = retriever.retrieve("management oversight of social workers in Kent")
    assert len(nodes) == 6
    assert len({n.node.node_id for n in nodes}) == 6
    for n in nodes:
        meta = n.node.metadata
        assert set(meta) >= NODE_KEYS
        assert (meta["start"], meta["end"]) == (n.node.start_char_idx, n.node.end_char_idx)
        text = page_text(meta["source"], meta["page"])
        assert text[n.node.start_char_idx : n.node.end_char_idx] == n.node.text
        assert n.node.ref_doc_id == meta["doc_id"]
        assert -1.0 <= n.score <= 1.0  # cosine similarity to the question


def test_metadata_filters_keep_nodes_and_citations_inside(corpus_assistant):
    filters = MetadataFilters(
        filters=[
            MetadataFilter(key="council", value="kent"),  # any spelling, as --where takes it
            MetadataFilter(key="year", operator=FilterOperator.GTE, value=2024),
        ]
    )
    question = "How well are homeless 16- and 17-year-olds helped?"
    nodes = llama.AssistantRetriever(corpus_assistant, k=8, filters=filters).retrieve(question)
    assert nodes
    assert all(n.node.metadata["council"] == "Kent" for n in nodes)
    assert all(n.node.metadata["year"] >= 2024 for n in nodes)
    engine = llama.AssistantQueryEngine(assistant=corpus_assistant, filters=filters)
    response = engine.query(question)
    assert response.source_nodes and response.metadata["answered"]
    assert {n.node.metadata["council"] for n in response.source_nodes} == {"Kent"}


def test_metadata_filters_map_onto_our_filter():
    filters = MetadataFilters(
        filters=[
            MetadataFilter(key="kind", value="focused visit"),
            MetadataFilter(key="council", operator=FilterOperator.IN, value=["kent", "Norfolk"]),
            MetadataFilters(filters=[MetadataFilter(key="page", operator="<", value=5)]),
            MetadataFilter(key="source", operator=FilterOperator.NIN, value=["a.pdf", "b.pdf"]),
        ]
    )
    assert llama.to_filter(filters) == Filter(
        (
            Condition("doc_type", "$eq", "focused_visit"),
            Condition("council", "$in", ("Kent", "Norfolk")),
            Condition("page", "$lt", 5),
            Condition("source", "$ne", "a.pdf"),
            Condition("source", "$ne", "b.pdf"),
        )
    )
    where = parse_where(["council=Kent"])
    assert llama.to_filter(where) is where


@pytest.mark.parametrize(
    "filters",
    [
        MetadataFilters(
            filters=[MetadataFilter(key="council", value="Kent")], condition=FilterCondition.OR
        ),
        MetadataFilters(
            filters=[MetadataFilter(key="title", operator=FilterOperator.CONTAINS, value="x")]
        ),
        MetadataFilters(filters=[MetadataFilter(key="council", value=["Kent", "Norfolk"])]),
        MetadataFilters(
            filters=[MetadataFilter(key="council", operator=FilterOperator.IN, value=[])]
        ),
    ],
)
def test_filters_we_cannot_apply_are_errors_not_ignored(filters):
    with pytest.raises(FilterError):
        llama.to_filter(filters)


def test_identical_sentences_at_two_offsets_are_two_nodes():
    quote = "Leaders know their services well."
    twice = [
        Citation(
            id=i,
            source="r.pdf",
            page=3,
            quote=quote,
            excerpt=quote,
            start=start,
            end=start + len(quote),
            score=0.5,
            doc_id="d1",
            meta=DocumentMeta(title="R", council="Kent"),
        )
        for i, start in ((1, 10), (2, 400))
    ]
    nodes = [llama.citation_node(c) for c in twice]
    assert nodes[0].text == nodes[1].text
    assert nodes[0].node_id != nodes[1].node_id
    assert nodes[0].hash != nodes[1].hash


def test_query_engine_is_a_tool_an_agent_can_call(corpus_assistant):
    engine = llama.AssistantQueryEngine(assistant=corpus_assistant)
    tool = QueryEngineTool.from_defaults(
        engine, name="inspection_reports", description="Verbatim, cited findings of inspections."
    )
    output = tool.call("What did inspectors say about management oversight in Kent?")
    answer = corpus_assistant.ask("What did inspectors say about management oversight in Kent?")
    assert output.content == answer.answer
    assert located(output.raw_output.source_nodes) == [
        (c.id, c.source, c.page, c.start, c.end, c.quote) for c in answer.citations
    ]


def test_declined_question_has_no_source_nodes_but_related_ones(corpus_assistant):
    response = llama.AssistantQueryEngine(assistant=corpus_assistant).query(
        "What is the population of Mars?"
    )
    assert response.metadata["answered"] is False
    assert response.source_nodes == []
    assert response.metadata["related_nodes"]
