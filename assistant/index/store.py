"""The Chroma store: passages with their vectors, and a registry of indexed documents.

Embedded (`PersistentClient` in the index folder) by default, or a Chroma server when
`Settings.chroma_url` is set; both behave the same. Connections are made in chroma.py.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assistant.core.passage import Passage
from assistant.core.record import DocumentRecord
from assistant.index.chroma import (
    SHARED,
    Connection,
    Connections,
    FileId,
    IndexMissing,
    IndexUnavailable,
    database_file,
    database_path,
    delete_collections,
    is_rebuilt,
    is_storage_error,
    missing,
    unavailable,
)
from assistant.index.rows import passage_from, passage_meta, record_from, record_meta
from assistant.index.watcher import ChangeWatcher, Clock
from assistant.settings import Settings

_DOCS_SUFFIX = "__documents"
# Keys of the registry collection's metadata (`modify()` replaces all of it: the passages
# collection's metadata, which holds its distance and model, is never touched).
_GENERATION = "generation"  # renewed before and after every write: see Store._writing()
_WRITING = "writing"  # set while a write is under way; left set by a writer that was killed
_PAGE = 2000  # records per get() call when scanning, to keep memory bounded


@dataclass(frozen=True)
class StoredHit:
    passage: Passage
    score: float  # cosine similarity


@dataclass(frozen=True)
class _Seen:
    """What a Store watches: the registry's stamp, and which database file is there."""

    stamp: str
    database: FileId | None


