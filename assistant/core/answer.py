"""Citations and answers: the verbatim quote, its excerpt and offsets, in the JSON shape the CLI
promises."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from assistant.core.meta import DocumentMeta
from assistant.core.text import one_line


@dataclass(frozen=True)
class Citation:
    """A numbered source for an answer. `quote == page_text[start:end]` of the cited document
    (page-relative offsets when `page` is set); `excerpt` is the passage containing the quote."""

    id: int
    source: str
    page: int | None
    quote: str
    excerpt: str
    start: int
    end: int
    score: float
    doc_id: str = ""
    excerpt_start: int = 0  # offset of the excerpt in the same text, to place the quote in it
    meta: DocumentMeta = field(default_factory=DocumentMeta, compare=False)
    section: tuple[str, ...] = ()
    unit: str = "sentence"  # what is quoted: sentence(s), item, judgement, or a whole passage

    @property
    def title(self) -> str:
        return self.meta.title

    @classmethod
    def of(
        cls,
        passage,
        *,
        number: int,
        score: float,
        start: int | None = None,
        end: int | None = None,
        unit: str | None = None,
    ) -> Citation:
        """Cite `passage` (a `core.passage.Passage`): the quote is its text from `start` to `end`
        (page offsets; the whole passage when not given) and the excerpt is the passage."""
        if unit is None:
            unit = "passage" if start is None and end is None else "sentence"
        start = passage.start if start is None else start
        end = passage.end if end is None else end
        return cls(
            id=number,
            source=passage.source,
            page=passage.page,
            quote=passage.text[start - passage.start : end - passage.start],
            excerpt=passage.text,
            start=start,
            end=end,
            score=score,
            doc_id=passage.doc_id,
            excerpt_start=passage.start,
            meta=passage.meta,
            section=passage.section,
            unit=unit,
        )

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "overall_judgement": self.meta.overall_judgement,
            "page": self.page,
            "quote": self.quote,
            "excerpt": self.excerpt,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "doc_id": self.doc_id,
            "excerpt_start": self.excerpt_start,
            "section": list(self.section),
            "unit": self.unit,
            "fields": self.meta.filter_fields(),
        }

    @property
    def quote_in_excerpt(self) -> tuple[int, int]:
        """Where the quote sits inside `excerpt` (for highlighting)."""
        start = self.start - self.excerpt_start
        return start, start + len(self.quote)

    def quote_span(self) -> tuple[int, int] | None:
        """Where the quote is in the excerpt: the recorded offsets, else a search, else None."""
        start, end = self.quote_in_excerpt
        if 0 <= start < end <= len(self.excerpt) and self.excerpt[start:end] == self.quote:
            return start, end
        found = self.excerpt.find(self.quote)
        return (found, found + len(self.quote)) if found >= 0 and self.quote else None

    def around_quote(self) -> tuple[str, str]:
        """The excerpt's text before and after the quote: the words that tell one occurrence
        of the quote from another. Empty when the quote is not found in the excerpt."""
        span = self.quote_span()
        return (self.excerpt[: span[0]], self.excerpt[span[1] :]) if span else ("", "")

    def location(self) -> str:
        """Title (file, page N): where the quote is, for a reference list."""
        page = f", page {self.page}" if self.page else ""
        return f"{one_line(self.meta.headed) or self.source} ({self.source}{page})"

    def source_and_quote(self) -> str:
        """Document, page, and the verbatim quote on one line."""
        return f"{self.location()}: \u201c{one_line(self.quote)}\u201d"

    def reference(self) -> str:
        """One line for a reference list: the marker number, then `source_and_quote`."""
        return f"[{self.id}] {self.source_and_quote()}"


class DeclineRule(StrEnum):
    """The named rules a decline is made under (`answering.declines`), as `--json` shows them."""

    COUNCIL_NOT_INDEXED = "council_not_indexed"
    NO_MATCHING_DOCUMENT = "no_matching_document"
    NAME_NOT_INDEXED = "name_not_indexed"
    CONTRADICTED_PREMISE = "contradicted_premise"
    NO_QUANTITY = "no_quantity"
    NOT_SIMILAR = "not_similar"


@dataclass(frozen=True)
class Decline:
    """Why the assistant did not answer: a named rule and the sentence shown to the reader."""

    rule: DeclineRule
    message: str

    def to_json(self) -> dict:
        return {"rule": self.rule, "message": self.message}


@dataclass
class Answer:
    question: str
    answered: bool
    answer: str
    citations: list[Citation]
    related: list[Citation]
    seconds: float = 0.0
    shape: str = ""  # the answer's kind: list, judgement, over_time, per_council, fact, ...
    declined: Decline | None = None  # set when `answered` is false
    notes: list[str] = field(default_factory=list)  # e.g. "Surrey is not in the index"
    summary: Summary | None = None  # a model's checked summary, when ASSISTANT_LLM_URL is set

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "related": [c.to_json() for c in self.related],
            "seconds": round(self.seconds, 4),
            "shape": self.shape,
            "declined": self.declined.to_json() if self.declined else None,
            "notes": list(self.notes),
            "summary": self.summary.to_json() if self.summary else None,
        }


@dataclass(frozen=True)
class SummarySentence:
    text: str  # as the model wrote it, markers taken off
    markers: tuple[int, ...]
    kept: bool
    reason: str = ""  # why it was dropped
    coverage: float = 0.0

    def shown(self) -> str:
        return f"{self.text} " + "".join(f"[{m}]" for m in self.markers)

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "markers": list(self.markers),
            "kept": self.kept,
            "reason": self.reason,
            "coverage": round(self.coverage, 3),
        }


@dataclass(frozen=True)
class Summary:
    """The checked summary: every sentence written, kept or dropped; `text` is what is shown."""

    model: str
    sentences: tuple[SummarySentence, ...] = ()
    error: str = ""  # set when the model could not be used; then there are no sentences
    seconds: float = 0.0

    @property
    def kept(self) -> list[SummarySentence]:
        return [s for s in self.sentences if s.kept]

    @property
    def dropped(self) -> list[SummarySentence]:
        return [s for s in self.sentences if not s.kept]

    @property
    def text(self) -> str:
        return " ".join(s.shown() for s in self.kept)

    @property
    def label(self) -> str:
        return (
            f"Summary written by {self.model} from the quotes below, and checked: every number,"
            " date, council and name in it is in the quotes each sentence cites."
        )

    def to_json(self) -> dict:
        return {
            "model": self.model,
            "text": self.text,
            "label": self.label if self.text else "",
            "sentences": [s.to_json() for s in self.sentences],
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }
