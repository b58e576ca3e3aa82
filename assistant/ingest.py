"""Ingest: files -> cleaned documents -> passages -> vectors -> the store, incrementally.

Order of writes makes the index crash-safe: a document's old passages are deleted, its new
passages added, and only then is it registered. On the next run `Store.repair()` deletes any
passages of unregistered documents, and a changed or unregistered file is simply ingested again.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .documents import (
    Document,
    FoundFile,
    Skipped,
    UnreadableDocument,
    discover,
    file_sha256,
    read_document,
)
from .embedding import Embedder
from .passages import Passage, passages_of
from .retrieval import ensure_keyword_index
from .settings import Settings
from .store import DocumentRecord, Store

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3


class IngestBusy(Exception):
    """Another ingest holds the index lock."""


@dataclass
class IngestReport:
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    pages: int = 0
    passages: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    repaired: int = 0

    @property
    def exit_code(self) -> int:
        if self.skipped and not (self.files_indexed or self.files_unchanged):
            return EXIT_FAILED
        return EXIT_PARTIAL if self.skipped else EXIT_OK

    def to_json(self) -> dict:
        return {
            "files_indexed": self.files_indexed,
            "files_unchanged": self.files_unchanged,
            "files_removed": self.files_removed,
            "pages": self.pages,
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
        }


@dataclass(frozen=True)
class Prepared:
    """A parsed file ready to embed, or the reason it was skipped."""

    found: FoundFile
    document: Document | None = None
    passages: list[Passage] = field(default_factory=list)
    skipped: Skipped | None = None


Progress = Callable[[str, int], None]  # (file name, passages) after each file


@contextlib.contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    """One ingest per index at a time; a second one fails fast with a clear message."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / "ingest.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IngestBusy(
                f"another ingest ({holder}) is writing to {index_dir}; wait for it to finish"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest(
    roots: list[Path],
    *,
    settings: Settings,
    embedder: Embedder,
    store: Store,
    prune: bool = False,
    progress: Progress | None = None,
    describe: Callable[[Document], dict] | None = None,
) -> IngestReport:
    """Bring the index in step with the files under `roots`. Never raises for one bad file."""
    started = time.perf_counter()
    report = IngestReport()
    with ingest_lock(settings.index_dir):
        report.repaired = store.repair()
        found, skipped = discover(roots)
        report.skipped.extend(skipped)
        records = {r.source: r for r in store.records()}
        todo = []
        for f in found:
            record = records.get(f.source)
            if record is not None and record.sha256 == _sha_or_empty(f.path):
                report.files_unchanged += 1
                if progress:
                    progress(f.source, 0)
            else:
                todo.append(f)
        for item in _prepare_in_background(todo, settings=settings, describe=describe):
            _store_one(item, report=report, embedder=embedder, store=store, records=records)
            if progress:
                progress(item.found.source, len(item.passages))
        if prune:
            report.files_removed = _prune(found, records, store)
        ensure_keyword_index(settings, store)
    report.seconds = time.perf_counter() - started
    return report


def _sha_or_empty(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def _prepare(found: FoundFile, *, settings: Settings, describe) -> Prepared:
    try:
        document = read_document(found, max_bytes=int(settings.max_file_mb * 1e6))
        if describe is not None:
            document.metadata.update(describe(document))
        passages = passages_of(document, max_tokens=settings.passage_tokens)
        return Prepared(found, document, passages)
    except UnreadableDocument as exc:
        return Prepared(found, skipped=Skipped(found.source, str(exc)))
    except Exception as exc:  # a parser bug must not stop the whole ingest
        return Prepared(found, skipped=Skipped(found.source, f"could not be read ({exc.__class__.__name__}: {exc})"))


def _prepare_in_background(todo: list[FoundFile], *, settings: Settings, describe) -> Iterator[Prepared]:
    """Parse files on a worker thread while the caller embeds: parsing overlaps with the model."""
    out: queue.Queue = queue.Queue(maxsize=4)  # bounded: at most a few documents in memory
    done = object()

    def work():
        for found in todo:
            out.put(_prepare(found, settings=settings, describe=describe))
        out.put(done)

    threading.Thread(target=work, daemon=True, name="ingest-parse").start()
    while (item := out.get()) is not done:
        yield item


def _store_one(item: Prepared, *, report: IngestReport, embedder: Embedder, store: Store,
               records: dict[str, DocumentRecord]) -> None:
    if item.skipped is not None:
        report.skipped.append(item.skipped)
        return
    document = item.document
    if not item.passages:
        report.skipped.append(Skipped(document.source, "no text found in the file"))
        return
    vectors = embedder.embed([p.text for p in item.passages])
    old = records.get(document.source)
    if old is not None:
        store.remove_document(old.doc_id)
    store.add(item.passages, vectors)
    store.register(DocumentRecord(
        doc_id=document.doc_id, source=document.source, title=document.title, kind=document.kind,
        pages=len(document.pages), passages=len(item.passages), sha256=document.sha256,
        ingested_at=time.time(), fields=dict(document.metadata),
    ))
    report.files_indexed += 1
    report.pages += len(document.pages)
    report.passages += len(item.passages)


def _prune(found: list[FoundFile], records: dict[str, DocumentRecord], store: Store) -> int:
    present = {f.source for f in found}
    gone = [r for source, r in records.items() if source not in present]
    for record in gone:
        store.remove_document(record.doc_id)
    return len(gone)
