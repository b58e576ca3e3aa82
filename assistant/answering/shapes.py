"""Answer shapes: which units answer a question of each shape, from which documents, in which
groups.

- a list ("what needs to improve?") or a judgement ("what was it judged?"): read off the
  report's structure (`answering/structured.py`);
- a change over time: one statement per report of the council, in date order;
- a comparison: each named council's own best statements;
- examples: several documents, one example each;
- a reason: statements that give a cause rank higher; a quantity: only units holding one of the
  kind asked for; anything else: the best statements anywhere.
"""

from __future__ import annotations

from assistant.answering import quantities
from assistant.answering.compose import Chosen
from assistant.answering.index_view import IndexView
from assistant.answering.intent import (
    QueryIntent,
    Scope,
    Shape,
    Spread,
    admits,
    area_of,
    fitting,
)
from assistant.answering.policy import AnswerPolicy
from assistant.answering.retrieval import Hit
from assistant.answering.selection import (
    CAUSAL,
    DECIDED,
    PRAISED,
    Candidate,
    candidates,
    originals,
    overlap,
    places_document,
    score,
    select,
)
from assistant.answering.structured import judged_documents, judgements, list_documents, lists
from assistant.core.passage import UnitKind
from assistant.core.record import DocumentRecord
from assistant.index.catalogue import Catalogue

_CUES = {Shape.REASON: CAUSAL, Shape.DECISION: DECIDED}


def answer_units(intent: QueryIntent, hits: list[Hit], sources: IndexView) -> Chosen:
    """The units that answer `intent`, grouped for composing; empty when none does."""
    if intent.spread == Spread.PER_COUNCIL and len(intent.councils) > 1:
        groups = [fitting(intent, sources.catalogue, c) for c in intent.councils]
        return _per_group(intent, [g for g in groups if g], sources, ordered=False)
    if intent.spread == Spread.OVER_TIME and intent.councils:
        reports = fitting(intent, sources.catalogue, intent.councils[0])
        return _per_group(intent, [(r,) for r in reports], sources, ordered=True)
    if intent.shape == Shape.LIST:
        found = lists(
            intent,
            list_documents(intent, _meant_for_structure(intent, hits, sources), sources),
            sources,
        )
        return Chosen(tuple(found), Shape.LIST)
    if intent.shape == Shape.JUDGEMENT:
        judged = judgements(
            intent,
            judged_documents(intent, _meant_for_structure(intent, hits, sources), sources),
            sources,
        )
        return Chosen(tuple(judged), Shape.JUDGEMENT)
    admitted = _meant(intent, hits, sources)
    if intent.spread == Spread.ACROSS:
        return _examples(intent, admitted, sources)
    extra = []
    if intent.shape == Shape.DECISION:
        extra = _resolutions(admitted, sources, vector=sources.embed_query(intent.question))
    if intent.shape == Shape.QUANTITY and intent.councils:
        # A number is one sentence in one report: the topic searched inside the reports the
        # question names finds it where the whole collection's best passages need not hold it.
        named = tuple(r for c in intent.councils for r in fitting(intent, sources.catalogue, c))
        extra = _search(intent, sources, named, k=sources.policy.passages) if named else []
    # A grade row answers how a report judged what is asked about (a grade, a judged area:
    # "how are Devon's care leavers getting on?"); the answer's title gives the overall one,
    # and a plain question's "improvement" is not "Requires improvement".
    scored = _scored(intent, admitted, sources, extra=extra, judged=bool(intent.grade))
    # The cap per document makes room for other documents; with one, it has none to make.
    alone = len({c.doc_id for c in scored}) == 1
    cap = sources.policy.max_sentences if alone else None
    chosen = _with_cue(
        select(scored, policy=sources.policy, cap=cap), scored, intent, sources.policy
    )
    return Chosen((tuple(chosen),), intent.shape) if chosen else Chosen(())


def _meant_for_structure(intent: QueryIntent, hits: list[Hit], sources: IndexView) -> list[Hit]:
    """A named council's lists and grade tables are found from the catalogue, not from hits:
    only a question naming none needs the hits it means."""
    return hits if intent.councils else _meant(intent, hits, sources)


def _meant(intent: QueryIntent, hits: list[Hit], sources: IndexView) -> list[Hit]:
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
    # One more than the limit, by design: the cause is what the question asked for.
    giving = [
        c
        for c in scored
        if cue.search(c.text)
        and c.score >= policy.min_score
        and all(overlap(c.text, k.text) < policy.duplicate_overlap for k in chosen)
    ]
    if not giving:
        return chosen
    # The unit saying most of it ("resolved, with a unanimous vote") before a passing mention.
    best = max(
        giving, key=lambda c: (len({m.group(0).lower() for m in cue.finditer(c.text)}), c.score)
    )
    return [*chosen, best]


