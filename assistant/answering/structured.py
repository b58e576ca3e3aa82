"""Answers read off a report's structure: the items of the list whose heading best matches the
question, and the report's own judgement statements (grade-table rows, graded headings, headline
verdicts, area SEND outcomes) for the area asked about.

The list and the grade table are where a report says what must improve and how it was judged,
in its own words: such a question is answered with them whole, not with sentences that happen
to score well.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.answering.index_view import IndexView
from assistant.answering.intent import QueryIntent, Shape, area_of, fitting, unplaced
from assistant.answering.retrieval import Hit
from assistant.answering.selection import Candidate, candidate, is_statement, placing_section
from assistant.core.filters import Condition
from assistant.core.judgements import is_graded_heading, is_overall_statement
from assistant.core.meta import REPORT_TYPES
from assistant.core.passage import Unit, UnitKind
from assistant.core.record import DocumentRecord
from assistant.index.store import StoredHit

# --- lists ------------------------------------------------------------------------------------


def list_documents(
    intent: QueryIntent, hits: list[Hit], sources: IndexView
) -> tuple[DocumentRecord, ...]:
    """The reports whose lists are wanted: the named council's latest (or, when the question
    names years, each of its documents from them, oldest first), else the documents of the two
    best hits."""
    if intent.councils:
        records = fitting(intent, sources.catalogue, intent.councils[0])
        return records if intent.years else records[-1:]
    return sources.best_documents(hits)


def lists(
    intent: QueryIntent, records: tuple[DocumentRecord, ...], sources: IndexView
) -> list[tuple[Candidate, ...]]:
    """Per report, the items under its list heading that best matches the question."""
    if not records:
        return []
    vector = sources.embed_query(intent.topic)
    # Which list: the one whose heading means what a list question asks ("what needs to
    # improve", from the reader's examples, whatever the wording), and what this question's
    # own words asked ("needing to get better"); not the list headed with the visit's focus.
    cue = sources.embed_query(intent.cue) if intent.cue else vector
    if sources.prototype is not None:
        cue = cue + sources.prototype(Shape.LIST)
        cue = cue / np.linalg.norm(cue)
    found = _find(sources, records, "items", vector)
    weight = sources.policy.heading_weight
    out = []
    for doc_id in dict.fromkeys(r.doc_id for r in records):
        sections = _sections([h for h in found if h.passage.doc_id == doc_id])
        # A list under the document's own name is what the visit looked at: it places the
        # document, and is the answer only when the document has no other list.
        findings = {h: s for h, s in sections.items() if not placing_section(h)}
        sections = findings or sections
        if not sections:
            continue
        headings = list(sections)
        # A heading is compared by what it says, not by the council or visit it names (a
        # letter's own heading names both, and would match any question about that visit).
        heading_vectors = sources.embed([unplaced(h[-1]) if h else "" for h in headings])
        best = max(
            range(len(headings)),
            key=lambda i: (
                weight * float(heading_vectors[i] @ cue)
                + (1 - weight) * max(s.score for s in sections[headings[i]])
            ),
        )
        items = _units_of_kind(sections[headings[best]], UnitKind.ITEM)[: sources.policy.max_items]
        out.append(tuple(items))
    return [g for g in out if g]


def _sections(found: list[StoredHit]) -> dict[tuple[str, ...], list[StoredHit]]:
    sections: dict[tuple[str, ...], list[StoredHit]] = {}
    for hit in sorted(found, key=_in_order):
        sections.setdefault(hit.passage.section, []).append(hit)
    return sections


def _in_order(hit: StoredHit) -> tuple[int, int]:
    """Where a passage stands in its document: page, then offset."""
    return (hit.passage.page or 0, hit.passage.start)


def _units_of_kind(found: list[StoredHit], kind: str) -> list[Candidate]:
    """The units of one kind in the passages found, in document order, each a candidate."""
    return [
        _quoted(h, u)
        for h in sorted(found, key=_in_order)
        for u in h.passage.units
        if u.kind == kind
    ]


def _quoted(hit: StoredHit, unit: Unit) -> Candidate:
    """A unit of a passage read off a report's structure, as a candidate that needs no score."""
    return candidate(
        Hit(hit.passage, hit.score, hit.score), unit, hit.passage.unit_text(unit), score=1.0
    )