def _guarded(method):
    """Run on the instance this process holds now. If the index was rebuilt under it (the errors
    `is_rebuilt` names), open it again and retry once: all our writes are idempotent. Any other
    failure of the index (damaged, unreachable) is one IndexUnavailable with its way out."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            self._follow()
            return method(self, *args, **kwargs)
        except BaseException as exc:  # pyo3's PanicException is not an Exception
            if not is_storage_error(exc):
                raise
            if not is_rebuilt(exc):
                raise unavailable(self.settings, exc) from exc
        self._open(reload=True)
        try:
            return method(self, *args, **kwargs)
        except BaseException as exc:
            if not is_storage_error(exc):
                raise
            raise unavailable(self.settings, exc) from exc

    return wrapper


SEARCH_EF = 200  # nodes a graph search keeps (Chroma: ef_search)


class Store:
    """Passages and the document registry in two Chroma collections.

    Safe to keep open while other processes ingest: reads notice a registry that another process
    changed, or a folder it rebuilt (looking at most once per `period` seconds of `clock`), and
    reload the embedded index, so new passages are searchable and removed ones are gone.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        model_name: str,
        create: bool = False,
        clock: Clock = time.monotonic,
        period: float = 1.0,
        connections: Connections = SHARED,
    ):
        """Open the index; `create` makes an empty one where there is none (only ingest does:
        anything else would answer from an empty index made at a mistyped path)."""
        self.settings = settings
        self.model_name = model_name
        self.create = create
        self._connections = connections
        self._connection: Connection | None = None
        self._watch = ChangeWatcher(self._observe, period=period, clock=clock)
        self._open()
        stored_model = (self.passages.metadata or {}).get("embedding_model")
        if stored_model and stored_model != model_name:
            raise IndexUnavailable(
                f"the index was built with the embedding model '{stored_model}', "
                f"not '{model_name}'. Use that model, or rebuild with "
                "`assistant ingest --rebuild PATH...`."
            )
        if not settings.chroma_url:
            self._first_look()

    def _open(self, *, reload: bool = False) -> None:
        """Use the index as this process holds it (loaded again from disk if `reload`)."""
        embedded = not self.settings.chroma_url
        if not self.create and embedded and not database_path(self.settings).parent.exists():
            raise missing(self.settings)  # a folder that exists but is damaged is reported below
        try:
            connection = self._connections.connect(self.settings, reload=reload)
            self._client = connection.client
            self.passages, self.documents = self._collections()
            self._connection = connection
        except (KeyboardInterrupt, SystemExit, IndexMissing):
            raise
        except BaseException as exc:  # a damaged or foreign folder; Rust panics included
            raise unavailable(self.settings, exc) from exc

    def _collections(self):
        names = (self.settings.collection, self.settings.collection + _DOCS_SUFFIX)
        # embedding_function=None: we always pass our own vectors, and Chroma must never
        # fetch its default model.
        if not self.create:
            if not set(names) <= {c.name for c in self._client.list_collections()}:
                raise missing(self.settings)
            return tuple(self._client.get_collection(n, embedding_function=None) for n in names)
        # search_ef well above the 30 passages a ranked list takes: with Chroma's default the
        # same question's nearest passages were seen to vary between processes opening one
        # index (its graph search is approximate); at 200 they did not, in 11 runs of 11.
        meta = {
            "hnsw:space": "cosine",
            "hnsw:search_ef": SEARCH_EF,
            "embedding_model": self.model_name,
        }
        passages = self._client.get_or_create_collection(
            names[0], metadata=meta, embedding_function=None
        )
        return passages, self._client.get_or_create_collection(names[1], embedding_function=None)

    # --- following other Stores here and other processes -----------------------------------

    def _follow(self) -> None:
        """Use the instance this process holds for the folder now: another Store here may have
        loaded it again, or forgotten it (the folder was deleted here)."""
        if self.settings.chroma_url:
            return
        if self._connections.current(self.settings) is not self._connection:
            self._open()

    @_guarded
    def _first_look(self) -> None:
        """Note what a just-loaded instance holds (with the file it opened, so that one replaced
        since is seen). One loaded before may be out of date: this Store's first query looks."""
        if self._connection.holds is None:
            self._connection.holds = _Seen(self._read_stamp(), self._connection.database)

    def _observe(self) -> _Seen:
        return _Seen(self._read_stamp(), database_file(self.settings))

    def _refresh(self) -> None:
        """Load the embedded index again if another process changed the registry or replaced
        the database file since the instance was loaded (one look per period at most)."""
        if self.settings.chroma_url or self._connection.writing:
            return  # a server is always current; see _writing() for the other
        if self._watch.changed(since=self._connection.holds):
            self._open(reload=True)
            self._connection.holds = self._watch.seen  # seen before loading: later is seen next

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Renew the registry's generation before and after a write, so `stamp()` changes even
        if this process is killed halfway: a stamp taken before the write differs from any taken
        after the first renewal, and one taken during it (its reader may have seen part of the
        write) from any taken after the second. Killed between the write and the second renewal,
        the `writing` mark stays, and the next ingest's `repair()` renews the generation; the
        same for a write that raised (hence the second renewal is not in a `finally`).

        Writes through this process's instance never make a Store here load the folder again:
        they are in it. No Store does while one is under way (an instance loaded meanwhile might
        hold part of it), and afterwards the instance holds what the write left."""
        connection = self._connection
        connection.writing += 1  # one writer at a time: the ingest lock
        try:
            self._renew_generation(writing=True)
            yield
            self._renew_generation(writing=False)
        finally:
            connection.writing -= 1
        if not self.settings.chroma_url:
            connection.holds = self._observe()  # under the ingest lock: nobody else wrote

    def _renew_generation(self, *, writing: bool) -> None:
        meta: dict[str, str | bool] = {_GENERATION: uuid.uuid4().hex}
        if writing:
            meta[_WRITING] = True
        self.documents.modify(metadata=meta)

    def _registry(self):
        """The registry collection as stored now (not as this object cached it when opened)."""
        return self._client.get_collection(
            self.settings.collection + _DOCS_SUFFIX, embedding_function=None
        )

    # --- writing -----------------------------------------------------------------------

    @_guarded
    def add(self, passages: list[Passage], vectors: np.ndarray) -> None:
        limit = self._max_batch()
        with self._writing():
            for i in range(0, len(passages), limit):
                batch = passages[i : i + limit]
                self.passages.upsert(
                    ids=[p.id for p in batch],
                    embeddings=vectors[i : i + limit],
                    documents=[p.text for p in batch],
                    metadatas=[passage_meta(p) for p in batch],
                )

    @_guarded
    def register(self, *records: DocumentRecord) -> None:
        """Record documents as complete; called only after all their passages are stored."""
        with self._writing():
            self._put_records(records)

    def _put_records(self, records) -> None:
        self.documents.upsert(
            ids=[r.doc_id for r in records],
            embeddings=[[0.0]] * len(records),
            documents=[r.title for r in records],
            metadatas=[record_meta(r) for r in records],
        )

    @_guarded
    def relabel(self, records: list[DocumentRecord]) -> None:
        """Give documents new access labels in place: each passage's `access` field (Chroma
        merges the key into its metadata; vectors and text are untouched), then the registry."""
        with self._writing():
            for record in records:
                ids = self.passages.get(where={"doc_id": record.doc_id}, include=[])["ids"]
                for i in range(0, len(ids), self._max_batch()):
                    batch = ids[i : i + self._max_batch()]
                    self.passages.update(
                        ids=batch, metadatas=[{"access": record.meta.access}] * len(batch)
                    )
            self._put_records(records)

    @_guarded
    def remove_documents(self, doc_ids: list[str]) -> None:
        # Registry first: a crash between the two leaves orphans, which repair() removes.
        with self._writing():
            self.documents.delete(ids=doc_ids)
            self._delete_passages_of(doc_ids)

    def _delete_passages_of(self, doc_ids: list[str]) -> None:
        self.passages.delete(where={"doc_id": {"$in": doc_ids}})

    @_guarded
    def repair(self) -> int:
        """Delete passages whose document is not registered (left by an interrupted ingest),
        and close a write left open by a killed writer (a stamp taken during it is then stale).
        The first thing an ingest does, under its lock: it looks at the index now, whatever the
        period, so that it never decides what to write from a folder rebuilt meanwhile."""
        self._watch.expire()
        known = {r.doc_id for r in self.records()}
        orphans: set[str] = set()
        for metas in self._scan_metadatas():
            orphans.update(m["doc_id"] for m in metas if m["doc_id"] not in known)
        if orphans or (self._registry().metadata or {}).get(_WRITING):
            with self._writing():
                if orphans:
                    self._delete_passages_of(sorted(orphans))
        return len(orphans)

    # --- reading -----------------------------------------------------------------------

    @_guarded
    def records(self) -> list[DocumentRecord]:
        self._refresh()
        got = self.documents.get(include=["metadatas"])
        return sorted((record_from(m) for m in got["metadatas"]), key=lambda r: r.source)

    @_guarded
    def stamp(self) -> str:
        """A fingerprint of what is indexed; changes whenever passages or the registry change.

        A few small reads, here or on a server: which registry this is (a rebuilt index has a
        new one), its generation (renewed around every write; "0" in an index made before there
        was one) and its size, which also moves for writers that renew no generation (an older
        version) when they add or remove documents. Not the passage count: Chroma counts row by
        row (measured: 3.8 ms at 23,545 passages, 21 ms at 235,000; the registry: 1 ms at 7,720)."""
        before = self._watch.seen
        self._refresh()
        seen = self._watch.seen
        if seen is not None and seen is not before:  # the refresh has just read it
            return seen.stamp
        return self._read_stamp()

    def _read_stamp(self) -> str:
        registry = self._registry()
        generation = (registry.metadata or {}).get(_GENERATION, "0")
        return f"{registry.id}:{generation}:{registry.count()}"

    @_guarded
    def count(self) -> int:
        return self.passages.count()

    @_guarded
    def query(self, vector: np.ndarray, *, k: int, where: dict | None = None) -> list[StoredHit]:
        self._refresh()
        # No count() first: Chroma answers an empty collection with no hits, and counting reads
        # every row (21 ms at 235,000 passages, on every question).
        got = self.passages.query(
            query_embeddings=[vector],
            n_results=k,
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        return [
            StoredHit(passage_from(pid, text, meta), 1.0 - float(dist))
            for pid, text, meta, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
            if meta is not None  # deleted in the same instant by another process
        ]

    @_guarded
    def get(self, ids: list[str], *, vector: np.ndarray | None = None) -> list[StoredHit]:
        """Passages by id, scored by cosine against `vector` when given (else 0)."""
        if not ids:
            return []
        got = self.passages.get(ids=ids, include=_include(vector))
        by_id = {h.passage.id: h for h in _scored(got, vector)}
        return [by_id[i] for i in ids if i in by_id]

    @_guarded
    def find(
        self, where: dict, *, vector: np.ndarray | None = None, limit: int = 200
    ) -> list[StoredHit]:
        """Passages matching a Chroma `where` clause (no ranking), scored by cosine against
        `vector` when given: the list sections or grade tables of named documents."""
        self._refresh()
        got = self.passages.get(where=where, limit=limit, include=_include(vector))
        return _scored(got, vector)

    def iter_passages(self) -> Iterator[list[Passage]]:
        """All passages, a page of records at a time (bounded memory)."""
        offset = 0
        while True:
            got = self.passages.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield [
                passage_from(pid, text, meta)
                for pid, text, meta in zip(
                    got["ids"], got["documents"], got["metadatas"], strict=True
                )
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


def destroy_index(settings: Settings, *, connections: Connections = SHARED) -> None:
    """Delete the stored passages and registry, however damaged, so they can be built afresh."""
    if settings.chroma_url:
        delete_collections(settings, [settings.collection, settings.collection + _DOCS_SUFFIX])
        return
    connections.forget(settings)  # Stores still open here load the new folder when next used
    path = settings.index_dir / "chroma"
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _include(vector: np.ndarray | None) -> list[str]:
    """What a `get` reads: the rows' embeddings only when they are to be scored."""
    return ["documents", "metadatas"] + (["embeddings"] if vector is not None else [])


def _scored(got: dict, vector: np.ndarray | None) -> list[StoredHit]:
    """Rows of a Chroma `get` as hits, scored by cosine against `vector` (else 0)."""
    embeddings = got["embeddings"] if vector is not None else [None] * len(got["ids"])
    return [
        StoredHit(
            passage_from(pid, text, meta),
            float(np.dot(np.asarray(emb, dtype=np.float32), vector)) if emb is not None else 0.0,
        )
        for pid, text, meta, emb in zip(
            got["ids"], got["documents"], got["metadatas"], embeddings, strict=True
        )
    ]
