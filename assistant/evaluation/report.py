"""How `assistant eval` shows its figures: systems side by side, overall and per split (`tune`,
`check`), then quote hit per question type and split, then one line per failed question.

A figure on `tune` means little without `check` beside it: a change that lifts one and lowers
the other was fitted to those questions.
"""

from __future__ import annotations

from dataclasses import asdict

from assistant.evaluation.evaluate import Figures, Outcome, SystemReport, file_key, summarise

ALL = "all"


def groups(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """Outcomes overall, per split and per type (and type within split): name -> outcomes."""
    out: dict[str, list[Outcome]] = {ALL: list(outcomes)}
    for o in outcomes:
        keys = {group_key(split=o.split), group_key(kind=o.type), group_key(o.type, o.split)}
        for key in keys - {ALL}:
            out.setdefault(key, []).append(o)
    return out


def group_key(kind: str = "", split: str = "") -> str:
    """The name of a group of `groups`: "all", "split=check", "type=why|split=check"."""
    if kind and split:
        return f"type={kind}|split={split}"
    return f"type={kind}" if kind else (f"split={split}" if split else ALL)


def cell(summary: Figures) -> str:
    """Quote hit for answerable questions; declined share for unanswerable ones."""
    if summary.answerable:
        return f"{summary.quote_hit:.2f}"
    if summary.unanswerable:
        return f"{summary.abstained_unanswerable}/{summary.unanswerable} declined"
    return "-"


def report_json(reports: list[SystemReport], *, k: int | None) -> dict:
    """Every figure and every question: overall, per split and per question type."""
    return {
        "k": k,
        "systems": [
            r.to_json()
            | {"groups": {name: asdict(summarise(o)) for name, o in groups(r.outcomes).items()}}
            for r in reports
        ],
    }


def render(reports: list[SystemReport]) -> str:
    parts = [_summary_table(reports)]
    if any(o.type for o in reports[0].outcomes):
        parts.append(_type_table(reports))
    parts.append(_failure_table(reports))
    return "\n\n".join(parts)


def _splits(report: SystemReport) -> list[str]:
    return sorted({o.split for o in report.outcomes if o.split})


def _summary_table(reports: list[SystemReport]) -> str:
    splits = _splits(reports[0])
    columns = [ALL, *(f"split={s}" for s in splits)]
    header = [""] + [f"{r.name}:{c.removeprefix('split=')}" for r in reports for c in columns]
    rows = [tuple(header)]
    by_report = [groups(r.outcomes) for r in reports]
    flat = [summarise(grouped.get(c, [])) for grouped in by_report for c in columns]
    first = flat[0]
    rows.append(
        (f"document hit ({first.answerable} answerable)", *[f"{s.document_hit:.3f}" for s in flat])
    )
    rows.append(("quote hit", *[f"{s.quote_hit:.3f}" for s in flat]))
    rows.append(("MRR first gold citation", *[f"{s.mrr:.3f}" for s in flat]))
    rows.append(("answered answerable", *[f"{s.answered_answerable}/{s.answerable}" for s in flat]))
    rows.append(
        ("declined unanswerable", *[f"{s.abstained_unanswerable}/{s.unanswerable}" for s in flat])
    )
    rows.append(("latency p50 s", *[f"{s.p50_seconds:.3f}" for s in flat]))
    rows.append(("latency p95 s", *[f"{s.p95_seconds:.3f}" for s in flat]))
    return _grid(rows)


def _type_table(reports: list[SystemReport]) -> str:
    splits = _splits(reports[0]) or [""]
    types = sorted({o.type for o in reports[0].outcomes if o.type})
    header = ["quote hit by type", "n"] + [f"{r.name}:{s or ALL}" for r in reports for s in splits]
    rows = [tuple(header)]
    by_report = [groups(r.outcomes) for r in reports]
    for kind in types:
        keys = [group_key(kind, s) for s in splits]
        counts = [str(len(by_report[0].get(key, []))) for key in keys]
        cells = [cell(summarise(grouped.get(key, []))) for grouped in by_report for key in keys]
        rows.append((kind, "/".join(counts), *cells))
    return _grid(rows)


def _failure_table(reports: list[SystemReport]) -> str:
    rows = [("id", "split", "system", "doc", "quote", "abst", "rank", "why / cited")]
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
