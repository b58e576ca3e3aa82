"""Passages: the retrievable unit, a run of whole sentences on one page with exact offsets."""

from __future__ import annotations

from dataclasses import dataclass, field

from .chunking import Span, pack_passages, split_sentences
from .documents import Document


@dataclass(frozen=True)
class Passage:
    """A passage of a document. `start`/`end` are offsets in its page's text (the whole text
    for unpaged formats), so `page_text[start:end] == text`."""

    id: str
    doc_id: str
    source: str
    title: str
    page: int | None
    ordinal: int
    start: int
    end: int
    text: str
    fields: dict[str, str | int | float | bool] = field(default_factory=dict, compare=False)

    def sentences(self) -> list[Span]:
        """Sentence spans in document (page) offsets."""
        return [Span(self.start + s.start, self.start + s.end) for s in split_sentences(self.text)]


def passages_of(document: Document, *, max_tokens: int) -> list[Passage]:
    """Split a cleaned document into passages, page by page."""
    out: list[Passage] = []
    for page in document.pages:
        spans = pack_passages(page.text, split_sentences(page.text), max_tokens=max_tokens)
        for span in spans:
            out.append(
                Passage(
                    id=f"{document.doc_id}:{len(out):05d}",
                    doc_id=document.doc_id,
                    source=document.source,
                    title=document.title,
                    page=page.number,
                    ordinal=len(out),
                    start=span.start,
                    end=span.end,
                    text=span.of(page.text),
                    fields=dict(document.metadata),
                )
            )
    return out
