"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .embedding import Embedder
from .filters import Filter
from .fusion import Ranked, reciprocal_rank_fusion
from .keyword import KeywordIndex
from .passages import Passage
from .settings import Settings
from .store import Store


@dataclass(frozen=True)
class Hit:
    """A retrieved passage. `similarity` is the cosine between question and passage."""

    passage: Passage
    score: float  # fused rank score, for ordering
    similarity: float
    keyword: float = 0.0  # BM25 score, 0 when BM25 did not find it


class Retriever:
    """Finds passages for a question; safe to share across threads (one per server)."""

    def __init__(self, settings: Settings, *, embedder: Embedder, store: Store):
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self._keyword: KeywordIndex | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def keyword_dir(self):
        return keyword_folder(self.settings)

    def keyword_index(self) -> KeywordIndex:
        """The BM25 index, rebuilt when the store has changed since it was built."""
        with self._lock:
            if self._keyword is not None and time.monotonic() - self._checked < 2.0:
                return self._keyword
            stamp = self.store.stamp()
            self._checked = time.monotonic()
            if self._keyword is None or self._keyword.stamp != stamp:
                self._keyword = ensure_keyword_index(self.settings, self.store, stamp=stamp)
            return self._keyword

    def search(self, query: str, *, k: int = 8, where: Filter | None = None, pool: int = 30) -> list[Hit]:
        """The k best passages for `query`, within `where` if given."""
        vector = self.embedder.embed_query(query)
        dense = self.store.query(vector, k=pool, where=where.chroma() if where else None)
        keyword = self.keyword_index().search(query, k=pool, where=where)
        fused = reciprocal_rank_fusion(
            {
                "dense": [Ranked(h.passage.id, r, h.score) for r, h in enumerate(dense)],
                "keyword": keyword,
            }
        )[:k]
        known = {h.passage.id: h for h in dense}
        missing = [f.id for f in fused if f.id not in known]
        known.update({h.passage.id: h for h in self.store.get(missing, vector=vector)})
        bm25 = {r.id: r.score for r in keyword}
        return [
            Hit(known[f.id].passage, f.score, known[f.id].score, bm25.get(f.id, 0.0))
            for f in fused
            if f.id in known
        ]


def keyword_folder(settings: Settings):
    if settings.chroma_url:
        # Server mode: each machine keeps its own copy, rebuilt from the server when stale.
        safe = "".join(c if c.isalnum() else "_" for c in settings.chroma_url)
        return settings.index_dir / "keyword-cache" / f"{safe}_{settings.collection}"
    return settings.index_dir / f"keyword_{settings.collection}"


def ensure_keyword_index(settings: Settings, store: Store, *, stamp: str | None = None) -> KeywordIndex:
    """Load the persisted keyword index, rebuilding it from the store if stale or missing."""
    stamp = stamp or store.stamp()
    folder = keyword_folder(settings)
    index = KeywordIndex.load(folder)
    if index is None or index.stamp != stamp:
        index = KeywordIndex.build(store.iter_passages(), stamp=stamp)
        folder.parent.mkdir(parents=True, exist_ok=True)
        index.save(folder)
    return index
