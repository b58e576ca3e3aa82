"""From chosen units to an answer: grouped by document (or by council, or by report in date
order), in reading order, adjacent sentences merged, each quote followed by its `[n]` marker.

The only words that are not the documents' own are the titles that introduce each group and,
for a list, the bullets before its items.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.answering.selection import Candidate, places_document
from assistant.core.answer import Answer, Citation, Decline
from assistant.core.passage import UnitKind
from assistant.core.sentences import Span
from assistant.core.text import one_line

NOT_FOUND = "The indexed documents do not appear to answer this question."


@dataclass(frozen=True)
class Chosen:
    """The units an answer quotes, in the groups it shows them in (a council, a report)."""

    groups: tuple[tuple[Candidate, ...], ...]
    shape: str = ""

    def __bool__(self) -> bool:
        return any(self.groups)

    @property
    def units(self) -> list[Candidate]:
        return [c for group in self.groups for c in group]


def compose(question: str, chosen: Chosen, *, notes: list[str] | None = None) -> Answer:
    """The answer text and its numbered citations."""
    citations: list[Citation] = []
    parts: list[str] = []
    for group in chosen.groups:
        for document in _by_document(group):
            # In reading order, except that what only places the document (its dates, what
            # the inspectors looked at) never leads: the finding does.
            document.sort(key=lambda c: (places_document(c), c.hit.passage.page or 0, c.span.start))
            parts.append(_paragraph(document, citations))
    return Answer(
        question, True, "\n\n".join(parts), citations, [], shape=chosen.shape, notes=notes or []
    )


def _by_document(group: tuple[Candidate, ...]) -> list[list[Candidate]]:
    documents: dict[str, list[Candidate]] = {}
    for cand in group:  # documents in order of their best unit
        documents.setdefault(cand.doc_id, []).append(cand)
    return list(documents.values())


def _paragraph(cands: list[Candidate], citations: list[Citation]) -> str:
    title = cands[0].hit.passage.meta.headed or cands[0].hit.passage.source
    items = [c for c in cands if c.kind == UnitKind.ITEM]
    if items and len(items) == len(cands):
        heading = cands[0].hit.passage.section[-1:] or ("",)
        lines = [f"{title} — {heading[0]}" if heading[0] else f"{title}:"]
        for cand in cands:
            citation = _cite(len(citations) + 1, cand)
            citations.append(citation)
            lines.append(f"- {one_line(citation.quote)} [{citation.id}]")
        return "\n".join(lines)
    quotes = []
    for merged in merge_adjacent(cands):
        citation = _cite(len(citations) + 1, merged)
        citations.append(citation)
        quotes.append(f"{one_line(citation.quote)} [{citation.id}]")
    return f"{title}: " + " ".join(quotes)


def merge_adjacent(cands: list[Candidate]) -> list[Candidate]:
    """Consecutive sentences of one passage become one quote."""
    merged: list[Candidate] = []
    for cand in cands:
        last = merged[-1] if merged else None
        if last is not None and last.hit.passage.id == cand.hit.passage.id:
            p = cand.hit.passage
            between = p.text[last.span.end - p.start : cand.span.start - p.start]
            if not between.strip() and last.kind == cand.kind == UnitKind.SENTENCE:
                span = Span(last.span.start, cand.span.end)
                text = p.text[span.start - p.start : span.end - p.start]
                best = max(last.score, cand.score)
                merged[-1] = replace(cand, span=span, text=text, score=best, kind=UnitKind.SENTENCE)
                continue
        merged.append(cand)
    return merged


def _cite(number: int, cand: Candidate) -> Citation:
    return Citation.of(
        cand.hit.passage,
        number=number,
        score=cand.score,
        start=cand.span.start,
        end=cand.span.end,
        unit=cand.kind,
    )


def related_passages(hits, *, limit: int = 3) -> list[Citation]:
    """The closest passages, cited whole: shown (as not answering) when the assistant declines."""
    return [
        Citation.of(h.passage, number=i, score=h.similarity) for i, h in enumerate(hits[:limit], 1)
    ]


def declined(
    question: str, decline: Decline, hits, *, citations: list[Citation] | None = None
) -> Answer:
    """A plain "the documents don't say", with why; `citations` hold what the documents do say
    when they contradict the question's premise."""
    text = NOT_FOUND if decline.message == "" else f"{NOT_FOUND} {decline.message}"
    return Answer(question, False, text, citations or [], related_passages(hits), declined=decline)
