"""The assistant: one object that owns the model, the store and the retriever, and answers."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answering import audit, declines
from assistant.answering.asks import AskReader
from assistant.answering.compose import compose, declined
from assistant.answering.conversation import Turn, contextualise
from assistant.answering.index_view import IndexView
from assistant.answering.intent import QueryIntent, Shape, understand
from assistant.answering.parts import combined, parts_of
from assistant.answering.policy import AnswerPolicy
from assistant.answering.retrieval import Hit, Retriever
from assistant.answering.shapes import answer_units
from assistant.core.access import OPERATOR, Reader
from assistant.core.answer import Answer
from assistant.core.filters import Filter
from assistant.core.record import DocumentRecord
from assistant.index.store import Store
from assistant.settings import Settings
from assistant.vectors.embedder import Embedder

if TYPE_CHECKING:  # ingest's modules (readers, metadata, the pipeline) load when ingesting
    from assistant.index.ingest import IngestReport, Progress, RemoveReport


class Assistant:
    """Load once, ask many times. Thread-safe for concurrent questions."""

    def __init__(
        self, settings: Settings, *, policy: AnswerPolicy | None = None, create: bool = True
    ):
        """`create=False` opens an existing index only (IndexMissing when there is none)."""
        self.settings = settings
        self.policy = policy or AnswerPolicy()
        self.embedder = Embedder(
            settings.model,
            batch_size=settings.embed_batch,
            threads=settings.threads,
            cache=settings.encoder_cache,
            bulk_precision=settings.bulk_precision,
        )
        self.store = Store(settings, model_name=settings.model, create=create)
        self.retriever = Retriever(
            settings, embedder=self.embedder, store=self.store, policy=self.policy
        )
        self.asks = AskReader(
            self.embedder.embed,
            self.embedder.embed_query,
            model=settings.model,
            cache=settings.encoder_cache,
        )

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        where: Filter | None = None,
        history: list[Turn] | None = None,
        reader: Reader = OPERATOR,
    ) -> Answer:
        """Answer `question` from the documents `reader` may see, with verbatim, cited
        sentences, or decline; a question with two asks is answered part by part. `history`
        must be this reader's own turns."""
        started = time.perf_counter()
        context = contextualise(question, history)
        whole = understand(question, scope=context.scope, query=context.query, asks=self.asks)
        asked = parts_of(question)
        if len(asked) == 1:
            answer = self._answer_intent(whole, k=k, where=where, reader=reader)
        else:
            parts = [_part(whole, p, self.asks) for p in asked]
            answers = [self._answer_intent(i, k=k, where=where, reader=reader) for i in parts]
            answer = combined(question, answers)
        answer.seconds = time.perf_counter() - started
        if self.settings.llm_url:  # the summary's modules load only when a model is set
            from assistant.summary.summarise import summarise

            # Only the answer's own quotes reach the model, and they are this reader's.
            answer.summary = summarise(answer, settings=self.settings)
        if self.settings.audit_log:
            audit.record(self.settings.audit_log, question, answer, reader)
        return answer

    def _answer_intent(
        self, intent: QueryIntent, *, k: int | None, where: Filter | None, reader: Reader
    ) -> Answer:
        hits = self.retriever.search(
            intent.query,
            reader=reader,
            k=k or self.policy.passages,
            where=where,
            scope=intent.scope,
            topic=intent.query_topic,
        )
        mine = self.retriever.restrict(where, reader)
        return self._answer(intent, hits, where=mine, reader=reader)

    def _answer(
        self, intent: QueryIntent, hits: list[Hit], *, where: Filter | None, reader: Reader
    ) -> Answer:
        """The decline rules in turn, then the units the question's shape asks for, all within
        what `reader` may see (`where` already says so)."""
        question = intent.question
        catalogue = self.retriever.catalogue(reader)
        keyword_index = self.retriever.keyword_index(reader)
        scoped = declines.check_scope(intent, catalogue, keyword_index)
        intent = scoped.intent
        decline = scoped.decline or declines.unknown_names(intent, keyword_index, catalogue)
        close = bool(hits) and max(h.similarity for h in hits) >= self.policy.min_passage_similarity
        if decline is None and not close and not _read_off_structure(intent):
            decline = declines.no_answer(intent)
        if decline is not None:
            return declined(question, decline, hits)
        sources = IndexView(
            self.retriever,
            self.embedder.embed,
            self.embedder.embed_query,
            self.policy,
            catalogue,
            keyword_index,
            self.asks.prototype,
            reader,
            where,
        )
        premise = declines.contradicted_premise(intent, catalogue)
        if premise is not None:
            return self._correct(intent, premise, hits, sources)
        chosen = answer_units(intent, hits, sources)
        if not chosen and close and intent.read and intent.shape in _STRUCTURED:
            # Read as asking for a list or a verdict, but none to read (a news article, a letter
            # without one): what the passages close to the question say answers it instead.
            chosen = answer_units(replace(intent, shape=Shape.FACT), hits, sources)
        if not chosen:
            return declined(question, declines.no_answer(intent), hits)
        return compose(question, chosen, notes=list(scoped.notes))

    def _correct(self, intent, premise, hits, sources: IndexView) -> Answer:
        """A premise the reports contradict: decline, quoting what they do say."""
        said = answer_units(replace(intent, shape=Shape.JUDGEMENT, grade=""), hits, sources)
        quoted = compose(intent.question, said).citations if said else []
        return declined(intent.question, premise, hits, citations=quoted)

    def ingest(
        self, roots: list[Path], *, prune: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Index files and folders; questions asked afterwards see the new documents at once."""
        from assistant.documents import describe as metadata
        from assistant.index.ingest import ingest

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
        from assistant.index.ingest import remove

        try:
            return remove(paths, settings=self.settings, store=self.store)
        finally:
            self.retriever.invalidate()

    def sources(self, reader: Reader = OPERATOR) -> list[DocumentRecord]:
        """The indexed documents `reader` may see, by file."""
        return sorted(self.retriever.catalogue(reader).records, key=lambda r: r.source)

    def record_for(self, source: str, reader: Reader) -> DocumentRecord | None:
        """The indexed document of file `source` if `reader` may see it, else None: the guard
        on every route that opens a file (page images, the original's download)."""
        return next(
            (r for r in self.retriever.catalogue(reader).records if r.source == source), None
        )

    def warm(self) -> None:
        """Load the model, the question reader and the keyword index now rather than on the
        first question."""
        self.embedder.embed_query("warm up")
        self.asks.shape("warm up")
        self.retriever.keyword_index()


_STRUCTURED = (Shape.LIST, Shape.JUDGEMENT)  # shapes read off a report's list or grade table


def _read_off_structure(intent: QueryIntent) -> bool:
    """A named council's list or grades are read off its reports' structure, not found by
    likeness: "anything Torbay still has to work on?" is close to no passage, yet its report's
    list answers it (and when there is none, the shape finds nothing and declines)."""
    return bool(intent.councils) and intent.shape in _STRUCTURED


def _part(whole: QueryIntent, part: str, asks: AskReader) -> QueryIntent:
    """One ask of a two-part question, placed as the whole question is: its councils, years,
    days and kinds of document, which a reader says once."""
    intent = understand(part, scope=whole.scope, asks=asks)
    return replace(
        intent,
        kinds=intent.kinds or whole.kinds,
        months=intent.months or whole.months,
        days=intent.days or whole.days,
        query=f"{part} ({', '.join(whole.councils)})" if whole.councils else part,
    )
