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
from .ingest import IngestReport, Progress, RemoveReport, ingest, remove
from .intent import understand
from .records import DocumentRecord
from .retrieval import Retriever
from .settings import Settings
from .store import Store


class Assistant:
    """Load once, ask many times. Thread-safe for concurrent questions."""

    def __init__(
        self, settings: Settings, *, policy: AnswerPolicy | None = None, create: bool = True
    ):
        """`create=False` opens an existing index only (IndexMissing when there is none)."""
        self.settings = settings
        self.policy = policy or AnswerPolicy()
        self.embedder = Embedder(
            settings.model, batch_size=settings.embed_batch, threads=settings.threads
        )
        self.store = Store(settings, model_name=settings.model, create=create)
        self.retriever = Retriever(settings, embedder=self.embedder, store=self.store)

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        where: Filter | None = None,
        history: list[Turn] | None = None,
    ) -> Answer:
        """Answer `question` from the index with verbatim, cited sentences, or decline."""
        started = time.perf_counter()
        k = k or self.policy.passages
        context = contextualise(question, history)
        intent = understand(question, scope=context.scope)
        hits = self.retriever.search(context.query, k=k, where=where, scope=context.scope)
        unknown = unknown_names(question, self.retriever.keyword_index())
        answer = build_answer(
            intent, hits, embed=self.embedder.embed, policy=self.policy, unknown=unknown
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

    def remove(self, paths: list[str]) -> RemoveReport:
        """Remove documents from the index (never their files), as `assistant remove` does;
        questions asked afterwards no longer see them."""
        try:
            return remove(paths, settings=self.settings, store=self.store)
        finally:
            self.retriever.invalidate()

    def sources(self) -> list[DocumentRecord]:
        return self.store.records()

    def warm(self) -> None:
        """Load the model and keyword index now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.retriever.keyword_index()


def unknown_names(question: str, keyword_index) -> list[str]:
    """Capitalised names in the question (not its first word) that occur in no passage at all:
    a question about "Surrey" or "Mars" cannot be answered from an index never naming them."""
    import re

    from .text import MONTHS, STOP_WORDS

    names = re.findall(r"(?<![.?!]\s)(?<!^)\b([A-Z][A-Za-z]{2,})\b", question.strip())
    names = [n for n in names if n.lower() not in STOP_WORDS and n.lower() not in MONTHS]
    return [n for n in names if not keyword_index.knows(n)] if keyword_index.ids else []
