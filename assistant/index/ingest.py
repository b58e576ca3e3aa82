"""Ingest: files -> cleaned documents -> passages -> vectors -> the store, incrementally.

Order of writes makes the index crash-safe: for each run of documents embedded together, their
old passages are deleted, their new passages added, and only then are they registered. On the
next run `Store.repair()` deletes any passages of unregistered documents, and a changed or
unregistered file is simply ingested again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.core.meta import DocumentMeta
from assistant.core.passage import Passage
from assistant.core.record import DocumentRecord
from assistant.documents.labels import labelled
from assistant.documents.passages import layout, passages_of
from assistant.documents.readers import (
    Document,
    FoundFile,
    Skipped,
    UnreadableDocument,
    discover,
    file_sha256,
    read_document,
)
from assistant.index.keyword import ensure_keyword_index, keyword_folder
from assistant.index.locks import ingest_lock
from assistant.index.pipeline import BackgroundWriter, embed_in_runs, read_ahead
from assistant.index.relabel import relabel
from assistant.index.store import Store
from assistant.settings import Settings
from assistant.vectors.embedder import Embedder

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3


@dataclass
class IngestReport:
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    pages: int = 0
    passages: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)
    repaired: int = 0  # documents whose half-written passages an interrupted run left behind
    relabelled: int = 0  # unchanged documents whose access label changed (nothing re-embedded)
    notes: list[str] = field(default_factory=list)
    encoder: str = ""  # which encoder embedded the passages, and why; "" when none were

    @property
    def failed(self) -> list[Skipped]:
        """Files that should have been indexed but were not (unsupported types are not failures)."""
        return [s for s in self.skipped if not s.unsupported]

    @property
    def unsupported(self) -> list[Skipped]:
        return [s for s in self.skipped if s.unsupported]

    @property
    def exit_code(self) -> int:
        if self.failed and not (self.files_indexed or self.files_unchanged):
            return EXIT_FAILED
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def to_json(self) -> dict:
        return {
            "files_indexed": self.files_indexed,
            "files_unchanged": self.files_unchanged,
            "files_removed": self.files_removed,
            "pages": self.pages,
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
            "repaired": self.repaired,
            "relabelled": self.relabelled,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.failed],
            "unsupported": [s.path for s in self.unsupported],
            "notes": list(self.notes),
            "encoder": self.encoder,
        }


@dataclass(frozen=True)
class Prepared:
    """A parsed file ready to embed, or the reason it was skipped."""

    found: FoundFile
    document: Document | None = None
    passages: list[Passage] = field(default_factory=list)
    skipped: Skipped | None = None


Progress = Callable[[str, int], None]  # (file name, passages) after each file


def ingest(
    roots: list[Path],
    *,
    settings: Settings,
    embedder: Embedder,
    store: Store,
    prune: bool = False,
    progress: Progress | None = None,
    describe: Callable[[Document], DocumentMeta] | None = None,
) -> IngestReport:
    """Bring the index in step with the files under `roots`. Never raises for one bad file."""
    started = time.perf_counter()
    report = IngestReport()
    with ingest_lock(settings):
        report.repaired = store.repair()
        found, skipped = discover(roots)
        report.skipped.extend(skipped)
        records = {r.source: r for r in store.records()}
        current = layout(max_tokens=settings.passage_tokens, contextual=settings.contextual)
        todo, unchanged = _changed(
            found, records, current=current, report=report, progress=progress
        )
        relabel(unchanged, settings=settings, store=store, report=report)
        _embed_and_store(
            todo,
            settings=settings,
            describe=describe,
            report=report,
            embedder=embedder,
            store=store,
            records=records,
            progress=progress,
            layout_id=current,
        )
        report.encoder = embedder.bulk_note
        _note_kept_versions(report, records)
        if prune:
            report.files_removed = _prune(roots, found, records, store, report)
        ensure_keyword_index(settings, store)
    report.seconds = time.perf_counter() - started
    return report


def _changed(
    found: list[FoundFile],
    records: dict[str, DocumentRecord],
    *,
    current: str,
    report: IngestReport,
    progress: Progress | None,
) -> tuple[list[FoundFile], list[tuple[FoundFile, DocumentRecord]]]:
    """The files that are new or changed since they were indexed, or were indexed in another
    passage layout (an upgrade, a changed passage size); and the rest, counted, with their
    records (their labels may still have changed)."""
    todo, unchanged = [], []
    for f in found:
        record = records.get(f.source)
        same = record is not None and record.format == current
        if same and record.sha256 == _sha_or_empty(f.path):
            report.files_unchanged += 1
            unchanged.append((f, record))
            if progress:
                progress(f.source, 0)
        else:
            todo.append(f)
    return todo, unchanged


def _sha_or_empty(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def _prepare(found: FoundFile, *, settings: Settings, describe) -> Prepared:
    try:
        document = read_document(found, max_bytes=int(settings.max_file_mb * 1e6))
        meta = describe(document) if describe else DocumentMeta(title=document.title)
        document.meta = labelled(meta, found.path, found.source, settings)
        passages = passages_of(document, max_tokens=settings.passage_tokens)
        return Prepared(found, document, passages)
    except UnreadableDocument as exc:
        return Prepared(found, skipped=Skipped(found.source, str(exc)))
    except Exception as exc:  # a parser bug must not stop the whole ingest
        reason = f"could not be read ({exc.__class__.__name__}: {exc})"
        return Prepared(found, skipped=Skipped(found.source, reason))


def _prepare_in_background(
    todo: list[FoundFile], *, settings: Settings, describe, ahead: int
) -> Iterator[Prepared]:
    """Parse files on a worker thread while the caller embeds: parsing overlaps with the model.
    The parser stays at most `ahead` passages ahead (bounded memory; measured: a bound of 4
    documents left the model waiting 2.3 s of a 70 s ingest for the next run's documents)."""
    prepared = (_prepare(found, settings=settings, describe=describe) for found in todo)
    return read_ahead(
        prepared, size_of=lambda item: len(item.passages) + 1, budget=ahead, name="ingest-parse"
    )


def _embed_and_store(
    todo: list[FoundFile],
    *,
    settings: Settings,
    describe,
    report: IngestReport,
    embedder: Embedder,
    store: Store,
    records: dict[str, DocumentRecord],
    progress: Progress | None,
    layout_id: str,
) -> None:
    """Parse (worker thread), embed passages of several documents per call (this thread),
    write each run of documents to the store (writer thread): the model is kept busy. See
    pipeline.py."""

    def write(run: list[tuple[Prepared, np.ndarray]]) -> None:
        _store_run(run, report=report, store=store, records=records, layout_id=layout_id)
        if progress:
            for item, _ in run:
                progress(item.found.source, len(item.passages))

    run = settings.embed_batch * 32
    prepared = _prepare_in_background(todo, settings=settings, describe=describe, ahead=2 * run)
    runs = embed_in_runs(
        prepared,
        texts_of=lambda item: _texts_to_embed(item, contextual=settings.contextual),
        embed=embedder.embed_passages,
        min_texts=run,
        first_texts=settings.embed_batch,
    )
    with BackgroundWriter(write, name="ingest-write") as writer:
        for run in runs:
            writer.put(run)


def _texts_to_embed(item: Prepared, *, contextual: bool) -> list[str]:
    if item.skipped is not None:
        return []
    return [p.embedding_text(contextual=contextual) for p in item.passages]


def _store_run(
    run: list[tuple[Prepared, np.ndarray]],
    *,
    report: IngestReport,
    store: Store,
    records: dict[str, DocumentRecord],
    layout_id: str,
) -> None:
    """Store a run of documents in three writes, in the crash-safe order: old versions out,
    all passages in, then every document registered."""
    ready = []
    for item, vectors in run:
        skipped = _why_skipped(item)
        if skipped is None:
            ready.append((item, vectors))
        else:
            report.skipped.append(skipped)
    if not ready:
        return
    replaced = [records[i.document.source].doc_id for i, _ in ready if i.document.source in records]
    if replaced:
        store.remove_documents(replaced)
    store.add([p for item, _ in ready for p in item.passages], np.vstack([v for _, v in ready]))
    store.register(*(_record_of(item.document, item.passages, layout_id) for item, _ in ready))
    for item, _ in ready:
        report.files_indexed += 1
        report.pages += len(item.document.pages)
        report.passages += len(item.passages)


def _why_skipped(item: Prepared) -> Skipped | None:
    if item.skipped is None and not item.passages:
        return Skipped(item.document.source, "no text found in the file")
    return item.skipped


def _record_of(document: Document, passages: list[Passage], layout_id: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=document.doc_id,
        source=document.source,
        kind=document.kind,
        pages=len(document.pages),
        passages=len(passages),
        sha256=document.sha256,
        ingested_at=time.time(),
        meta=document.meta,
        format=layout_id,
    )


def _note_kept_versions(report: IngestReport, records: dict[str, DocumentRecord]) -> None:
    """A changed file that can no longer be read keeps its last good version in the index."""
    report.skipped = [
        Skipped(s.path, s.reason + "; the previously indexed version is kept", s.unsupported)
        if s.path in records and not s.unsupported
        else s
        for s in report.skipped
    ]


def _prune(
    roots: list[Path],
    found: list[FoundFile],
    records: dict[str, DocumentRecord],
    store: Store,
    report: IngestReport,
) -> int:
    """Remove documents whose files are gone, unless a root is missing (an unmounted drive
    would otherwise empty the index)."""
    missing = [str(r) for r in roots if not r.exists()]
    if missing:
        report.notes.append(f"--prune skipped: {', '.join(missing)} not found; nothing removed")
        return 0
    present = {f.source for f in found}
    gone = [r.doc_id for source, r in records.items() if source not in present]
    if gone:
        store.remove_documents(gone)
    return len(gone)


# --- keeping the index in step: removing documents, rebuilding -----------------------------


@dataclass
class RemoveReport:
    removed: list[str] = field(default_factory=list)  # sources removed from the index
    missing: list[str] = field(default_factory=list)  # arguments that matched no document

    @property
    def exit_code(self) -> int:
        if not self.missing:
            return EXIT_OK
        return EXIT_PARTIAL if self.removed else EXIT_FAILED


def remove(paths: list[str], *, settings: Settings, store: Store) -> RemoveReport:
    """Remove the named documents (by path as given to ingest, or by indexed source)."""
    report = RemoveReport()
    with ingest_lock(settings):
        records, doomed = store.records(), []
        for path in paths:
            matches = matching_records(path, records)
            if not matches:
                report.missing.append(path)
            doomed.extend(matches)
            records = [r for r in records if r not in matches]
        if doomed:
            store.remove_documents([r.doc_id for r in doomed])
            report.removed = [r.source for r in doomed]
            ensure_keyword_index(settings, store)
    return report


def matching_records(path: str, records: list[DocumentRecord]) -> list[DocumentRecord]:
    """Documents a user means by `path`: its indexed source exactly, else the longest source the
    path ends with (sources are relative to the ingested folder), else every source in a folder."""
    target = Path(path).as_posix().removeprefix("./").rstrip("/")
    exact = [r for r in records if r.source == target]
    if exact:
        return exact
    tails = [r for r in records if target.endswith("/" + r.source)]
    if tails:
        longest = max(len(r.source) for r in tails)
        return [r for r in tails if len(r.source) == longest]
    return [r for r in records if _in_folder(target, r.source)]


def _in_folder(folder: str, source: str) -> bool:
    parents = source.split("/")[:-1]
    for depth in range(1, len(parents) + 1):
        parent = "/".join(parents[:depth])
        if folder == parent or folder.endswith("/" + parent):
            return True
    return False


def reset_index(settings: Settings) -> None:
    """Delete the index (vector store and keyword index) so the next ingest builds it afresh.
    Takes the ingest lock: a rebuild never pulls the index from under a running ingest."""
    import shutil

    from assistant.index.store import destroy_index

    with ingest_lock(settings):
        destroy_index(settings)
        shutil.rmtree(keyword_folder(settings), ignore_errors=True)
