"""Extractive answers: the sentences of the retrieved passages that answer the question,
quoted verbatim, each followed by its citation marker; or an honest "not found"."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .citations import Answer, Citation
from .intent import QueryIntent, admits, holds_quantity
from .passages import Unit
from .retrieval import Hit
from .sentences import Span
from .text import terms

NOT_FOUND = "The indexed documents do not appear to answer this question."


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    hit: Hit
    span: Span  # page offsets
    text: str
    kind: str = "sentence"  # the unit's kind: sentence, item or judgement
    lexical: float = 0.0
    similarity: float = 0.0
    score: float = 0.0


@dataclass(frozen=True)
class AnswerPolicy:
    """Knobs for sentence selection and abstention (calibrated with `assistant eval`)."""

    passages: int = 12  # top passages whose sentences are candidates
    shortlist: int = 8  # sentences embedded per question after the cheap lexical pass (measured)
    max_sentences: int = 5
    per_document: int = 4  # cap per document; 2 when the question spans documents
    min_score: float = 0.40
    min_passage_similarity: float = 0.25
    margin: float = 0.35  # keep sentences within this of the best one
    lexical_weight: float = 0.35
    passage_weight: float = 0.15
    duplicate_overlap: float = 0.8


def is_statement(text: str) -> bool:
    """A sentence worth quoting: not a heading, a table fragment or a contact block."""
    words = len(text.split())
    if words < 5 or "www." in text or "@" in text or "http" in text:
        return False
    if text.rstrip("\"'”’)").endswith("?"):  # "What needs to improve ...?" heads a section
        return False
    if re.search(r"\w: \S", text):  # "Lead inspector: ...", "Children in care: good"
        return True
    return words >= 14 or text.rstrip("\"'”’)").endswith((".", "!", "?", ";"))


def candidates(hits: list[Hit], *, limit: int) -> list[Candidate]:
    out = []
    for hit in hits[:limit]:
        passage = hit.passage
        for unit in passage.quotable():
            text = passage.unit_text(unit)
            if unit.kind != "sentence" or is_statement(text):
                out.append(_candidate(hit, unit, text))
    return out


def _candidate(hit: Hit, unit: Unit, text: str) -> Candidate:
    return Candidate(hit, unit.span, text, kind=unit.kind)


def lexical_scores(question: str, cands: list[Candidate]) -> list[Candidate]:
    """IDF-weighted share of the question's terms found in each sentence (or its passage's
    acronym expansions), with IDF taken over the candidate pool itself."""
    wanted = set(terms(question))
    if not wanted or not cands:
        return cands
    bags = [set(terms(c.text + " " + c.hit.passage.aka)) for c in cands]
    n = len(bags)
    idf = {t: math.log(1 + n / (1 + sum(t in b for b in bags))) for t in wanted}
    total = sum(idf.values()) or 1.0
    return [
        replace(c, lexical=sum(idf[t] for t in wanted & b) / total)
        for c, b in zip(cands, bags, strict=True)
    ]


def score(
    question: str, topic: str, cands: list[Candidate], *, embed: Callable, policy: AnswerPolicy
) -> list[Candidate]:
    """Shortlist by a cheap lexical + passage score, then rank by embedding similarity.

    Sentences are compared with the question and with its topic (the question without the
    councils and dates that place it, which the gating rules have already matched), keeping the
    better of the two: "Norfolk's October 2019 focused visit" should not make a sentence that
    merely names Norfolk look like an answer.
    """
    cheap = sorted(
        lexical_scores(topic, cands),
        key=lambda c: -(c.lexical + policy.passage_weight * 2 * c.hit.similarity),
    )[: policy.shortlist]
    if not cheap:
        return []
    vectors = embed([question, topic] + [c.text for c in cheap])
    sims = np.maximum(vectors[2:] @ vectors[0], vectors[2:] @ vectors[1])
    return [
        replace(
            c,
            similarity=float(s),
            score=float(s)
            + policy.lexical_weight * c.lexical
            + policy.passage_weight * c.hit.similarity,
        )
        for c, s in zip(cheap, np.asarray(sims), strict=True)
    ]


def select(scored: list[Candidate], *, policy: AnswerPolicy, spanning: bool) -> list[Candidate]:
    """The best sentences: above threshold, near the best, few per document, no near-duplicates."""
    ranked = sorted(scored, key=lambda c: -c.score)
    if not ranked or ranked[0].score < policy.min_score:
        return []
    floor = max(policy.min_score, ranked[0].score - policy.margin * (1.5 if spanning else 1.0))
    cap = 2 if spanning else policy.per_document
    limit = policy.max_sentences + (2 if spanning else 0)
    chosen: list[Candidate] = []
    per_doc: dict[str, int] = {}
    for cand in ranked:
        if cand.score < floor or len(chosen) >= limit:
            break
        doc = cand.hit.passage.doc_id
        if per_doc.get(doc, 0) >= cap:
            continue
        if any(_overlap(cand.text, c.text) >= policy.duplicate_overlap for c in chosen):
            continue
        chosen.append(cand)
        per_doc[doc] = per_doc.get(doc, 0) + 1
    return chosen


def _overlap(a: str, b: str) -> float:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def compose(question: str, chosen: list[Candidate]) -> Answer:
    """Group chosen sentences by document in reading order, merge adjacent ones, number them."""
    groups: dict[str, list[Candidate]] = {}
    for cand in chosen:  # documents in order of their best sentence
        groups.setdefault(cand.hit.passage.doc_id, []).append(cand)
    citations: list[Citation] = []
    parts: list[str] = []
    for cands in groups.values():
        cands.sort(key=lambda c: (c.hit.passage.page or 0, c.span.start))
        quotes = []
        for merged in _merge_adjacent(cands):
            citation = _citation(len(citations) + 1, merged)
            citations.append(citation)
            quotes.append(f"{citation.quote} [{citation.id}]")
        parts.append(f"{cands[0].hit.passage.title}: " + " ".join(quotes))
    return Answer(question, True, "\n\n".join(parts), citations, [])


def _merge_adjacent(cands: list[Candidate]) -> list[Candidate]:
    merged: list[Candidate] = []
    for cand in cands:
        last = merged[-1] if merged else None
        if last is not None and last.hit.passage.id == cand.hit.passage.id:
            p = cand.hit.passage
            between = p.text[last.span.end - p.start : cand.span.start - p.start]
            if not between.strip():
                span = Span(last.span.start, cand.span.end)
                text = p.text[span.start - p.start : span.end - p.start]
                merged[-1] = replace(cand, span=span, text=text, score=max(last.score, cand.score))
                continue
        merged.append(cand)
    return merged


def _citation(number: int, cand: Candidate) -> Citation:
    return Citation.of(
        cand.hit.passage,
        number=number,
        score=cand.score,
        start=cand.span.start,
        end=cand.span.end,
        unit=cand.kind,
    )


def related_passages(hits: list[Hit], *, limit: int = 3) -> list[Citation]:
    """The closest passages, cited whole: shown (as not answering) when the assistant declines."""
    return [
        Citation.of(h.passage, number=i, score=h.similarity) for i, h in enumerate(hits[:limit], 1)
    ]


def build_answer(
    intent: QueryIntent,
    hits: list[Hit],
    *,
    embed: Callable,
    policy: AnswerPolicy,
    unknown: list[str] | None = None,
) -> Answer:
    """Select sentences that answer, or decline and show the closest passages as related.

    Declines when the question names something no document mentions (`unknown`), when no
    passage is close enough, or when no passage fits the councils/years the question names.
    """
    question = intent.question
    declined = Answer(question, False, NOT_FOUND, [], related_passages(hits))
    if unknown or not hits or max(h.similarity for h in hits) < policy.min_passage_similarity:
        return declined
    fitting = [h for h in hits if admits(intent, h.passage.meta, h.passage.text)]
    cands = candidates(fitting, limit=policy.passages)
    if intent.quantity:
        cands = [c for c in cands if holds_quantity(intent.quantity, c.text)]
    scored = score(question, intent.topic, cands, embed=embed, policy=policy)
    chosen = select(scored, policy=policy, spanning=intent.spans_documents)
    return compose(question, chosen) if chosen else declined
