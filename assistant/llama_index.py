"""The assistant as a llama-index citizen: a retriever and a query engine.

This is the only module that imports llama-index-core, and nothing imports it on the way to an
answer: the import takes seconds, and `assistant ask` never pays it. (The summary's model client,
which uses llama-index's `OpenAILike`, is `summary.writer`.)

- `AssistantRetriever` returns the hybrid retriever's passages as `TextNode`s with page offsets.
- `AssistantQueryEngine` returns the extractive answer as a `Response` whose `source_nodes` are
  its citations, one node per quote, so it drops into routers, tools and agents.

Offsets are in the metadata as well as in `start_char_idx`/`end_char_idx`: llama-index treats
nodes whose text and metadata hash alike as one, and two identical sentences of one report are
two citations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from llama_index.core.base.response.schema import Response
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import (
    NodeRelationship,
    NodeWithScore,
    QueryBundle,
    RelatedNodeInfo,
    TextNode,
)
from llama_index.core.vector_stores.types import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)

from assistant.core.access import OPERATOR, Reader
from assistant.core.answer import Answer, Citation
from assistant.core.canonical import canonical
from assistant.core.filters import NUMERIC_FIELDS, Condition, Filter, FilterError

# Offsets and ids locate a node; they are not words for a model to read or embed.
_LOCATORS = ["doc_id", "passage_id", "start", "end", "citation"]
_OPERATORS = {
    FilterOperator.EQ: "$eq",
    FilterOperator.NE: "$ne",
    FilterOperator.GT: "$gt",
    FilterOperator.GTE: "$gte",
    FilterOperator.LT: "$lt",
    FilterOperator.LTE: "$lte",
    FilterOperator.IN: "$in",
}
_KEYS = {"kind": "doc_type"}  # node metadata's name -> the stored field it filters on


# --- nodes ---------------------------------------------------------------------------------


def _document_fields(meta, *, source: str, page: int | None) -> dict[str, Any]:
    return {
        "source": source,
        "title": meta.title or source,
        "page": page,
        "council": meta.council,
        "kind": meta.type_label,
        "doc_type": meta.doc_type,
        "year": meta.year or None,
        "published": meta.published,
        "overall_judgement": meta.overall_judgement or None,
    }


def _node(node_id: str, text: str, *, doc_id: str, start: int, end: int, fields: dict) -> TextNode:
    return TextNode(
        id_=node_id,
        text=text,
        start_char_idx=start,
        end_char_idx=end,
        metadata={**fields, "doc_id": doc_id, "start": start, "end": end},
        excluded_llm_metadata_keys=list(_LOCATORS),
        excluded_embed_metadata_keys=list(_LOCATORS),
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc_id)},
    )


def passage_node(passage) -> TextNode:
    """A retrieved passage (`core.passage.Passage`) as a node; offsets are page-relative."""
    fields = _document_fields(passage.meta, source=passage.source, page=passage.page)
    fields.update(passage_id=passage.id, section=" \u203a ".join(passage.section))
    return _node(
        passage.id,
        passage.text,
        doc_id=passage.doc_id,
        start=passage.start,
        end=passage.end,
        fields=fields,
    )


def citation_node(citation: Citation) -> TextNode:
    """One citation as a node: the verbatim quote, its offsets, page, source and number."""
    fields = _document_fields(citation.meta, source=citation.source, page=citation.page)
    fields.update(citation=citation.id, unit=citation.unit)
    node_id = f"{citation.doc_id}:{citation.page or 0}:{citation.start}-{citation.end}"
    return _node(
        node_id,
        citation.quote,
        doc_id=citation.doc_id,
        start=citation.start,
        end=citation.end,
        fields=fields,
    )


def cited_nodes(citations: list[Citation]) -> list[NodeWithScore]:
    return [NodeWithScore(node=citation_node(c), score=c.score) for c in citations]


# --- filters -------------------------------------------------------------------------------


def to_filter(filters: MetadataFilters | Filter | None) -> Filter | None:
    """llama-index `MetadataFilters` (AND of ==, !=, >, >=, <, <=, in, nin) as our `Filter`; a
    `Filter` (e.g. from `filters.parse_where`) passes through. Anything else is a FilterError,
    never silently ignored: a filter that is dropped would cite outside it."""
    if filters is None or isinstance(filters, Filter):
        return filters
    if filters.condition not in (None, FilterCondition.AND):
        raise FilterError(f"only AND filters are supported, not {filters.condition.value!r}")
    conditions: list[Condition] = []
    for item in filters.filters:
        if isinstance(item, MetadataFilters):
            conditions.extend(to_filter(item).conditions)
        else:
            conditions.extend(_conditions(item))
    return Filter(tuple(conditions))


def _conditions(item: MetadataFilter) -> list[Condition]:
    key = _KEYS.get(item.key, item.key)
    operator = getattr(item, "operator", FilterOperator.EQ)  # ExactMatchFilter has none
    values = item.value if isinstance(item.value, list) else [item.value]
    values = [_stored(key, v) for v in values]
    if operator == FilterOperator.NIN:
        return [Condition(key, "$ne", v) for v in values]
    if operator not in _OPERATORS:
        raise FilterError(f"filter operator {operator.value!r} is not supported on {item.key!r}")
    if operator == FilterOperator.IN:
        if not values:
            raise FilterError(f"filter on {item.key!r} with 'in' needs at least one value")
        return [Condition(key, "$in", tuple(values))]
    if len(values) != 1:  # "council == [Kent, Norfolk]" means neither AND nor OR for sure
        raise FilterError(f"filter on {item.key!r} with {operator.value!r} takes one value")
    return [Condition(key, _OPERATORS[operator], values[0])]


def _stored(key: str, value):
    if key in NUMERIC_FIELDS and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return canonical(key, value) if isinstance(value, str) else value


# --- retriever and query engine ------------------------------------------------------------


def reader_of(groups: str | Iterable[str] | None) -> Reader:
    """The reader for `groups` (None: the operator)."""
    return OPERATOR if groups is None else Reader.of(groups, who="llama-index")


class AssistantRetriever(BaseRetriever):
    """Hybrid (dense + BM25) retrieval over the index, as llama-index nodes. `score` is the
    cosine similarity to the question; the order is the fused ranking (`fused_score`)."""

    def __init__(
        self,
        assistant,
        *,
        k: int = 12,
        filters: MetadataFilters | Filter | None = None,
        groups: str | Iterable[str] | None = None,
        **kw,
    ):
        """`groups`: who the nodes are for (`"cabinet,officers"`, or `"public"`); None is the
        machine's operator, who sees every paper, as on the command line."""
        super().__init__(**kw)
        self._assistant = assistant
        self._k = k
        self._where = to_filter(filters)
        self._reader = reader_of(groups)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._assistant.retriever.search(
            query_bundle.query_str, reader=self._reader, k=self._k, where=self._where or None
        )
        out = []
        for hit in hits:
            node = passage_node(hit.passage)
            node.metadata.update(fused_score=round(hit.score, 6), keyword_score=hit.keyword)
            out.append(NodeWithScore(node=node, score=hit.similarity))
        return out


class AssistantQueryEngine(CustomQueryEngine):
    """`Assistant.ask` as a query engine: the response is the extractive answer (verbatim
    quotes with markers), `source_nodes` its citations in marker order. `metadata` carries
    whether it answered, the closest passages when it did not, and the summary if any."""

    assistant: Any
    k: int | None = None
    filters: Any = None  # MetadataFilters or Filter
    groups: Any = None  # who it answers for, as for AssistantRetriever; None: the operator

    def custom_query(self, query_str: str) -> Response:
        answer: Answer = self.assistant.ask(
            query_str, k=self.k, where=to_filter(self.filters), reader=reader_of(self.groups)
        )
        return Response(
            response=answer.answer,
            source_nodes=cited_nodes(answer.citations),
            metadata={
                "answered": answer.answered,
                "shape": answer.shape,
                "related_nodes": cited_nodes(answer.related),
                "summary": answer.summary.to_json() if answer.summary else None,
            },
        )
