"""The Chroma store: passages with their vectors, and a registry of indexed documents.

This is the only module that imports chromadb. Embedded (`PersistentClient` in the index folder)
by default, or a Chroma server when `Settings.chroma_url` is set; both behave the same.
"""

from __future__ import annotations

import hashlib
import json

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .passages import Passage
from .settings import Settings

_DOCS_SUFFIX = "__documents"
_PAGE = 2000  # records per get() call when scanning, to keep memory bounded


class IndexUnavailable(Exception):
    """The index folder or server cannot be used; the message says what to do."""


@dataclass
class DocumentRecord:
    """One indexed document, as listed by `assistant sources`."""

    doc_id: str
    source: str
    title: str
    kind: str
    pages: int
    passages: int
    sha256: str
    ingested_at: float
    fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredHit:
    passage: Passage
    score: float  # cosine similarity


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)


class Store:
    """Passages and the document registry in two Chroma collections."""

    def __init__(self, settings: Settings, *, model_name: str):
        try:
            self._client = _client(settings)
            meta = {"hnsw:space": "cosine", "embedding_model": model_name}
            # embedding_function=None: we always pass our own vectors, and Chroma must never
            # fetch its default model.
            self.passages = self._client.get_or_create_collection(
                settings.collection, metadata=meta, embedding_function=None
            )
            self.documents = self._client.get_or_create_collection(
                settings.collection + _DOCS_SUFFIX, embedding_function=None
            )
        except Exception as exc:  # chromadb raises many types for a damaged or foreign folder
            where = settings.chroma_url or settings.index_dir
            raise IndexUnavailable(
                f"cannot open the index at {where} ({exc.__class__.__name__}: {exc}). "
                "If the folder is damaged or from an incompatible version, run "
                "`assistant ingest --rebuild PATH...` to build it afresh."
            ) from exc
        stored_model = (self.passages.metadata or {}).get("embedding_model")
        if stored_model and stored_model != model_name:
            raise IndexUnavailable(
                f"the index was built with the embedding model '{stored_model}', not '{model_name}'."
                " Use that model, or rebuild with `assistant ingest --rebuild PATH...`."
            )

    # --- writing -----------------------------------------------------------------------

    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        limit = self._max_batch()
        for i in range(0, len(passages), limit):
            batch = passages[i : i + limit]
            self.passages.upsert(
                ids=[p.id for p in batch],
                embeddings=vectors[i : i + limit],
                documents=[p.text for p in batch],
                metadatas=[_passage_meta(p) for p in batch],
            )

    def register(self, record: DocumentRecord) -> None:
        """Record a document as complete; called only after all its passages are stored."""
        self.documents.upsert(
            ids=[record.doc_id], embeddings=[[0.0]], documents=[record.title],
            metadatas=[_record_meta(record)],
        )

    def remove_document(self, doc_id: str) -> None:
        # Registry first: a crash between the two leaves orphans, which repair() removes.
        self.documents.delete(ids=[doc_id])
        self.passages.delete(where={"doc_id": doc_id})

    def repair(self) -> int:
        """Delete passages whose document is not registered (left by an interrupted ingest)."""
        known = {r.doc_id for r in self.records()}
        orphans: set[str] = set()
        for metas in self._scan_metadatas():
            orphans.update(m["doc_id"] for m in metas if m["doc_id"] not in known)
        for doc_id in orphans:
            self.passages.delete(where={"doc_id": doc_id})
        return len(orphans)

    # --- reading -----------------------------------------------------------------------

    def records(self) -> list[DocumentRecord]:
        got = self.documents.get(include=["metadatas"])
        return sorted((_record_from(m) for m in got["metadatas"]), key=lambda r: r.source)

    def stamp(self) -> str:
        """A fingerprint of what is indexed; changes whenever a document is added or removed."""
        digest = hashlib.sha1()
        for r in sorted(self.records(), key=lambda r: r.doc_id):
            digest.update(f"{r.doc_id}:{r.sha256}:{r.passages};".encode())
        return digest.hexdigest()

    def count(self) -> int:
        return self.passages.count()

    def query(self, vector: np.ndarray, *, k: int, where: dict | None = None) -> list[StoredHit]:
        if self.passages.count() == 0:
            return []
        got = self.passages.query(
            query_embeddings=[vector], n_results=k, where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        return [
            StoredHit(_passage_from(pid, text, meta), 1.0 - float(dist))
            for pid, text, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0],
                strict=True,
            )
        ]

    def get(self, ids: list[str], *, vector: np.ndarray | None = None) -> list[StoredHit]:
        """Passages by id, scored by cosine against `vector` when given (else 0)."""
        if not ids:
            return []
        got = self.passages.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        by_id = {}
        for pid, text, meta, emb in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        ):
            score = float(np.dot(np.asarray(emb, dtype=np.float32), vector)) if vector is not None else 0.0
            by_id[pid] = StoredHit(_passage_from(pid, text, meta), score)
        return [by_id[i] for i in ids if i in by_id]

    def iter_passages(self) -> Iterator[list[Passage]]:
        """All passages, a page of records at a time (bounded memory)."""
        offset = 0
        while True:
            got = self.passages.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield [
                _passage_from(pid, text, meta)
                for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]
            offset += len(got["ids"])

    def _scan_metadatas(self) -> Iterator[list[dict]]:
        offset = 0
        while True:
            got = self.passages.get(include=["metadatas"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield got["metadatas"]
            offset += len(got["ids"])

    def _max_batch(self) -> int:
        try:
            return max(1, min(5000, int(self._client.get_max_batch_size())))
        except Exception:
            return 1000


# --- metadata mapping: Chroma metadata values must be str/int/float/bool, never None ---------

_PASSAGE_KEYS = {"doc_id", "source", "title", "page", "ordinal", "start", "end"}


def _passage_meta(p: Passage) -> dict:
    meta = {k: v for k, v in p.fields.items() if v is not None and v != ""}
    meta.update(doc_id=p.doc_id, source=p.source, title=p.title, page=p.page or 0,
                ordinal=p.ordinal, start=p.start, end=p.end)
    return meta


def _passage_from(pid: str, text: str, meta: dict) -> Passage:
    fields = {k: v for k, v in meta.items() if k not in _PASSAGE_KEYS}
    return Passage(
        id=pid, doc_id=meta["doc_id"], source=meta["source"], title=meta.get("title", ""),
        page=meta.get("page") or None, ordinal=int(meta.get("ordinal", 0)),
        start=int(meta["start"]), end=int(meta["end"]), text=text, fields=fields,
    )


def _record_meta(r: DocumentRecord) -> dict:
    return {
        "doc_id": r.doc_id, "source": r.source, "title": r.title, "kind": r.kind,
        "pages": r.pages, "passages": r.passages, "sha256": r.sha256,
        "ingested_at": r.ingested_at, "fields": json.dumps(r.fields, default=str),
    }


def _record_from(meta: dict) -> DocumentRecord:
    return DocumentRecord(
        doc_id=meta["doc_id"], source=meta["source"], title=meta.get("title", ""),
        kind=meta.get("kind", ""), pages=int(meta.get("pages", 0)),
        passages=int(meta.get("passages", 0)), sha256=meta.get("sha256", ""),
        ingested_at=float(meta.get("ingested_at", 0.0)),
        fields=json.loads(meta.get("fields") or "{}"),
    )


