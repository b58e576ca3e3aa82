"""Answer shapes: which units answer a question of each shape, from which documents, in which
groups.

- a list ("what needs to improve?"): the items under the best-matching list heading of each
  matching report, whole and in order;
- a judgement ("what was it judged?"): the report's own judgement statements (its grade table's
  rows, a graded heading, a headline verdict), for the area asked about when one is named;
- a change over time: one statement per report of the council, in date order;
- a comparison: each named council's own best statements;
- examples: several documents, one example each;
- a reason: statements that give a cause rank higher; a quantity: only units holding one of the
  kind asked for; anything else: the best statements anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import quantities
from .answer import (
    CAUSAL,
    DECIDED,
    PRAISED,
    Candidate,
    candidate,
    candidates,
    overlap,
    score,
    select,
)
from .catalogue import Catalogue, fitting
from .compose import Chosen
from .filters import Condition, Filter
from .intent import (
    ACROSS,
    DECISION,
    EXAMPLES,
    FACT,
    JUDGEMENT,
    LIST,
    OVER_TIME,
    PER_COUNCIL,
    QUANTITY,
    REASON,
    QueryIntent,
    Scope,
    admits,
    area_of,
)
from .judgements import is_overall_statement
from .policy import AnswerPolicy
from .records import DocumentRecord
from .retrieval import Hit, Retriever
from .store import StoredHit

_CUES = {REASON: CAUSAL, DECISION: DECIDED}


@dataclass(frozen=True)
class Sources:
    """What a shape reads: the retriever (and its store and catalogue) and the encoder."""

    retriever: Retriever
    embed: Callable[[list[str]], np.ndarray]
    embed_query: Callable[[str], np.ndarray]
    policy: AnswerPolicy
    where: Filter | None = None  # the user's own filter, applied to every search

    @property
    def catalogue(self) -> Catalogue:
        return self.retriever.catalogue()


def answer_units(intent: QueryIntent, hits: list[Hit], sources: Sources) -> Chosen:
    """The units that answer `intent`, grouped for composing; empty when none does."""
    if intent.spread == PER_COUNCIL and len(intent.councils) > 1:
        groups = [fitting(intent, sources.catalogue, c) for c in intent.councils]
        return _per_group(intent, [g for g in groups if g], sources, ordered=False)
    if intent.spread == OVER_TIME and intent.councils:
        reports = fitting(intent, sources.catalogue, intent.councils[0])
        return _per_group(intent, [(r,) for r in reports], sources, ordered=True)
    admitted = _meant(intent, hits, sources)
    if intent.shape == LIST:
        lists = _lists(intent, _list_documents(intent, admitted, sources), sources)
        return Chosen(tuple(lists), LIST)
    if intent.shape == JUDGEMENT:
        judged = _judgements(intent, _judged_documents(intent, admitted, sources), sources)
        return Chosen(tuple(judged), JUDGEMENT)
    if intent.spread == ACROSS:
        return _examples(intent, admitted, sources)
    extra = []
    if intent.shape == DECISION:
        extra = _resolutions(admitted, sources, vector=sources.embed_query(intent.question))
    scored = _scored(intent, admitted, sources, extra=extra)
    chosen = _with_cue(select(scored, policy=sources.policy), scored, intent, sources.policy)
    return Chosen((tuple(chosen),), intent.shape) if chosen else Chosen(())


def _meant(intent: QueryIntent, hits: list[Hit], sources: Sources) -> list[Hit]:
    """The hits from the documents the question means: those that fit what it names; the papers
    of the day it names ("on 13 March"); the council's latest report ("at its most recent
    inspection"), searched afresh; its reports rather than its papers, when it asks what
    inspectors found and some hits are from them."""
    admitted = [h for h in hits if admits(intent, h.passage.meta, h.passage.text)]
    dated = _dated(intent, sources.catalogue)
    if dated:
        return _search(intent, sources, dated, k=sources.policy.passages)
    if not intent.councils or not (intent.latest or intent.inspected):
        return admitted
    records = tuple(r for c in intent.councils for r in fitting(intent, sources.catalogue, c))
    if intent.latest and records:
        return _search(intent, sources, records, k=sources.policy.passages)
    meant = {r.doc_id for r in records}
    reports = [h for h in admitted if h.passage.doc_id in meant]
    return reports or admitted


# --- scoring units of retrieved passages -------------------------------------------------------


def _with_cue(
    chosen: list[Candidate], scored: list[Candidate], intent: QueryIntent, policy: AnswerPolicy
) -> list[Candidate]:
    """A "why" answer quotes a cause and a "what did the committee do" answer a resolution:
    when the best statements hold none, the best unit that does is added."""
    cue = _CUES.get(intent.shape)
    if cue is None or not chosen or any(cue.search(c.text) for c in chosen):
        return chosen
    giving = [c for c in scored if cue.search(c.text) and c.score >= policy.min_score]
    if not giving:
        return chosen
    # The unit saying most of it ("resolved, with a unanimous vote") before a passing mention.
    best = max(
        giving, key=lambda c: (len({m.group(0).lower() for m in cue.finditer(c.text)}), c.score)
    )
    return [*chosen, best]


def _resolutions(hits: list[Hit], sources: Sources, *, vector) -> list[Hit]:
    """The passages of the best documents that record decisions ("RESOLVED that...", "agreed
    unanimously", "voted against"): minutes say what was done in set words, which a question
    about what a committee did seldom shares."""
    doc_ids = tuple(dict.fromkeys(h.passage.doc_id for h in hits))[:3]
    if not doc_ids:
        return []
    where = Filter((Condition("doc_id", "$in", doc_ids),))
    found = sources.retriever.keyword_index().search(
        "resolved resolution unanimous unanimously voted agreed", k=8, where=where
    )
    seen = {h.passage.id for h in hits}
    stored = sources.retriever.store.get([r.id for r in found if r.id not in seen], vector=vector)
    return [Hit(s.passage, 0.0, s.score) for s in stored]


def _dated(intent: QueryIntent, catalogue: Catalogue) -> tuple[DocumentRecord, ...]:
    """Documents dated a day the question names, of the councils it names."""
    if not intent.days:
        return ()
    days = {f"{month:02d}-{day:02d}" for month, day in intent.days}
    return tuple(
        r
        for r in catalogue.records
        if r.meta.published[5:10] in days
        and (not intent.councils or r.meta.council in intent.councils)
    )


def _scored(
    intent: QueryIntent,
    hits: list[Hit],
    sources: Sources,
    *,
    shortlist: int | None = None,
    extra: list[Hit] | None = None,
    cue=None,
) -> list[Candidate]:
    """The units of the best hits (and of `extra` ones a shape found), scored."""
    policy = sources.policy
    shared = sources.retriever.keyword_index()
    cands = [
        c
        for c in candidates(hits[: policy.passages] + (extra or []))
        if c.kind != "sentence" or not shared.is_boilerplate(c.text)
    ]
    if intent.shape == QUANTITY:
        cands = [c for c in cands if quantities.holds(intent.quantity, c.text)]
    return score(
        intent.question,
        intent.topic,
        cands,
        embed=sources.embed,
        policy=policy,
        shortlist=shortlist,
        cue=cue or _CUES.get(intent.shape),
    )


def _search(
    intent: QueryIntent, sources: Sources, records: tuple[DocumentRecord, ...], *, k: int
) -> list[Hit]:
    """The topic searched inside the given documents only."""
    where = Filter((Condition("doc_id", "$in", tuple(r.doc_id for r in records)),))
    if sources.where:
        where = where.and_(sources.where)
    return sources.retriever.search(intent.topic, k=k, where=where, scope=Scope())


def _per_group(
    intent: QueryIntent,
    groups: list[tuple[DocumentRecord, ...]],
    sources: Sources,
    *,
    ordered: bool,
) -> Chosen:
    """Each group (a council's documents, or one report) answered on its own; groups with
    nothing close enough are left out. `ordered`: keep the groups' order (dates)."""
    policy = sources.policy
    picked: list[tuple[Candidate, ...]] = []
    for records in groups[: policy.max_groups if not ordered else None]:
        if intent.shape == LIST:
            picked.extend(_lists(intent, records, sources))
        elif intent.shape == JUDGEMENT:
            picked.extend(_judgements(intent, records, sources))
        else:
            hits = _search(intent, sources, records, k=policy.group_passages)
            scored = _scored(intent, hits, sources, shortlist=policy.group_shortlist)
            chosen = select(scored, policy=policy, cap=policy.per_group, limit=policy.per_group)
            if chosen:
                picked.append(tuple(chosen))
    best = max((c.score for group in picked for c in group), default=0.0)
    floor = best - 1.5 * policy.margin
    kept = tuple(g for g in picked if max(c.score for c in g) >= floor)
    if ordered and len(kept) > policy.max_groups:
        kept = kept[-policy.max_groups :]  # the latest reports
    return Chosen(kept, intent.shape if intent.shape != FACT else intent.spread)


def _examples(intent: QueryIntent, hits: list[Hit], sources: Sources) -> Chosen:
    """Several documents, one example each, best first. Across the country, a good example is
    one the inspectors praised ("exemplary", "excellent"); inside one council's reports (the
    ANYWHERE shape), the example asked about is the one on its topic."""
    policy = sources.policy
    scored = _scored(intent, hits, sources, shortlist=2 * policy.shortlist, cue=PRAISED)
    chosen = select(scored, policy=policy, cap=1, limit=policy.max_groups)
    return Chosen(tuple((c,) for c in chosen), EXAMPLES) if chosen else Chosen(())


# --- lists ------------------------------------------------------------------------------------


def _list_documents(
    intent: QueryIntent, hits: list[Hit], sources: Sources
) -> tuple[DocumentRecord, ...]:
    """The reports whose lists are wanted: the named council's (latest first), else the
    documents of the best hits."""
    if intent.councils:
        records = fitting(intent, sources.catalogue, intent.councils[0])
        return tuple(reversed(records))[:1] if not intent.years else records
    seen = list(dict.fromkeys(h.passage.doc_id for h in hits))[:2]
    by_id = {r.doc_id: r for r in sources.catalogue.records}
    return tuple(by_id[d] for d in seen if d in by_id)


def _lists(
    intent: QueryIntent, records: tuple[DocumentRecord, ...], sources: Sources
) -> list[tuple[Candidate, ...]]:
    """Per report, the items under its list heading that best matches the question."""
    if not records:
        return []
    vector = sources.embed_query(intent.topic)
    # The words that asked for a list say which list: "needing to get better" is the list
    # headed "What needs to improve?", not the one headed with the visit's focus.
    cue = sources.embed_query(intent.cue) if intent.cue else vector
    found = _find(sources, records, "items", vector)
    out = []
    for doc_id in dict.fromkeys(r.doc_id for r in records):
        sections = _sections([h for h in found if h.passage.doc_id == doc_id])
        if not sections:
            continue
        headings = list(sections)
        heading_vectors = sources.embed([h[-1] if h else "" for h in headings])
        best = max(
            range(len(headings)),
            key=lambda i: (
                0.6 * float(heading_vectors[i] @ cue)
                + 0.4 * max(s.score for s in sections[headings[i]])
            ),
        )
        items = _items(sections[headings[best]], sources.policy.max_items)
        out.append(tuple(items))
    return [g for g in out if g]


def _sections(found: list[StoredHit]) -> dict[tuple[str, ...], list[StoredHit]]:
    sections: dict[tuple[str, ...], list[StoredHit]] = {}
    for hit in sorted(found, key=lambda h: (h.passage.page or 0, h.passage.start)):
        sections.setdefault(hit.passage.section, []).append(hit)
    return sections


def _items(passages: list[StoredHit], limit: int) -> list[Candidate]:
    out = []
    for stored in passages:
        hit = Hit(stored.passage, stored.score, stored.score)
        for unit in stored.passage.units:
            if unit.kind == "item":
                out.append(candidate(hit, unit, stored.passage.unit_text(unit), score=1.0))
    return out[:limit]


# --- judgements ---------------------------------------------------------------------------------


def _judged_documents(
    intent: QueryIntent, hits: list[Hit], sources: Sources
) -> tuple[DocumentRecord, ...]:
    """The reports whose judgements are wanted: the named council's (the latest, or those of
    the years named); with no council, those given the grade named (latest per council), or
    the documents of the best hits."""
    catalogue = sources.catalogue
    if intent.councils:
        records = [r for r in fitting(intent, catalogue, intent.councils[0]) if _graded(r)]
        return tuple(records) if intent.years else tuple(records[-1:])
    if intent.grade:
        latest: dict[str, DocumentRecord] = {}
        for record in catalogue.records:
            if _graded(record) and _given(record, intent):
                latest[record.meta.council] = max(
                    (latest.get(record.meta.council, record), record),
                    key=lambda r: r.meta.published,
                )
        ordered = sorted(latest.values(), key=lambda r: r.meta.published, reverse=True)
        return tuple(ordered[: sources.policy.max_groups])
    seen = list(dict.fromkeys(h.passage.doc_id for h in hits))[:2]
    by_id = {r.doc_id: r for r in catalogue.records}
    return tuple(by_id[d] for d in seen if d in by_id and _graded(by_id[d]))


def _graded(record: DocumentRecord) -> bool:
    meta = record.meta
    return bool(meta.overall_judgement or meta.judgements or meta.doc_type == "area_send")


def _given(record: DocumentRecord, intent: QueryIntent) -> bool:
    meta = record.meta
    grade = meta.judgement(intent.area) if intent.area else meta.overall_judgement
    return grade == intent.grade


def _judgements(
    intent: QueryIntent, records: tuple[DocumentRecord, ...], sources: Sources
) -> list[tuple[Candidate, ...]]:
    """Per report, its judgement statements: those about the area asked about and the overall
    verdict, else all of them."""
    if not records:
        return []
    found = _find(sources, records, "judgements", sources.embed_query(intent.topic))
    out = []
    for record in records:
        units = [
            candidate(Hit(h.passage, h.score, h.score), u, h.passage.unit_text(u), score=1.0)
            for h in sorted(
                (h for h in found if h.passage.doc_id == record.doc_id),
                key=lambda h: (h.passage.page or 0, h.passage.start),
            )
            for u in h.passage.units
            if u.kind == "judgement"
        ]
        if intent.area:
            wanted = [
                c for c in units if area_of(c.text) == intent.area or is_overall_statement(c.text)
            ]
            units = wanted or units
        units = _distinct(units, sources.policy.duplicate_overlap)
        if units:
            out.append(tuple(units[: sources.policy.max_sentences]))
    return out


def _distinct(units: list[Candidate], limit: float) -> list[Candidate]:
    """A grade table's row and the graded heading that repeats it are one statement."""
    kept: list[Candidate] = []
    for unit in units:
        if not any(overlap(unit.text, k.text) >= limit for k in kept):
            kept.append(unit)
    return kept


def _find(
    sources: Sources, records: tuple[DocumentRecord, ...], counted: str, vector
) -> list[StoredHit]:
    where = Filter(
        (
            Condition("doc_id", "$in", tuple(r.doc_id for r in records)),
            Condition(counted, "$gt", 0),
        )
    )
    if sources.where:
        where = where.and_(sources.where)
    return sources.retriever.store.find(where.chroma(), vector=vector)
