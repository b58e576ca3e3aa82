"""The assistant: one object that owns the model, the store and the retriever, and answers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .answer import AnswerPolicy, build_answer
from .citations import Answer
from .embedding import Embedder
from .filters import Filter
from .ingest import IngestReport, Progress, ingest
from .retrieval import Retriever
from .settings import Settings
from .store import DocumentRecord, Store


@dataclass(frozen=True)
class Turn:
    """A previous exchange in a conversation, for follow-up questions."""

    question: str
    answer: Answer | None = None


class Assistant:
    """Load once, ask many times. Thread-safe for concurrent questions."""

    def __init__(self, settings: Settings, *, policy: AnswerPolicy | None = None):
        self.settings = settings
        self.policy = policy or AnswerPolicy()
        self.embedder = Embedder(settings.model, batch_size=settings.embed_batch, threads=settings.threads)
        self.store = Store(settings, model_name=settings.model)
        self.retriever = Retriever(settings, embedder=self.embedder, store=self.store)

    def ask(self, question: str, *, k: int = 8, where: Filter | None = None,
            history: list[Turn] | None = None) -> Answer:
        """Answer `question` from the index with verbatim, cited sentences, or decline."""
        started = time.perf_counter()
        hits = self.retriever.search(question, k=k, where=where)
        answer = build_answer(question, hits, embed=self.embedder.embed, policy=self.policy)
        answer.seconds = time.perf_counter() - started
        return answer

    def ingest(self, roots: list[Path], *, prune: bool = False, progress: Progress | None = None) -> IngestReport:
        return ingest(roots, settings=self.settings, embedder=self.embedder, store=self.store,
                      prune=prune, progress=progress)

    def sources(self) -> list[DocumentRecord]:
        return self.store.records()

    def warm(self) -> None:
        """Load the model and keyword index now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.retriever.keyword_index()
