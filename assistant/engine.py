"""The assistant: one object that owns the model, the store and the retriever, and answers."""

from __future__ import annotations

import time
from pathlib import Path

from . import metadata
from .answer import AnswerPolicy, build_answer
from .citations import Answer
from .conversation import Turn, contextualise
from .embedding import Embedder
from .filters import Filter
from .ingest import IngestReport, Progress, ingest
from .records import DocumentRecord
from .retrieval import Retriever
from .settings import Settings
from .store import Store


class Assistant:
    """Load once, ask many times. Thread-safe for concurrent questions."""

    def __init__(self, settings: Settings, *, policy: AnswerPolicy | None = None):
        self.settings = settings
        self.policy = policy or AnswerPolicy()
        self.embedder = Embedder(
            settings.model,
            batch_size=settings.embed_batch,
            threads=settings.threads,
            cache=settings.encoder_cache,
        )
        self.store = Store(settings, model_name=settings.model)
        self.retriever = Retriever(settings, embedder=self.embedder, store=self.store)

    def ask(
        self,
        question: str,
        *,
        k: int = 12,
        where: Filter | None = None,
        history: list[Turn] | None = None,
    ) -> Answer:
        """Answer `question` from the index with verbatim, cited sentences, or decline."""
        started = time.perf_counter()
        context = contextualise(question, history)
        hits = self.retriever.search(context.query, k=k, where=where, scope=context.scope)
        unknown = self.retriever.keyword_index().unknown_names(question)
        answer = build_answer(
            question,
            hits,
            embed=self.embedder.embed,
            policy=self.policy,
            scope=context.scope,
            unknown=unknown,
        )
        answer.seconds = time.perf_counter() - started
        return answer

    def ingest(
        self, roots: list[Path], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Index files and folders; questions asked afterwards see the new documents at once."""
        try:
            return ingest(
                roots,
                settings=self.settings,
                embedder=self.embedder,
                store=self.store,
                prune=prune,
                progress=progress,
                describe=metadata.describe,
            )
        finally:
            self.retriever.invalidate()

    def sources(self) -> list[DocumentRecord]:
        return self.store.records()

    def warm(self) -> None:
        """Load the model and keyword index now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.retriever.keyword_index()