def _resolutions(hits: list[Hit], sources: IndexView, *, vector) -> list[Hit]:
    """The passages of the best documents that record decisions ("RESOLVED that...", "agreed
    unanimously", "voted against"): minutes say what was done in set words, which a question
    about what a committee did seldom shares."""
    policy = sources.policy
    doc_ids = tuple(dict.fromkeys(h.passage.doc_id for h in hits))[: policy.decision_documents]
    if not doc_ids:
        return []
    found = sources.keyword_index.search(
        "resolved resolution unanimous unanimously voted agreed",
        k=policy.resolutions,
        where=sources.within(doc_ids),
    )
    seen = {h.passage.id for h in hits}
    stored = sources.retriever.store.get([r.id for r in found if r.id not in seen], vector=vector)
    # Read by id, as written now: a paper relabelled since the keyword index was built is
    # checked against the reader here (`Retriever.search` does the same for its own reads).
    mine = (s for s in stored if sources.reader.may_see(s.passage.meta.access))
    return [Hit(s.passage, 0.0, s.score) for s in mine]


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
    sources: IndexView,
    *,
    shortlist: int | None = None,
    extra: list[Hit] | None = None,
    cue=None,
    judged: bool = True,
) -> list[Candidate]:
    """The units of the best hits (and of `extra` ones a shape found), scored; grade rows
    among them only when `judged` or of the area the question names."""
    policy = sources.policy
    shared = sources.keyword_index
    cands = originals(
        [
            c
            for c in candidates(hits[: policy.passages] + (extra or []))
            if (c.kind != UnitKind.SENTENCE or not shared.is_boilerplate(c.text))
            and (judged or c.kind != UnitKind.JUDGEMENT or _of_area(c.text, intent.area))
        ]
    )
    if intent.shape == Shape.QUANTITY:  # a number of the thing asked about, not of another
        cands = [
            c
            for c in cands
            if quantities.holds(intent.quantity, c.text)
            and quantities.about(intent.counted, " ".join((c.text, *c.hit.passage.section)))
        ]
    return score(
        intent.question,
        intent.topic,
        cands,
        embed=sources.embed,
        policy=policy,
        shortlist=shortlist,
        cue=cue or _CUES.get(intent.shape),
    )


def _of_area(text: str, area: str) -> bool:
    return bool(area) and area_of(text) == area


def _search(
    intent: QueryIntent, sources: IndexView, records: tuple[DocumentRecord, ...], *, k: int
) -> list[Hit]:
    """The topic searched inside the given documents only."""
    where = sources.within(r.doc_id for r in records)
    return sources.retriever.search(
        intent.topic, reader=sources.reader, k=k, where=where, scope=Scope()
    )


def _per_group(
    intent: QueryIntent,
    groups: list[tuple[DocumentRecord, ...]],
    sources: IndexView,
    *,
    ordered: bool,
) -> Chosen:
    """Each group (a council's documents, or one report) answered on its own; groups with
    nothing close enough are left out. `ordered`: keep the groups' order (dates), and of many
    reports the latest."""
    policy = sources.policy
    answered: list[list[tuple[Candidate, ...]]] = []  # per group searched
    # Over time the latest reports are wanted: search back from the newest until enough answer.
    for records in list(reversed(groups)) if ordered else groups[: policy.max_groups]:
        if sum(map(len, answered)) >= policy.max_groups:
            break
        answered.append(_group_answer(intent, records, sources))
    # back in date order (keeping the latest), or in the order named
    flat = [g for found in (reversed(answered) if ordered else answered) for g in found]
    picked = flat[-policy.max_groups :] if ordered else flat[: policy.max_groups]
    best = max((c.score for group in picked for c in group), default=0.0)
    floor = best - policy.group_margin * policy.margin
    kept = tuple(g for g in picked if max(c.score for c in g) >= floor)
    return Chosen(kept, intent.shape if intent.shape != Shape.FACT else intent.spread)


def _group_answer(
    intent: QueryIntent, records: tuple[DocumentRecord, ...], sources: IndexView
) -> list[tuple[Candidate, ...]]:
    """What one group's documents give: their lists, their judgements, or their best units."""
    if intent.shape == Shape.LIST:
        return list(lists(intent, records, sources))
    if intent.shape == Shape.JUDGEMENT:
        return list(judgements(intent, records, sources))
    policy = sources.policy
    hits = _search(intent, sources, records, k=policy.group_passages)
    scored = _scored(intent, hits, sources, shortlist=policy.group_shortlist)
    if intent.spread == Spread.OVER_TIME:
        # One report: its statement on the topic is often one line of a summary passage about
        # many things, which the search ranks low, so the whole report's units that share the
        # topic's words compete too. Beside the search's, not instead: where the topic's words
        # are only the question's frame ("set out the dates..."), they find nothing on it.
        whole = _read_whole(intent, sources, records)
        seen = {(c.hit.passage.id, c.span.start) for c in scored}
        more = _scored(intent, [], sources, extra=whole, shortlist=policy.group_shortlist)
        scored += [c for c in more if (c.hit.passage.id, c.span.start) not in seen]
        if intent.shape != Shape.QUANTITY:
            # A change is in what each report found: what places a report (its dates, its
            # inspectors, what they looked at) is no part of it, even where it scores best. (A
            # comparison keeps them: "who led both inspections?" is asked of exactly those.)
            scored = [c for c in scored if not places_document(c)]
    chosen = select(scored, policy=policy, cap=policy.per_group, limit=policy.per_group)
    return [tuple(chosen)] if chosen else []


def _read_whole(
    intent: QueryIntent, sources: IndexView, records: tuple[DocumentRecord, ...]
) -> list[Hit]:
    """Every passage of the documents the reader may see, closest to the topic first."""
    where = sources.within(r.doc_id for r in records)
    found = sources.retriever.store.find(where.chroma(), vector=sources.embed_query(intent.topic))
    return [Hit(s.passage, 0.0, s.score) for s in sorted(found, key=lambda s: -s.score)]


def _examples(intent: QueryIntent, hits: list[Hit], sources: IndexView) -> Chosen:
    """Several documents, one example each, best first. Across the country, a good example is
    one the inspectors praised ("exemplary", "excellent"); inside one council's reports (the
    ANYWHERE shape), the example asked about is the one on its topic."""
    policy = sources.policy
    scored = _scored(intent, hits, sources, shortlist=2 * policy.shortlist, cue=PRAISED)
    chosen = select(scored, policy=policy, cap=1, limit=policy.max_groups)
    return Chosen(tuple((c,) for c in chosen), Shape.EXAMPLES) if chosen else Chosen(())
