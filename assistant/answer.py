"""Extractive answers: the sentences of the retrieved passages that answer the question,
quoted verbatim, each followed by its citation marker; or an honest "not found"."""

from __future__ import annotations

import re
from dataclasses import dataclass



from .chunking import Span
from .citations import Answer, Citation
from .retrieval import Hit

NOT_FOUND = "The indexed documents do not appear to answer this question."


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    hit: Hit
    span: Span  # page offsets
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class AnswerPolicy:
    """Knobs for sentence selection and abstention (calibrated by `assistant eval`)."""

    passages: int = 6  # top passages whose sentences are candidates
    max_sentences: int = 4
    min_sentence_similarity: float = 0.35
    min_passage_similarity: float = 0.30
    margin: float = 0.12  # keep sentences within this of the best one
    duplicate_overlap: float = 0.8


def candidates(hits: list[Hit], *, limit: int) -> list[Candidate]:
    out = []
    for hit in hits[:limit]:
        passage = hit.passage
        for span in passage.sentences():
            text = passage.text[span.start - passage.start : span.end - passage.start]
            if len(text.split()) >= 4:  # headings and fragments are not answers
                out.append(Candidate(hit, span, text))
    return out


def score_candidates(question: str, cands: list[Candidate], *, embed) -> list[Candidate]:
    """Cosine of each sentence with the question, nudged by its passage's retrieval rank."""
    if not cands:
        return []
    vectors = embed([question] + [c.text for c in cands])
    sims = vectors[1:] @ vectors[0]
    scored = []
    for cand, sim in zip(cands, sims, strict=True):
        scored.append(Candidate(cand.hit, cand.span, cand.text, float(sim)))
    return scored


def select(scored: list[Candidate], *, policy: AnswerPolicy) -> list[Candidate]:
    """The best sentences: above threshold, near the best, not near-duplicates of each other."""
    ranked = sorted(scored, key=lambda c: -c.score)
    if not ranked or ranked[0].score < policy.min_sentence_similarity:
        return []
    floor = max(policy.min_sentence_similarity, ranked[0].score - policy.margin)
    chosen: list[Candidate] = []
    for cand in ranked:
        if cand.score < floor or len(chosen) >= policy.max_sentences:
            break
        if any(_overlap(cand.text, c.text) >= policy.duplicate_overlap for c in chosen):
            continue
        chosen.append(cand)
    return chosen


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def compose(question: str, chosen: list[Candidate], *, related: list[Citation]) -> Answer:
    """Group chosen sentences by document in reading order, merge adjacent ones, number them."""
    groups: dict[str, list[Candidate]] = {}
    for cand in chosen:  # documents in order of their best sentence
        groups.setdefault(cand.hit.passage.doc_id, []).append(cand)
    citations: list[Citation] = []
    parts: list[str] = []
    for cands in groups.values():
        cands.sort(key=lambda c: (c.hit.passage.page or 0, c.span.start))
        title = cands[0].hit.passage.title
        quotes = []
        for merged in _merge_adjacent(cands):
            citation = _citation(len(citations) + 1, merged)
            citations.append(citation)
            quotes.append(f"{citation.quote} [{citation.id}]")
        parts.append(f"{title}: " + " ".join(quotes))
    return Answer(question, True, "\n\n".join(parts), citations, related)


def _merge_adjacent(cands: list[Candidate]) -> list[Candidate]:
    merged: list[Candidate] = []
    for cand in cands:
        last = merged[-1] if merged else None
        same = last is not None and last.hit.passage.id == cand.hit.passage.id
        text = cand.hit.passage.text
        if same and text[last.span.end - cand.hit.passage.start : cand.span.start - cand.hit.passage.start].strip() == "":
            span = Span(last.span.start, cand.span.end)
            merged[-1] = Candidate(cand.hit, span, _slice(cand.hit, span), max(last.score, cand.score))
        else:
            merged.append(cand)
    return merged


def _slice(hit: Hit, span: Span) -> str:
    p = hit.passage
    return p.text[span.start - p.start : span.end - p.start]


def _citation(number: int, cand: Candidate) -> Citation:
    p = cand.hit.passage
    return Citation(
        id=number, source=p.source, title=p.title, page=p.page, quote=cand.text, excerpt=p.text,
        start=cand.span.start, end=cand.span.end, score=cand.score, doc_id=p.doc_id,
        excerpt_start=p.start, fields=dict(p.fields),
    )


def related_passages(hits: list[Hit], *, limit: int = 3) -> list[Citation]:
    """The closest passages, cited whole, for when nothing answers (or as further reading)."""
    out = []
    for hit in hits[:limit]:
        p = hit.passage
        out.append(Citation(
            id=len(out) + 1, source=p.source, title=p.title, page=p.page, quote=p.text,
            excerpt=p.text, start=p.start, end=p.end, score=hit.similarity, doc_id=p.doc_id,
            excerpt_start=p.start, fields=dict(p.fields),
        ))
    return out


def build_answer(question: str, hits: list[Hit], *, embed, policy: AnswerPolicy) -> Answer:
    """The whole answer step: select sentences, or decline and show related passages."""
    related = related_passages(hits)
    if not hits or max(h.similarity for h in hits) < policy.min_passage_similarity:
        return Answer(question, False, NOT_FOUND, [], related)
    scored = score_candidates(question, candidates(hits, limit=policy.passages), embed=embed)
    chosen = select(scored, policy=policy)
    if not chosen:
        return Answer(question, False, NOT_FOUND, [], related)
    answer = compose(question, chosen, related=[])
    return answer


