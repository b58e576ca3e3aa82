"""Answer quality on the development questions, in one run: per split (`tune`, `check`), for the
questions as written and for their paraphrases, per question type, beside the dense and BM25
baselines. The tables in docs/answers.md.

    .venv/bin/python bench/answer_quality.py --index INDEX QUESTIONS.jsonl [QUESTIONS.jsonl ...]

All the files given are one question set over the same index (build it with `assistant ingest`
from the documents they are about): give a paraphrase file with its originals, so each question
and its rewordings are scored as one group (paraphrase consistency).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.offline import offline_environment  # noqa: E402

offline_environment()

from assistant.engine import Assistant  # noqa: E402
from assistant.evaluation import evaluate as ev  # noqa: E402
from assistant.evaluation.report import (  # noqa: E402
    ALL,
    cell,
    columns,
    consistency,
    group_key,
    groups,
)
from assistant.settings import Settings  # noqa: E402

SYSTEMS = ("assistant", "dense", "bm25")
NAMES = {"assistant": "assistant", "dense": "dense", "bm25": "BM25"}


def headline(reports: list[ev.SystemReport]) -> str:
    """One row per column (split and wording): the figures the targets are set on."""
    by_name = {r.name: groups(r.outcomes) for r in reports}
    lines = [
        "| questions | n | quote hit | quote only | declined | answered | consistency"
        " | dense quote hit | BM25 quote hit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for col in [ALL, *columns(reports[0])]:
        key = group_key(split=col) if col != ALL else ALL
        s = ev.summarise(by_name["assistant"].get(key, []))
        questions = ALL if col == ALL else f"questions={_split(col)}"
        same = consistency(ev.summarise(by_name["assistant"].get(questions, [])))
        baselines = [ev.summarise(by_name[b].get(key, [])) for b in SYSTEMS[1:]]
        lines.append(
            f"| {col} | {s.questions} | {s.quote_hit:.2f} | {s.quote_only_hit:.2f}"
            f" | {s.abstained_unanswerable}/{s.unanswerable}"
            f" | {s.answered_answerable}/{s.answerable} | {same}"
            f" | {baselines[0].quote_hit:.2f} | {baselines[1].quote_hit:.2f} |"
        )
    return "\n".join(lines)


def _split(col: str) -> str:
    split = col.removeprefix("paraphrases").removeprefix(":")
    return ALL if split in ("", "written") else split


def by_type(reports: list[ev.SystemReport]) -> str:
    """Rows: each question type; cells: quote hit (quote only) per column, for each system."""
    by_name = {r.name: groups(r.outcomes) for r in reports}
    typed = [o for o in reports[0].outcomes if o.type]
    cols = [c for c in columns(reports[0]) if any(o.split and c.endswith(o.split) for o in typed)]
    kinds = sorted({o.type for o in typed})
    if not kinds:
        return ""
    head = " / ".join(cols)
    lines = [
        f"quote hit (quote only), or declined; columns {head}",
        "",
        "| type | n | " + " | ".join(NAMES[s] for s in SYSTEMS) + " |",
        "|---|---|" + "---|" * len(SYSTEMS),
    ]
    for kind in kinds:
        keys = [group_key(kind, c) for c in cols]
        counts = [str(len(by_name["assistant"].get(k, []))) for k in keys]
        cells = [
            " / ".join(cell(ev.summarise(by_name[s].get(k, []))) for k in keys) for s in SYSTEMS
        ]
        lines.append(f"| {kind} | {' / '.join(counts)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    assistant = Assistant(Settings.from_env({}, index_dir=args.index), create=False)
    assistant.warm()
    questions = [q for path in args.questions for q in ev.load_questions(path)]
    reports = ev.evaluate(questions, ev.systems_for(assistant, baselines=SYSTEMS[1:]))
    overall = reports[0].summary
    print(f"**{', '.join(p.name for p in args.questions)}**\n")
    print(headline(reports))
    print(
        f"\nlatency p50 {overall.p50_seconds * 1000:.0f} ms,"
        f" p95 {overall.p95_seconds * 1000:.0f} ms\n"
    )
    print(by_type(reports))


if __name__ == "__main__":
    main()
