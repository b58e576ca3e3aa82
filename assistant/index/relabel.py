"""Relabelling: an unchanged file whose access label changed (its sidecar, a folder rule or the
exempt setting changed) gets the new label on its record and on every passage's metadata, in
place. Its text is not read again (the marking was found at ingest) and nothing is re-embedded;
only a document indexed before labels existed is read once, for its marking.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.core.record import DocumentRecord
from assistant.documents.describe import marking_of
from assistant.documents.labels import labelled
from assistant.documents.readers import FoundFile, Skipped, UnreadableDocument, read_document
from assistant.index.store import Store
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.ingest import IngestReport


def relabel(
    unchanged: list[tuple[FoundFile, DocumentRecord]],
    *,
    settings: Settings,
    store: Store,
    report: IngestReport,
) -> None:
    """Give each unchanged document the label its sidecar, the rules and its marking give now.
    A bad sidecar skips the file with the reason and keeps its last label."""
    changed = []
    for found, record in unchanged:
        try:
            meta = record.meta if record.meta.access else _with_marking(found, record, settings)
            meta = labelled(meta, found.path, found.source, settings)
        except (ValueError, UnreadableDocument) as exc:
            report.skipped.append(Skipped(found.source, f"label not updated: {exc}"))
            continue
        if (meta.access, meta.access_basis) != (record.meta.access, record.meta.access_basis):
            changed.append(replace(record, meta=meta))
    if changed:
        store.relabel(changed)
        report.relabelled = len(changed)


def _with_marking(found: FoundFile, record: DocumentRecord, settings: Settings):
    """The record's metadata with the paper's exempt marking, read from its text (an index
    made before labels existed holds none)."""
    document = read_document(found, max_bytes=int(settings.max_file_mb * 1e6))
    return replace(record.meta, marking=marking_of(document))
