"""The keyword (BM25) index over all passages, persisted beside the vector store.

Chroma is the source of truth. This index is derived from it and stamped with the store's
document registry (`Store.stamp()`): when the stamp no longer matches (an ingest or removal
happened, here or on another machine sharing a Chroma server), it is rebuilt from the store.
That keeps the two in step after crashes and in server mode without a second write path.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from assistant.core.filters import Condition, Filter
from assistant.core.passage import UnitKind
from assistant.core.text import fold_plural, keyword_tokens
from assistant.index import boilerplate
from assistant.index.fusion import Ranked

FORMAT = 3  # bump when what is saved changes: an index saved in another format is rebuilt
# What the tokeniser makes of a fixed text, saved with the index: an index tokenised by other
# code (a changed stop-word list, plural folding, word pairs) is rebuilt, with no FORMAT bump
# to remember.
_PROBE = "The Children's Services' caseloads were reviewed; PAs visit care-leavers every month."
_MASKS_KEPT = 64  # condition masks kept per index (a bool per passage: 15 MB at 235,000)


@dataclass
class KeywordIndex:
    """BM25 over passages, with each passage's filterable fields for masking."""

    stamp: str
    ids: list[str]
    fields: list[dict]
    _bm25: object | None
    _vocab: dict[str, int]
    boilerplate: frozenset[int] = frozenset()  # sentence keys many documents share
    _masks: dict[Condition, np.ndarray] = field(default_factory=dict, repr=False)
    _masks_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The passages one reader may see (`restricted_to`); None: all of them. Every method that
    # answers "which passages" applies it, so a reader's view never scores, finds or names a
    # passage outside it.
    _visible: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def build(cls, batches, *, stamp: str, contextual: bool = True) -> KeywordIndex:
        """Build from an iterable of passage batches (bounded memory: texts are not kept)."""
        import bm25s

        vocab: dict[str, int] = {}
        ids: list[str] = []
        fields: list[dict] = []
        token_ids: list[list[int]] = []
        shared = boilerplate.Counter()
        for batch in batches:
            ids.extend(p.id for p in batch)
            fields.extend(_filter_fields(p) for p in batch)
            for p in batch:
                shared.add(
                    p.doc_id, [p.unit_text(u) for u in p.units if u.kind == UnitKind.SENTENCE]
                )
            for p in batch:
                tokens = keyword_tokens(p.embedding_text(contextual=contextual))
                token_ids.append([vocab.setdefault(t, len(vocab)) for t in tokens])
        if not ids:
            return cls(stamp, [], [], None, vocab)
        if "" not in vocab:  # bm25s reserves an empty token for empty documents
            vocab[""] = len(vocab)
        model = bm25s.BM25()
        model.index((token_ids, vocab), show_progress=False)
        return cls(stamp, ids, fields, model, vocab, shared.common())

    def restricted_to(self, condition: Condition | None) -> KeywordIndex:
        """A view of this index holding only the passages `condition` admits (sharing the
        model, the vocabulary and the cached masks)."""
        if condition is None:
            return self
        return replace(self, _visible=self._condition_mask(condition))

    def is_boilerplate(self, sentence: str) -> bool:
        return bool(self.boilerplate) and boilerplate.sentence_key(sentence) in self.boilerplate

    def search(self, query: str, *, k: int, where: Filter | None = None) -> list[Ranked]:
        if self._bm25 is None:
            return []
        query_ids = [self._vocab[t] for t in keyword_tokens(query) if t in self._vocab]
        if not query_ids:
            return []
        scores = self._bm25.get_scores_from_ids(query_ids)
        if where or self._visible is not None:
            scores = scores * self.mask(where or Filter())
        top = np.argsort(-scores)[: k * 1]
        return [
            Ranked(id=self.ids[i], rank=r, score=float(scores[i]))
            for r, i in enumerate(top)
            if scores[i] > 0
        ]

    def knows(self, word: str) -> bool:
        """Whether any passage holds `word` (after plural folding)."""
        if self._visible is not None:
            return bool(self.holding(word).any())
        return fold_plural(word.lower()) in self._vocab

    def holding(self, word: str) -> np.ndarray:
        """A bool per passage: does it hold `word` (plural-folded)? All False when none does."""
        token = self._vocab.get(fold_plural(word.lower()))
        if self._bm25 is None or token is None:
            return np.zeros(len(self.ids), dtype=bool)
        held = self._bm25.get_scores_from_ids([token]) > 0
        return held if self._visible is None else held & self._visible

    def documents_of(self, passages: np.ndarray) -> set[str]:
        """The doc_ids of the passages a bool mask selects."""
        return {self.fields[i]["doc_id"] for i in np.flatnonzero(passages)}

    def mask(self, where: Filter) -> np.ndarray:
        out = np.ones(len(self.fields), dtype=np.float32)
        if self._visible is not None:
            out *= self._visible
        for condition in where.conditions:
            out *= self._condition_mask(condition)
        return out

    def _condition_mask(self, condition: Condition) -> np.ndarray:
        # Testing every passage's fields in Python costs ~0.1 s at 235,000 passages, and the
        # same few conditions (a council, a year range) come back question after question.
        mask = self._masks.get(condition)
        if mask is None:
            mask = np.fromiter(
                (condition.matches(f) for f in self.fields), dtype=bool, count=len(self.fields)
            )
            with self._masks_lock:  # UI sessions ask from several threads
                if len(self._masks) >= _MASKS_KEPT:
                    self._masks.pop(next(iter(self._masks)))
                self._masks[condition] = mask
        return mask

    # --- persistence: write to a temporary folder, then swap it in -------------------------

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + f".tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"), show_progress=False)
        meta = {
            "format": FORMAT,
            "tokens": keyword_tokens(_PROBE),
            "stamp": self.stamp,
            "ids": self.ids,
            "fields": self.fields,
            "vocab": self._vocab,
            "boilerplate": sorted(self.boilerplate),
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        # Two processes may rebuild at once (a query during an ingest): each swaps in its own
        # complete folder, and a loser of the race just drops its copy. Loading checks the
        # stamp, so whichever folder wins is rebuilt again if it is stale.
        old = folder.with_name(folder.name + f".old-{os.getpid()}")
        try:
            if folder.exists():
                folder.rename(old)
            tmp.rename(folder)
        except OSError:
            pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved index, or None when missing or unreadable (it is then rebuilt)."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT or meta.get("tokens") != keyword_tokens(_PROBE):
                return None
            model = _SavedScores.load(folder / "bm25") if meta["ids"] else None
            shared = frozenset(meta.get("boilerplate", ()))
            return cls(meta["stamp"], meta["ids"], meta["fields"], model, meta["vocab"], shared)
        except (OSError, ValueError, KeyError):
            return None


class _SavedScores:
    """A saved bm25s index's scores, read and summed without bm25s. Importing bm25s imports
    scipy.sparse (and through it numpy.f2py), 0.3-0.5 s of a cold `assistant ask`, to do what is
    a sum of a few columns of the saved sparse matrix: the same arithmetic as bm25s's numpy
    backend (np.add.at, one query token after another), so the same scores to the bit. Building
    and saving stay with bm25s."""

    _FILES = ("data", "indices", "indptr")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, docs: int):
        self._data, self._indices, self._indptr, self._docs = data, indices, indptr, docs

    @classmethod
    def load(cls, folder: Path) -> _SavedScores | object:
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if (folder / "nonoccurrence_array.index.npy").exists():  # BM25L/BM25+: bm25s scores
            import bm25s

            return bm25s.BM25.load(str(folder), mmap=False, show_progress=False)
        arrays = [np.load(folder / f"{name}.csc.index.npy") for name in cls._FILES]
        return cls(*arrays, docs=int(params["num_docs"]))

    def get_scores_from_ids(self, token_ids: list[int]) -> np.ndarray:
        scores = np.zeros(self._docs, dtype=self._data.dtype)
        for token in token_ids:
            start, end = self._indptr[token], self._indptr[token + 1]
            np.add.at(scores, self._indices[start:end], self._data[start:end])
        return scores


def _filter_fields(passage) -> dict:
    # The title, long and the same in every passage of a document, is left out to keep the
    # keyword index small: a `title` filter is answered by the dense search alone.
    return {k: v for k, v in passage.filter_fields().items() if k != "title"}


# --- where the index lives, and keeping it in step with the store ---------------------------


def keyword_folder(settings) -> Path:
    if settings.chroma_url:
        # Server mode: each machine keeps its own copy, rebuilt from the server when stale.
        safe = "".join(c if c.isalnum() else "_" for c in settings.chroma_url)
        return settings.index_dir / "keyword-cache" / f"{safe}_{settings.collection}"
    return settings.index_dir / f"keyword_{settings.collection}"


def ensure_keyword_index(settings, store, *, stamp: str | None = None) -> KeywordIndex:
    """Load the persisted keyword index, rebuilding it from the store if stale or missing."""
    stamp = stamp or store.stamp()
    folder = keyword_folder(settings)
    index = KeywordIndex.load(folder)
    if index is None or index.stamp != stamp:
        index = KeywordIndex.build(
            store.iter_passages(), stamp=stamp, contextual=settings.contextual
        )
        folder.parent.mkdir(parents=True, exist_ok=True)
        index.save(folder)
    return index
