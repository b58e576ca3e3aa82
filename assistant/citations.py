"""Citations: the verbatim quote, its excerpt and offsets, in the JSON shape the CLI promises."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """A numbered source for an answer. `quote == page_text[start:end]` of the cited document
    (page-relative offsets when `page` is set); `excerpt` is the passage containing the quote."""

    id: int
    source: str
    title: str
    page: int | None
    quote: str
    excerpt: str
    start: int
    end: int
    score: float
    doc_id: str = ""
    excerpt_start: int = 0  # offset of the excerpt in the same text, to place the quote in it
    fields: dict = field(default_factory=dict)

    @classmethod
    def of(
        cls, passage, *, number: int, score: float, start: int | None = None, end: int | None = None
    ) -> Citation:
        """Cite `passage` (a `passages.Passage`): the quote is its text from `start` to `end`
        (page offsets; the whole passage when not given) and the excerpt is the passage."""
        start = passage.start if start is None else start
        end = passage.end if end is None else end
        return cls(
            id=number,
            source=passage.source,
            title=passage.title,
            page=passage.page,
            quote=passage.text[start - passage.start : end - passage.start],
            excerpt=passage.text,
            start=start,
            end=end,
            score=score,
            doc_id=passage.doc_id,
            excerpt_start=passage.start,
            fields=dict(passage.fields),
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        return data

    @property
    def quote_in_excerpt(self) -> tuple[int, int]:
        """Where the quote sits inside `excerpt` (for highlighting)."""
        start = self.start - self.excerpt_start
        return start, start + len(self.quote)

    def reference(self) -> str:
        """One line for a reference list: document, page, and the verbatim quote."""
        page = f", page {self.page}" if self.page else ""
        return f"[{self.id}] {self.title} ({self.source}{page}): \u201c{self.quote}\u201d"


@dataclass
class Answer:
    question: str
    answered: bool
    answer: str
    citations: list[Citation]
    related: list[Citation]
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "related": [c.to_json() for c in self.related],
            "seconds": round(self.seconds, 4),
        }
