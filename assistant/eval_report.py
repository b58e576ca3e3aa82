"""How `assistant eval` shows its figures: systems side by side, overall and per split (`tune`,
`check`), then quote hit per question type and split, then one line per failed question.

A figure on `tune` means little without `check` beside it: a change that lifts one and lowers
the other was fitted to those questions.
"""

from __future__ import annotations

from .evaluation import Outcome, SystemReport, file_key, summarise

ALL = "all"


def groups(outcomes: list[Outcome]) -> dict[str, list[Outcome]]:
    """Outcomes overall, per split and per type (and type within split): name -> outcomes."""
    out: dict[str, list[Outcome]] = {ALL: list(outcomes)}
    for o in outcomes:
        keys = []
        if o.split:
            keys.append(f"split={o.split}")
        if o.type:
            keys.append(f"type={o.type}")
            if o.split:
                keys.append(f"type={o.type}|split={o.split}")
        for key in keys:
            out.setdefault(key, []).append(o)
    return out


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
    summaries = [[summarise(groups(r.outcomes).get(c, [])) for c in columns] for r in reports]
    flat = [s for per_system in summaries for s in per_system]
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
    for kind in types:
        counts = []
        cells = []
        for r in reports:
            for s in splits:
                outcomes = [o for o in r.outcomes if o.type == kind and (not s or o.split == s)]
                cells.append(_cell(outcomes))
                if r is reports[0]:
                    counts.append(str(len(outcomes)))
        rows.append((kind, "/".join(counts), *cells))
    return _grid(rows)


def _cell(outcomes: list[Outcome]) -> str:
    """Quote hit for answerable questions; declined share for unanswerable ones."""
    if not outcomes:
        return "-"
    answerable = [o for o in outcomes if o.answerable]
    if answerable:
        return f"{sum(bool(o.quote_hit) for o in answerable) / len(answerable):.2f}"
    return f"{sum(not o.answered for o in outcomes)}/{len(outcomes)} declined"


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