# --- judgements ---------------------------------------------------------------------------------


def judged_documents(
    intent: QueryIntent, hits: list[Hit], sources: IndexView
) -> tuple[DocumentRecord, ...]:
    """The reports whose judgements are wanted: the named council's (the latest, or those of
    the years named); with no council, those given the grade named (latest per council), or
    the documents of the best hits."""
    catalogue = sources.catalogue
    if intent.councils:
        records = fitting(intent, catalogue, intent.councils[0])
        graded = [r for r in records if _graded(r)]
        if not graded and intent.read:  # "how did it do at its focused visit?": the letter's
            graded = [r for r in records if r.meta.doc_type in REPORT_TYPES]  # own verdict
        return tuple(graded) if intent.years else tuple(graded[-1:])
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
    return sources.best_documents(hits, _graded)


def _graded(record: DocumentRecord) -> bool:
    meta = record.meta
    return bool(meta.overall_judgement or meta.judgements or meta.doc_type == "area_send")


def _given(record: DocumentRecord, intent: QueryIntent) -> bool:
    meta = record.meta
    grade = meta.judgement(intent.area) if intent.area else meta.overall_judgement
    return grade == intent.grade


def judgements(
    intent: QueryIntent, records: tuple[DocumentRecord, ...], sources: IndexView
) -> list[tuple[Candidate, ...]]:
    """Per report, its judgement statements: those about the area asked about and the overall
    verdict, then that area's own opening verdict; else all of them, then the report's
    summary."""
    if not records:
        return []
    found = _find(sources, records, "judgements", sources.embed_query(intent.topic))
    out = []
    for record in records:
        mine = [h for h in found if h.passage.doc_id == record.doc_id]
        units = _units_of_kind(mine, UnitKind.JUDGEMENT)
        area = intent.area or _area_meant(intent.topic, units, sources)
        if area:
            wanted = [c for c in units if area_of(c.text) == area or is_overall_statement(c.text)]
            units = wanted or units
        units = _distinct(units)[: sources.policy.max_sentences]
        # The area's own opening verdict leads, else the report's summary's (a letter without
        # a grade table: the findings it opens with); what follows is what the question asks
        # of them, from the area's opening and the summary.
        summary = _summary(record, sources) if units else _letter_summary(record, sources)
        opening = (_area_opening(mine, area) if area else []) or summary[:1]
        rest = opening[1:] + [c for c in summary if c not in opening]
        said = units + _leading(opening[:1], rest, _asked_of(intent), sources)
        if said:
            out.append(tuple(said))
    return out


_OVERALL = "overall"  # not an area: the overall effectiveness row


def _area_meant(topic: str, units: list[Candidate], sources: IndexView) -> str:
    """The judged area a question is about, by meaning ("protecting children at risk" is help
    and protection): the area whose grade row is clearly closer to it than any other's, else
    none ("are its services any good?" is about them all)."""
    rows: dict[str, list[str]] = {}
    for unit in units:  # the overall row competes too: a question about it names no area
        area = _OVERALL if is_overall_statement(unit.text) else area_of(unit.text)
        if area:
            rows.setdefault(area, []).append(unit.text)
    if len(rows) < 2:
        return ""
    texts = [t for area_rows in rows.values() for t in area_rows]
    vectors = sources.embed([topic, *texts])
    closeness = dict(zip(texts, vectors[1:] @ vectors[0], strict=True))
    ranked = sorted(((max(closeness[t] for t in ts), a) for a, ts in rows.items()), reverse=True)
    clear = ranked[0][0] - ranked[1][0] >= sources.policy.area_margin
    return ranked[0][1] if clear and ranked[0][1] != _OVERALL else ""


