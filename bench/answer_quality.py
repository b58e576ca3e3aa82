"""Answer quality on the development questions, per split and question type, beside the dense and
BM25 baselines, in one run: the tables in docs/answers.md.

    .venv/bin/python bench/answer_quality.py --index INDEX QUESTIONS.jsonl [QUESTIONS.jsonl ...]

Each file is run through the real `ask` path and the two baselines over the same index (build it
with `assistant ingest` from the documents the file is about), then printed as Markdown.
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
from assistant.evaluation.report import cell, group_key, groups  # noqa: E402
from assistant.settings import Settings  # noqa: E402

SYSTEMS = ("assistant", "dense", "bm25")


def table(path: Path, reports: list[ev.SystemReport]) -> str:
    """Rows: all, then each question type; columns: tune and check (or all, for a file without
    splits) for the assistant and each baseline."""
    by_name = {r.name: groups(r.outcomes) for r in reports}
    splits = sorted({o.split for o in reports[0].outcomes if o.split}, reverse=True) or [""]
    kinds = sorted({o.type for o in reports[0].outcomes if o.type})
    head = " / ".join(splits) if splits != [""] else "all"
    lines = [
        f"**{path.name}** (quote hit; declined for unanswerable questions), {head}",
        "",
        "| questions | n | assistant | dense | BM25 | assistant document hit |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ["", *kinds]:
        cells = {system: [] for system in SYSTEMS}
        counts, docs = [], []
        for split in splits:
            key = group_key(kind, split)
            for system in SYSTEMS:
                cells[system].append(cell(ev.summarise(by_name[system].get(key, []))))
            summary = ev.summarise(by_name["assistant"].get(key, []))
            counts.append(str(summary.questions))
            docs.append(f"{summary.document_hit:.2f}" if summary.answerable else "-")
        row = [kind or "all", " / ".join(counts), *(" / ".join(cells[s]) for s in SYSTEMS)]
        lines.append("| " + " | ".join([*row, " / ".join(docs)]) + " |")
    overall = ev.summarise(by_name["assistant"]["all"])
    lines += [
        "",
        f"answered answerable {overall.answered_answerable}/{overall.answerable}; "
        f"latency p50 {overall.p50_seconds * 1000:.0f} ms, p95 {overall.p95_seconds * 1000:.0f} ms",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    assistant = Assistant(Settings.from_env({}, index_dir=args.index), create=False)
    assistant.warm()
    for path in args.questions:
        questions = ev.load_questions(path)
        systems = ev.systems_for(assistant, baselines=SYSTEMS[1:])
        print(table(path, ev.evaluate(questions, systems)))
        print()


if __name__ == "__main__":
    main()
