"""One view of the index for the whole of one answer: the retriever (and its store), the
encoder, the catalogue and keyword index as the question found them, and the user's own filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from assistant.answering.intent import Shape
from assistant.answering.policy import AnswerPolicy
from assistant.answering.retrieval import Hit, Retriever
from assistant.core.access import OPERATOR, Reader
from assistant.core.filters import Condition, Filter
from assistant.core.record import DocumentRecord
from assistant.index.catalogue import Catalogue
from assistant.index.keyword import KeywordIndex


@dataclass(frozen=True)
class IndexView:
    """What a shape reads: the retriever (and its store), the encoder, and the catalogue and
    keyword index as the question found them (one view of the index for the whole answer)."""

    retriever: Retriever
    embed: Callable[[list[str]], np.ndarray]
    embed_query: Callable[[str], np.ndarray]
    policy: AnswerPolicy
    catalogue: Catalogue
    keyword_index: KeywordIndex
    # What asks of a shape mean in common (`AskReader.prototype`): which list is "the" list
    prototype: Callable[[Shape], np.ndarray] | None = None
    reader: Reader = OPERATOR  # who is asking: every search here runs as them
    # The user's own filter and what the reader may see, applied to every search
    where: Filter | None = None

    def within(self, doc_ids: Iterable[str], *conditions: Condition) -> Filter:
        """A search of these documents only, under the user's own filter too."""
        where = Filter((Condition("doc_id", "$in", tuple(doc_ids)), *conditions))
        return where.and_(self.where) if self.where else where

    def best_documents(
        self, hits: list[Hit], keep: Callable[[DocumentRecord], bool] = lambda r: True
    ) -> tuple[DocumentRecord, ...]:
        """The documents of the best hits (`policy.best_documents` of them), best first."""
        seen = list(dict.fromkeys(h.passage.doc_id for h in hits))[: self.policy.best_documents]
        found = (self.catalogue.record(d) for d in seen)
        return tuple(r for r in found if r is not None and keep(r))