def _area_opening(found: list[StoredHit], area: str) -> list[Candidate]:
    """The statements that open the section headed with the area's grade ("The experiences and
    progress of care leavers: inadequate"): reports state each area's verdict there first."""
    for hit in sorted(found, key=_in_order):
        heading = hit.passage.section[-1:] or ("",)
        if is_graded_heading(heading[0]) and area_of(heading[0]) == area:
            return _statements(hit)
    return []


def _statements(hit: StoredHit) -> list[Candidate]:
    return [
        _quoted(hit, u)
        for u in hit.passage.units
        if u.kind == UnitKind.SENTENCE and is_statement(hit.passage.unit_text(u))
    ]


def _asked_of(intent: QueryIntent) -> str:
    """What the question asks of a verdict beyond the verdict itself ("keeping children safe"),
    or "" when it asks nothing more ("what verdict did inspectors reach on Devon?": its topic
    is the question itself, and "inspectors" would only find sentences about the visit)."""
    return intent.topic if intent.topic != intent.question else ""


def _leading(
    first: list[Candidate], rest: list[Candidate], question: str, sources: IndexView
) -> list[Candidate]:
    """A verdict's first statement, then those of `rest` closest to `question` ("is it keeping
    its children safe?") or, asked nothing more, the next in line; in reading order."""
    wanted = sources.policy.headline_sentences - len(first)
    if len(rest) <= wanted or not question:
        return first + rest[:wanted]
    vectors = sources.embed([question] + [c.text for c in rest])
    closest = np.argsort(-(vectors[1:] @ vectors[0]))[:wanted]
    return first + [rest[i] for i in sorted(closest)]


def _letter_summary(record: DocumentRecord, sources: IndexView) -> list[Candidate]:
    """The statements of the first section a letter heads with what it found ("Headline
    findings"), after the one it opens under its own name."""
    for hit in _opening(record, sources):
        if hit.passage.section and not placing_section(hit.passage.section):
            return _statements(hit)
    return []


def _opening(record: DocumentRecord, sources: IndexView) -> list[StoredHit]:
    policy = sources.policy
    where = sources.within((record.doc_id,), Condition("ordinal", "$lt", policy.opening_passages))
    return sorted(sources.retriever.store.find(where.chroma()), key=lambda h: h.passage.ordinal)


def _summary(record: DocumentRecord, sources: IndexView) -> list[Candidate]:
    """The statements that follow the grade table on the first page ("Children's experiences
    in Devon remain poor. ..."): reports summarise their verdict there, and a verdict asked for
    is better told by them than by the grade rows alone."""
    opening = _opening(record, sources)
    units = [(h, u) for h in opening if h.passage.page in (None, 1) for u in h.passage.units]
    last = max((i for i, (_, u) in enumerate(units) if u.kind == UnitKind.JUDGEMENT), default=None)
    if last is None:
        return []
    return [
        _quoted(h, u)
        for h, u in units[last + 1 :]
        if u.kind == UnitKind.SENTENCE and is_statement(h.passage.unit_text(u))
    ]


def _distinct(units: list[Candidate]) -> list[Candidate]:
    """A grade table's row and the graded heading that repeats it are one statement: the same
    words. Rows of two areas share most of theirs ("...of children in care: inadequate",
    "...of care leavers: inadequate") and are two."""
    kept: list[Candidate] = []
    seen: set[frozenset[str]] = set()
    for unit in units:
        words = frozenset(re.findall(r"\w+", unit.text.lower()))
        if words not in seen:
            seen.add(words)
            kept.append(unit)
    return kept


def _find(
    sources: IndexView, records: tuple[DocumentRecord, ...], counted: str, vector
) -> list[StoredHit]:
    where = sources.within((r.doc_id for r in records), Condition(counted, "$gt", 0))
    return sources.retriever.store.find(where.chroma(), vector=vector)
