"""Passages: the retrievable unit, a run of whole sentences on one page with exact offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .acronyms import expansions_for, find_definitions
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

    @property
    def embedding_text(self) -> str:
        """What is embedded and keyword-indexed: the text plus long forms of its acronyms."""
        aka = self.fields.get("aka")
        return f"{self.text}\n({aka})" if aka else self.text

    def sentences(self) -> list[Span]:
        """Sentence spans in document (page) offsets."""
        return [Span(self.start + s.start, self.start + s.end) for s in split_sentences(self.text)]


def passages_of(document: Document, *, max_tokens: int) -> list[Passage]:
    """Split a cleaned document into passages, page by page."""
    out: list[Passage] = []
    whole = "\n".join(p.text for p in document.pages)
    definitions = find_definitions(whole)
    # Years the document speaks of, so a question naming a year can be matched to an undated
    # document (a news article) that discusses it.
    years = " ".join(sorted(set(re.findall(r"\b(?:19|20)\d\d\b", whole))))
    for page in document.pages:
        spans = pack_passages(page.text, split_sentences(page.text), max_tokens=max_tokens)
        for span in spans:
            text = span.of(page.text)
            fields = dict(document.metadata)
            if years:
                fields["years_mentioned"] = years
            if aka := expansions_for(text, definitions):
                fields["aka"] = aka
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
                    text=text,
                    fields=fields,
                )
            )
    return out
