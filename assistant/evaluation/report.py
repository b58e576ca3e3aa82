"""How `assistant eval` shows its figures: systems side by side, overall and per column (each
split, `tune` and `check`, of the questions as written and of their paraphrases), then quote hit
per question type and column, then one line per failed question.

A figure on `tune` means little without `check` beside it, and a figure on questions as written
means little without their paraphrases beside it: a change that lifts one and not the other was
fitted to those questions, or to their wording.
"""

from __future__ import annotations

from dataclasses import asdict

from assistant.evaluation.evaluate import Figures, Outcome, SystemReport, file_key, summarise

ALL = "all"
PARAPHRASES = "paraphrases"
WRITTEN = "written"
_ORDER = {WRITTEN: 0, "": 0, "tune": 1, "check": 2}


def column(outcome: Outcome) -> str:
    """The column an outcome is reported in: its split among the questions as written ("check",
    or "written" for a file without splits), or among their paraphrases ("paraphrases:check")."""
    if not outcome.paraphrase:
        return outcome.split or WRITTEN
    return f"{PARAPHRASES}:{outcome.split}" if outcome.split else PARAPHRASES


def groups(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """Outcomes overall, per column and per type (and type within column): name -> outcomes.
    "questions=SPLIT" holds every wording of a split's questions (paraphrase consistency)."""
    out: dict[str, list[Outcome]] = {ALL: list(outcomes)}
    for o in outcomes:
        col = column(o)
        keys = {group_key(split=col), group_key(kind=o.type), group_key(o.type, col)}
        keys.add(f"questions={o.split or ALL}")  # every wording of the split's questions
        for key in keys - {ALL}:
            out.setdefault(key, []).append(o)
    return out


def group_key(kind: str = "", split: str = "") -> str:
    """The name of a group of `groups`: "all", "split=check", "type=why|split=check"."""
    if kind and split:
        return f"type={kind}|split={split}"
    return f"type={kind}" if kind else (f"split={split}" if split else ALL)


def cell(summary: Figures) -> str:
    """Quote hit (and quote-only hit) for answerable questions; declined for unanswerable ones."""
    if summary.answerable:
        return f"{summary.quote_hit:.2f} ({summary.quote_only_hit:.2f})"
    if summary.unanswerable:
        return f"{summary.abstained_unanswerable}/{summary.unanswerable} declined"
    return "-"


def consistency(summary: Figures) -> str:
    if summary.consistency is None:
        return "-"
    return f"{summary.consistency:.2f} ({summary.consistent_groups}/{summary.groups})"


def report_json(reports: list[SystemReport], *, k: int | None) -> dict:
    """Every figure and every question: overall, per column and per question type."""
    return {
        "k": k,
        "systems": [
            r.to_json()
            | {"groups": {name: _figures(summarise(o)) for name, o in groups(r.outcomes).items()}}
            for r in reports
        ],
    }


def _figures(summary: Figures) -> dict:
    return asdict(summary) | {"consistency": summary.consistency}


def render(reports: list[SystemReport]) -> str:
    parts = [_summary_table(reports)]
    if any(o.type for o in reports[0].outcomes):
        parts.append(_type_table(reports))
    parts.append(_failure_table(reports))
    return "\n\n".join(parts)


def columns(report: SystemReport) -> list[str]:
    """The columns present: questions as written first, then paraphrases; tune before check.
    None for a plain file (every question as written, no splits): its figures are "all"."""
    present = {column(o) for o in report.outcomes}
    if present == {WRITTEN}:
        return []
    return sorted(present, key=lambda c: (c.startswith(PARAPHRASES), _ORDER.get(_split(c), 3), c))


def _split(col: str) -> str:
    return col.removeprefix(PARAPHRASES).removeprefix(":")


def _label(col: str) -> str:
    return col.replace(PARAPHRASES, "para")


def _summary_table(reports: list[SystemReport]) -> str:
    cols = [ALL, *(group_key(split=c) for c in columns(reports[0]))]
    header = [""] + [f"{r.name}:{_label(c.removeprefix('split='))}" for r in reports for c in cols]
    rows = [tuple(header)]
    by_report = [groups(r.outcomes) for r in reports]
    flat = [summarise(grouped.get(c, [])) for grouped in by_report for c in cols]
    first = flat[0]
    rows.append(
        (f"document hit ({first.answerable} answerable)", *[f"{s.document_hit:.3f}" for s in flat])
    )
    rows.append(("quote hit", *[f"{s.quote_hit:.3f}" for s in flat]))
    rows.append(("quote hit, quote only", *[f"{s.quote_only_hit:.3f}" for s in flat]))
    rows.append(("MRR first gold citation", *[f"{s.mrr:.3f}" for s in flat]))
    rows.append(("answered answerable", *[f"{s.answered_answerable}/{s.answerable}" for s in flat]))
    rows.append(
        ("declined unanswerable", *[f"{s.abstained_unanswerable}/{s.unanswerable}" for s in flat])
    )
    same = [
        consistency(summarise(grouped.get(_questions_of(c), [])))
        for grouped in by_report
        for c in cols
    ]
    rows.append(("paraphrase consistency", *same))
    rows.append(("latency p50 s", *[f"{s.p50_seconds:.3f}" for s in flat]))
    rows.append(("latency p95 s", *[f"{s.p95_seconds:.3f}" for s in flat]))
    return _grid(rows)


def _questions_of(key: str) -> str:
    """Consistency is over every wording of a split: the "questions=" group of a column."""
    if key == ALL:
        return ALL
    split = _split(key.removeprefix("split="))
    return f"questions={ALL if split == WRITTEN else split or ALL}"


def _type_table(reports: list[SystemReport]) -> str:
    typed = [o for o in reports[0].outcomes if o.type]
    cols = [c for c in columns(reports[0]) if any(column(o) == c for o in typed)] or [""]
    types = sorted({o.type for o in typed})
    header = ["quote hit (quote only) by type", "n"] + [
        f"{r.name}:{_label(c) if c else ALL}" for r in reports for c in cols
    ]
    rows = [tuple(header)]
    by_report = [groups(r.outcomes) for r in reports]
    for kind in types:
        keys = [group_key(kind, c) for c in cols]
        counts = [str(len(by_report[0].get(key, []))) for key in keys]
        cells = [cell(summarise(grouped.get(key, []))) for grouped in by_report for key in keys]
        rows.append((kind, "/".join(counts), *cells))
    return _grid(rows)


def _failure_table(reports: list[SystemReport]) -> str:
    rows = [("id", "split", "system", "doc", "quote", "q-only", "abst", "rank", "why / cited")]
    for report in reports:
        for o in report.outcomes:
            if not o.failed:
                continue
            cited = ", ".join(file_key(s) for s in o.cited[:4]) or "-"
            rows.append(
                (
                    o.id,
                    o.split or "-",
                    report.name,
                    _mark(o.document_hit),
                    _mark(o.quote_hit),
                    _mark(o.quote_only_hit),
                    _mark(o.abstention_ok),
                    str(o.rank or "-"),
                    f"{o.why} | cited: {cited}",
                )
            )
    if len(rows) == 1:
        return "No failures."
    return "Failures:\n" + _grid(rows)


def _mark(value: bool | None) -> str:
    return "-" if value is None else ("ok" if value else "FAIL")


def _grid(rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ).rstrip()
