"""Passages and their units: what every stage after reading passes on.

A passage is a run of quotable units (sentences, list items, judgement statements) of one section
on one page, with exact offsets; each knows its section's headings. Ingest makes them
(`documents.passages`), the index stores them, answering quotes their units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from assistant.core.meta import DocumentMeta
from assistant.core.sentences import Span, split_sentences


class UnitKind(StrEnum):
    """What a line of a report is (`TEXT`, a paragraph, is read into `SENTENCE` units)."""

    HEADING = "heading"
    TEXT = "text"
    SENTENCE = "sentence"
    ITEM = "item"
    JUDGEMENT = "judgement"


QUOTABLE = frozenset({UnitKind.SENTENCE, UnitKind.ITEM, UnitKind.JUDGEMENT})


@dataclass(frozen=True)
class Unit:
    """What can be quoted on its own: a sentence, a list item or a judgement statement (and
    the headings, which are not quoted). Offsets are in the page's text, like the passage's."""

    kind: UnitKind  # not TEXT
    start: int
    end: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Passage:
    """A passage of a document. `start`/`end` are offsets in its page's text (the whole text
    for unpaged formats), so `page_text[start:end] == text`."""

    id: str
    doc_id: str
    source: str
    page: int | None
    ordinal: int
    start: int
    end: int
    text: str
    meta: DocumentMeta = field(default_factory=DocumentMeta, compare=False)
    section: tuple[str, ...] = field(default=(), compare=False)
    units: tuple[Unit, ...] = field(default=(), compare=False)
    aka: str = field(default="", compare=False)  # long forms of acronyms it uses

    @property
    def title(self) -> str:
        return self.meta.title

    def context(self) -> str:
        """The document and section this passage sits in, for embedding and keyword search."""
        return " › ".join((self.meta.header, *self.section)) if self.meta.header else ""

    def embedding_text(self, *, contextual: bool = True) -> str:
        """What is embedded and keyword-indexed: the context header (when `contextual`), the
        text, and the long forms of the acronyms it uses; never what is quoted."""
        parts = [self.context()] if contextual else []
        parts.append(self.text)
        if self.aka:
            parts.append(f"({self.aka})")
        return "\n".join(p for p in parts if p)

    def quotable(self) -> list[Unit]:
        """The units an answer may quote, in reading order. Passages stored before units were
        recorded fall back to their sentences."""
        if not self.units:
            return [Unit(UnitKind.SENTENCE, s.start, s.end) for s in self.sentences()]
        return [u for u in self.units if u.kind in QUOTABLE]

    def unit_counts(self) -> dict[str, int]:
        """How many list items and judgement statements it holds (filterable: `items>0`)."""
        counts = {"items": 0, "judgements": 0}
        for u in self.units:
            if u.kind in (UnitKind.ITEM, UnitKind.JUDGEMENT):
                counts["items" if u.kind == UnitKind.ITEM else "judgements"] += 1
        return {k: v for k, v in counts.items() if v}

    def filter_fields(self) -> dict[str, str | int]:
        """What a `--where` filter can test on this passage, in the index and the keyword index
        alike: its document's fields, where it is, and how many items and judgements it holds."""
        fields: dict[str, str | int] = self.meta.filter_fields()
        fields.update(doc_id=self.doc_id, source=self.source, page=self.page or 0)
        fields.update(self.unit_counts())
        return fields

    def unit_text(self, unit: Unit) -> str:
        return self.text[unit.start - self.start : unit.end - self.start]

    def sentences(self) -> list[Span]:
        """Sentence spans in document (page) offsets."""
        return [Span(self.start + s.start, self.start + s.end) for s in split_sentences(self.text)]
