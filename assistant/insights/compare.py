"""Compare councils (or documents) on one topic: each one's best verbatim finding, cited,
beside its judgement and date. Every row is retrieved inside its own group's filter, so a
council's row can only quote that council's documents."""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.answering.policy import AnswerPolicy
from assistant.answering.selection import candidates, score
from assistant.core.access import OPERATOR, Reader
from assistant.core.answer import Citation
from assistant.core.councils import reorganised
from assistant.core.filters import Condition, Filter
from assistant.core.record import DocumentRecord

GROUPINGS = ("council", "document")


@dataclass(frozen=True)
class Row:
    """One council's (or document's) best finding on the topic; `citation` None when none."""

    group: str
    citation: Citation | None
    title: str = ""
    overall_judgement: str = ""
    published: str = ""
    score: float = 0.0
    latest_grade: str = ""  # the group's most recent overall grade, e.g. "Good (2023)"

    def to_json(self) -> dict:
        return {
            "group": self.group,
            "title": self.title,
            "overall_judgement": self.overall_judgement,
            "published": self.published,
            "latest_grade": self.latest_grade,
            "score": round(self.score, 4),
            "citation": self.citation.to_json() if self.citation else None,
        }


@dataclass
class Comparison:
    topic: str
    by: str
    rows: list[Row]
    notes: tuple[str, ...] = ()  # councils since replaced, compared through their successors

    def to_json(self) -> dict:
        rows = [r.to_json() for r in self.rows]
        return {"topic": self.topic, "by": self.by, "rows": rows, "notes": list(self.notes)}

    def render(self) -> str:
        lines = [f"{self.topic} — by {self.by}", *(f"({note})" for note in self.notes)]
        for row in self.rows:
            grade = row.overall_judgement or "-"
            latest = f"; latest overall grade {row.latest_grade}" if row.latest_grade else ""
            lines.append(f"\n{row.group}  [{grade}, {row.published[:10] or 'no date'}{latest}]")
            if row.citation is None:
                lines.append("  (nothing on this topic)")
                continue
            c = row.citation
            page = f", page {c.page}" if c.page else ""
            lines.append(f"  \u201c{c.quote}\u201d")
            lines.append(f"  \u2014 {c.title} ({c.source}{page})")
        return "\n".join(lines)


def compare(
    assistant,
    topic: str,
    *,
    by: str = "council",
    where: Filter | None = None,
    k: int = 4,
    policy: AnswerPolicy | None = None,
    reader: Reader = OPERATOR,
) -> Comparison:
    """One row per council (or document) in the index that `where` admits and `reader` may
    see, best match first."""
    if by not in GROUPINGS:
        raise ValueError(f"compare by one of {', '.join(GROUPINGS)}, not '{by}'")
    policy = policy or assistant.policy
    everything = assistant.sources(reader)
    where, notes = _successors_in(where, everything)
    records = [r for r in everything if where is None or where.matches(r.filter_fields())]
    # The latest grade is the council's, whatever the filter: "how is it judged now?"
    councils = _groups(everything, by="council")
    rows = []
    for group, recs in _groups(records, by=by).items():
        row = _row(
            assistant, topic, group, recs, by=by, where=where, k=k, policy=policy, reader=reader
        )
        council = recs[0].meta.council
        rows.append(replace(row, latest_grade=_latest_grade(councils.get(council, []))))
    rows.sort(key=lambda r: (r.citation is None, -r.score, r.group))
    return Comparison(topic, by, rows, notes)


def _successors_in(
    where: Filter | None, records: list[DocumentRecord]
) -> tuple[Filter | None, tuple[str, ...]]:
    """A council the filter names that holds no document but was replaced stands for its
    successors (`council=Northamptonshire` compares North and West Northamptonshire)."""
    if where is None:
        return None, ()
    held = {r.meta.council for r in records}
    conditions, notes = [], []
    for condition in where.conditions:
        named = condition.value if condition.op == "$in" else (condition.value,)
        if condition.field != "council" or condition.op not in ("$eq", "$in"):
            conditions.append(condition)
            continue
        meant: list[str] = []
        for council in named:
            change = None if council in held else reorganised(str(council))
            meant += list(change.successors) if change else [council]
            notes += [change.describe()] if change else []
        conditions.append(Condition("council", "$in", tuple(dict.fromkeys(meant))))
    return Filter(tuple(conditions)), tuple(notes)


def _latest_grade(records: list[DocumentRecord]) -> str:
    graded = [r.meta for r in records if r.meta.overall_judgement]
    if not graded:
        return ""
    latest = max(graded, key=lambda m: m.published)
    return f"{latest.overall_judgement} ({latest.published[:4]})"


def _groups(records: list[DocumentRecord], *, by: str) -> dict[str, list[DocumentRecord]]:
    groups: dict[str, list[DocumentRecord]] = {}
    for record in records:
        key = record.source if by == "document" else record.meta.council
        if key:
            groups.setdefault(key, []).append(record)
    return groups


def _row(
    assistant,
    topic: str,
    group: str,
    records: list[DocumentRecord],
    *,
    by: str,
    where: Filter | None,
    k: int,
    policy: AnswerPolicy,
    reader: Reader,
) -> Row:
    field = "source" if by == "document" else "council"
    scoped = Filter((Condition(field, "$eq", group),))
    scoped = where.and_(scoped) if where else scoped
    hits = assistant.retriever.search(topic, reader=reader, k=k, where=scoped)
    limit = min(k, policy.passages)
    scored = score(
        topic, topic, candidates(hits, limit=limit), embed=assistant.embedder.embed, policy=policy
    )
    best = max(scored, key=lambda c: c.score, default=None)
    if best is None or best.score < policy.min_score:
        latest = max(records, key=lambda r: r.meta.published).meta
        return Row(group, None, latest.title, latest.overall_judgement, latest.published)
    p = best.hit.passage
    citation = Citation.of(
        p, number=1, score=best.score, start=best.span.start, end=best.span.end, unit=best.kind
    )
    return Row(group, citation, p.title, p.meta.overall_judgement, p.meta.published, best.score)
