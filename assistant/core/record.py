"""An indexed document as the index lists it: its file, its fingerprint and its metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.meta import DocumentMeta


@dataclass(frozen=True)
class DocumentRecord:
    """One indexed document, as listed by `assistant sources`."""

    doc_id: str
    source: str
    kind: str
    pages: int
    passages: int
    sha256: str
    ingested_at: float
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    # How its passages were made (`documents.passages.layout`); "" before formats existed.
    format: str = ""

    @property
    def title(self) -> str:
        return self.meta.title

    def filter_fields(self) -> dict[str, str | int]:
        """What a `--where` filter can test on this document (as on each of its passages)."""
        return {**self.meta.filter_fields(), "doc_id": self.doc_id, "source": self.source}
