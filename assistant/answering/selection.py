"""Sentence selection: the units of the retrieved passages scored against the question, and the
best few chosen, to be quoted verbatim.

A unit is what can be quoted on its own: a sentence, a list item or a judgement statement. A
cheap IDF-weighted word match shortlists them; the shortlist is embedded and compared with the
question and its topic. Shapes (`shapes.py`) decide which units are candidates; this module
only scores and chooses. Pure but for the `embed` function passed in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering.policy import AnswerPolicy
from assistant.answering.retrieval import Hit
from assistant.core import councils
from assistant.core.meta import REPORT_TYPES
from assistant.core.passage import Unit, UnitKind
from assistant.core.sentences import Span
from assistant.core.text import terms
from assistant.index.boilerplate import sentence_key

# What a unit says that a question's shape wants quoted: a cause for "why", a resolution or a
# vote for "what did the committee do". Minutes record decisions in set words.
DECIDED = re.compile(
    r"\b(resolved|agreed|decided|approved|rejected|voted|unanimous(ly)?|carried|referred|endorsed?"
    r"|motion)\b",
    re.I,
)
# Inspectors' words for practice worth copying: what a request for a good example wants.
PRAISED = re.compile(
    r"\b(exemplary|excellent|outstanding|exceptional|exceptionally|highly effective|impressive"
    r"|innovative|creative|inspiring|particularly (strong|effective|good)|very (strong|effective"
    r"|good)|strength)\b",
    re.I,
)
CAUSAL = re.compile(
    r"\b(because|due to|as a result|owing to|caused by|led to|leading to|resulted in|result of"
    r"|reasons?|therefore|consequently|this means|driven by|primarily|mainly|largely"
    r"|attributed to|in response to|following)\b",
    re.I,
)


@dataclass(frozen=True)
class Candidate:
    """A unit of a retrieved passage, scored against the question."""

    hit: Hit
    span: Span  # page offsets
    text: str
    kind: UnitKind = UnitKind.SENTENCE
    lexical: float = 0.0
    similarity: float = 0.0
    score: float = 0.0

    @property
    def doc_id(self) -> str:
        return self.hit.passage.doc_id


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


def places_document(c: Candidate) -> bool:
    """A unit of the section a document opens with under its own name ("Focused visit to Norfolk
    children's services": the dates, the inspectors, what they looked at) or of its unheaded
    opening, up to its grade table if it has one: it places the document rather than saying
    what was found."""
    passage = c.hit.passage
    opening = placing_section(passage.section) or (not passage.section and passage.ordinal == 0)
    table = [u.start for u in passage.units if u.kind == UnitKind.JUDGEMENT]
    # What follows a grade table is the report's summary of its findings.
    return opening and (not table or c.span.start < min(table))


def placing_section(section: tuple[str, ...]) -> bool:
    """A section headed with the document's own name: reports head the sections that say what
    was found with what they are about, never with the council's name."""
    return bool(section) and bool(councils.mentions(section[-1]))


def candidates(hits: list[Hit], *, limit: int | None = None) -> list[Candidate]:
    """The quotable units of the (first `limit`) hits."""
    out = []
    for hit in hits[:limit]:
        passage = hit.passage
        for unit in passage.quotable():
            text = passage.unit_text(unit)
            if unit.kind != UnitKind.SENTENCE or is_statement(text):
                out.append(candidate(hit, unit, text))
    return out


def originals(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per statement of a council's papers. Papers carry earlier papers' words
    forward (a report to cabinet, then the same report to full council), so a unit that several
    of them hold word for word is quoted from the earliest, ranked as its best-placed copy.
    Inspection reports are left alone: their repeated lines (a grade row, a standard sentence)
    are statements of each report, not copies of one."""
    copies: dict[object, list[Candidate]] = {}
    for c in cands:
        meta = c.hit.passage.meta
        key = id(c) if meta.doc_type in REPORT_TYPES else (meta.council, sentence_key(c.text))
        copies.setdefault(key, []).append(c)
    out = []
    for group in copies.values():
        first = min(group, key=lambda c: c.hit.passage.meta.published or "9999")
        best = max(c.hit.similarity for c in group)
        out.append(replace(first, hit=replace(first.hit, similarity=best)))
    return out


def candidate(hit: Hit, unit: Unit, text: str, *, score: float = 0.0) -> Candidate:
    return Candidate(hit, unit.span, text, kind=unit.kind, score=score, similarity=score)


def lexical_scores(question: str, cands: list[Candidate]) -> list[Candidate]:
    """IDF-weighted share of the question's terms found in each unit (or its passage's acronym
    expansions and section headings), with IDF taken over the candidate pool itself."""
    wanted = set(terms(question))
    if not wanted or not cands:
        return cands
    bags = [
        set(terms(" ".join((c.text, c.hit.passage.aka, *c.hit.passage.section)))) for c in cands
    ]
    n = len(bags)
    idf = {t: math.log(1 + n / (1 + sum(t in b for b in bags))) for t in wanted}
    total = sum(idf.values()) or 1.0
    return [
        replace(c, lexical=sum(idf[t] for t in wanted & b) / total)
        for c, b in zip(cands, bags, strict=True)
    ]


def score(
    question: str,
    topic: str,
    cands: list[Candidate],
    *,
    embed: Callable,
    policy: AnswerPolicy,
    shortlist: int | None = None,
    cue: re.Pattern | None = None,
) -> list[Candidate]:
    """Shortlist by a cheap lexical + passage score, then rank by embedding similarity.

    Units are compared with the question and with its topic (the question without the councils
    and dates that place it, which the gating rules have already matched), keeping the better
    of the two: "Norfolk's October 2019 focused visit" should not make a sentence that merely
    names Norfolk look like an answer. A unit matching `cue` (a cause, a decision) scores higher.
    """
    if not cands:
        return []

    def bonus(c: Candidate) -> float:
        value = policy.passage_weight * c.hit.similarity
        return value + (policy.cue_weight if cue and cue.search(c.text) else 0.0)

    ranked = sorted(lexical_scores(topic, cands), key=lambda c: -(c.lexical + 2 * bonus(c)))
    cheap = ranked[: shortlist or policy.shortlist]
    if cue is not None:  # a cause or a resolution seldom shares the question's words
        cheap += [c for c in ranked[len(cheap) :] if cue.search(c.text)][: policy.cue_slots]
    vectors = embed([question, topic] + [c.text for c in cheap])
    sims = np.maximum(vectors[2:] @ vectors[0], vectors[2:] @ vectors[1])
    return [
        replace(
            c, similarity=float(s), score=float(s) + policy.lexical_weight * c.lexical + bonus(c)
        )
        for c, s in zip(cheap, np.asarray(sims), strict=True)
    ]


def select(
    scored: list[Candidate],
    *,
    policy: AnswerPolicy,
    cap: int | None = None,
    limit: int | None = None,
) -> list[Candidate]:
    """The best units: above the floor, near the best, `cap` per document, no near-duplicates."""
    ranked = sorted(scored, key=lambda c: -c.score)
    if not ranked or ranked[0].score < policy.min_score:
        return []
    floor = max(policy.min_score, ranked[0].score - policy.margin)
    cap = cap or policy.per_document
    limit = limit or policy.max_sentences
    chosen: list[Candidate] = []
    per_doc: dict[str, int] = {}
    per_passage: dict[str, int] = {}
    for cand in ranked:
        if cand.score < floor or len(chosen) >= limit:
            break
        if per_doc.get(cand.doc_id, 0) >= cap:
            continue
        if per_passage.get(cand.hit.passage.id, 0) >= policy.per_passage:
            continue
        if any(overlap(cand.text, c.text) >= policy.duplicate_overlap for c in chosen):
            continue
        chosen.append(cand)
        per_doc[cand.doc_id] = per_doc.get(cand.doc_id, 0) + 1
        per_passage[cand.hit.passage.id] = per_passage.get(cand.hit.passage.id, 0) + 1
    return chosen


def overlap(a: str, b: str) -> float:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))
