"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from assistant.answering.intent import Scope, scope_of, topic_of
from assistant.answering.policy import AnswerPolicy
from assistant.core.access import OPERATOR, Reader
from assistant.core.filters import Condition, Filter
from assistant.core.passage import Passage
from assistant.index.catalogue import Catalogue
from assistant.index.fusion import Ranked, reciprocal_rank_fusion
from assistant.index.keyword import KeywordIndex, ensure_keyword_index
from assistant.index.store import Store, StoredHit
from assistant.index.watcher import ChangeWatcher, Clock
from assistant.settings import Settings
from assistant.vectors.embedder import Embedder


@dataclass(frozen=True)
class Hit:
    """A retrieved passage. `similarity` is the cosine between question and passage."""

    passage: Passage
    score: float  # fused rank score, for ordering
    similarity: float
    keyword: float = 0.0  # BM25 score, 0 when BM25 did not find it


class Retriever:
    """Finds passages for a question; safe to share across threads (one per server)."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder,
        store: Store,
        policy: AnswerPolicy | None = None,
        clock: Clock = time.monotonic,
        period: float = 2.0,
    ):
        """The keyword index and catalogue follow the store's stamp, looked at at most once per
        `period` seconds of `clock` (each look is a read of the store, or a server round trip)."""
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.policy = policy or AnswerPolicy()
        self._keyword: KeywordIndex | None = None
        self._catalogue: Catalogue | None = None
        # Per reader (by `Reader.key`): their view of the keyword index and of the catalogue,
        # made once per change of the index.
        self._views: dict[str, tuple[KeywordIndex, Catalogue]] = {}
        self._stamp = ChangeWatcher(lambda: self.store.stamp(), period=period, clock=clock)
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the cached keyword index (after an ingest in this process)."""
        with self._lock:
            self._keyword, self._catalogue = None, None
            self._views.clear()
            self._stamp.expire()

    def keyword_index(self, reader: Reader = OPERATOR) -> KeywordIndex:
        """The BM25 index as `reader` may see it, rebuilt when the store's stamp has changed
        since it was built."""
        return self._view(reader)[0]

    def catalogue(self, reader: Reader = OPERATOR) -> Catalogue:
        """What the index holds that `reader` may see, document by document; rebuilt with the
        keyword index."""
        return self._view(reader)[1]

    def restrict(self, where: Filter | None, reader: Reader) -> Filter | None:
        """`where` narrowed to what `reader` may see: the condition every search runs under."""
        return _narrowed(where, reader.condition(self.catalogue().labels))

    def _view(self, reader: Reader) -> tuple[KeywordIndex, Catalogue]:
        with self._lock:
            stamp = self._stamp.current()
            if self._keyword is None or self._keyword.stamp != stamp:
                # The registry first: reading it reopens an index rebuilt under this process
                # (a guarded read), which the keyword index's scan of passages then reads.
                self._catalogue = Catalogue.of(self.store.records())
                self._keyword = ensure_keyword_index(self.settings, self.store, stamp=stamp)
                self._views.clear()
            view = self._views.get(reader.key)
            if view is None:
                labels = self._catalogue.labels
                view = (
                    self._keyword.restricted_to(reader.condition(labels)),
                    self._catalogue.visible_to(reader),
                )
                self._views[reader.key] = view
            return view

    def search(
        self,
        query: str,
        *,
        reader: Reader,
        k: int | None = None,
        where: Filter | None = None,
        scope: Scope | None = None,
        topic: str | None = None,
    ) -> list[Hit]:
        """The k best passages for `query` that `reader` may see, within `where` if given.
        `reader` has no default: every caller says who is asking.

        A question that names councils or years (`scope`, by default read from the query) leans
        toward their documents: dense and keyword results inside that scope are fused as two more
        ranked lists. That is a boost, never a filter: other documents can still be cited.
        `scope` and `topic` are read from the query unless the caller has them already.
        """
        hits = self._search(query, reader=reader, k=k, where=where, scope=scope, topic=topic)
        if all(reader.may_see(h.passage.meta.access) for h in hits):
            return hits
        # A passage this reader may not see came back: the index was written (a paper added or
        # relabelled) since this process last looked. Look again, and search under what it
        # holds now; anything still not theirs is never returned.
        self.invalidate()
        hits = self._search(query, reader=reader, k=k, where=where, scope=scope, topic=topic)
        return [h for h in hits if reader.may_see(h.passage.meta.access)]

    def _search(self, query, *, reader, k, where, scope, topic) -> list[Hit]:
        vector = self.embedder.embed_query(query)
        labels = self.catalogue().labels
        mine = _narrowed(where, reader.condition(labels))
        # Chroma filters by building the set of passages a `where` admits: a condition admitting
        # nearly every passage costs 75-115 ms a query at 27,000 (6 ms without). When this
        # reader may see every label the index holds, the access condition admits everything,
        # so the vector search runs without it (the keyword index's mask is free); `search`
        # checks each passage returned, against the index as written since.
        dense = where if reader.sees_all(labels) else mine
        keyword_index = self.keyword_index(reader)
        seen: dict[str, StoredHit] = {}
        lists = self._ranked(
            query, vector, keyword_index, where=mine, dense_where=dense, seen=seen, tag=""
        )
        scope = scope_of(query) if scope is None else scope
        if scope:
            # Inside the scope the council and year are already matched: search on the topic alone,
            # or "Norfolk 2026" outweighs the "young carers" the question is about.
            scoped = scope.filter().and_(mine) if mine else scope.filter()
            scoped_dense = scope.filter().and_(dense) if dense else scope.filter()
            topic = topic_of(query) if topic is None else topic
            topic_vector = vector if topic == query else self.embedder.embed_query(topic)
            lists |= self._ranked(
                topic,
                topic_vector,
                keyword_index,
                where=scoped,
                dense_where=scoped_dense,
                seen=seen,
                tag="scope-",
            )
        fused = reciprocal_rank_fusion(
            lists, k=self.policy.rrf_k, weights=self.policy.fusion_weights
        )
        return self._hits(fused[: k or self.policy.passages], vector, lists, seen)

    def _ranked(
        self, query, vector, keyword_index, *, where, dense_where, seen, tag
    ) -> dict[str, list[Ranked]]:
        pool = self.policy.pool
        chroma_where = dense_where.chroma() if dense_where else None
        dense = self.store.query(vector, k=pool, where=chroma_where)
        for h in dense:  # keep the similarity to the question itself where both are known
            seen.setdefault(h.passage.id, h)
        return {
            tag + "dense": [Ranked(h.passage.id, r, h.score) for r, h in enumerate(dense)],
            tag + "keyword": keyword_index.search(query, k=pool, where=where),
        }

    def _hits(self, fused: list[Ranked], vector, lists: dict[str, list[Ranked]], seen) -> list[Hit]:
        missing = [f.id for f in fused if f.id not in seen]
        seen.update({h.passage.id: h for h in self.store.get(missing, vector=vector)})
        bm25: dict[str, float] = {}
        for name in ("keyword", "scope-keyword"):
            for r in lists.get(name, []):
                bm25[r.id] = max(bm25.get(r.id, 0.0), r.score)
        return [
            Hit(seen[f.id].passage, f.score, seen[f.id].score, bm25.get(f.id, 0.0))
            for f in fused
            if f.id in seen
        ]


def _narrowed(where: Filter | None, condition: Condition | None) -> Filter | None:
    """`where` and `condition` both (either alone when the other is None)."""
    if condition is None:
        return where
    mine = Filter((condition,))
    return where.and_(mine) if where else mine
