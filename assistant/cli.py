"""Command line: `assistant ingest | ask | sources | remove | eval`. Heavy libraries load late."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3


def offline_environment() -> None:
    """Nothing may download at run time: pin the Hugging Face stack offline, telemetry off."""
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Cited, verbatim answers from inspection reports and scrutiny papers.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument(
            "--index", type=Path, help="index folder (default: ./index or $ASSISTANT_INDEX)"
        )
        p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("ingest", help="index files and folders (incremental)")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--prune", action="store_true", help="remove indexed files no longer under PATHs"
    )
    p.add_argument("--rebuild", action="store_true", help="delete the index and build it afresh")
    common(p)

    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question", nargs="?")
    p.add_argument(
        "-f", "--file", type=Path, help="one question per line; one JSON answer per line"
    )
    p.add_argument("-k", type=int, default=12, help="passages to retrieve (default 12)")
    p.add_argument(
        "--where", action="append", metavar="FIELD=VALUE", help="filter, e.g. year>=2022"
    )
    common(p)

    p = sub.add_parser("sources", help="list the indexed documents")
    common(p)

    p = sub.add_parser("remove", help="remove documents from the index (the files are untouched)")
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a file as given to ingest, its indexed source, or a folder of them",
    )
    common(p)

    p = sub.add_parser("timeline", help="a council's documents by date, with their judgements")
    p.add_argument("council", help="any spelling: Kent, 'Kent County Council'")
    common(p)

    p = sub.add_parser("compare", help="each council's best cited finding on a topic")
    p.add_argument("topic")
    p.add_argument("--by", choices=["council", "document"], default="council")
    p.add_argument(
        "--where", action="append", metavar="FIELD=VALUE", help="filter, e.g. year>=2022"
    )
    p.add_argument("-k", type=int, default=4, help="passages searched per council (default 4)")
    common(p)

    p = sub.add_parser("eval", help="score answers against a JSON-lines question set")
    p.add_argument("questions", type=Path, help="JSON lines: id, question, answerable, quotes...")
    p.add_argument("-k", type=int, default=12, help="passages to retrieve (default 12, as ask)")
    p.add_argument(
        "--baseline",
        action="append",
        choices=["dense", "bm25", "hybrid"],
        default=[],
        help="also score a plain top-k baseline, side by side (repeatable)",
    )
    p.add_argument("--baseline-k", type=int, help="passages a baseline cites (default: -k)")
    common(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    offline_environment()
    args = build_parser().parse_args(argv)
    from .settings import Settings

    settings = Settings.from_env(index_dir=args.index)
    handler = {
        "ingest": cmd_ingest,
        "ask": cmd_ask,
        "sources": cmd_sources,
        "eval": cmd_eval,
        "remove": cmd_remove,
        "timeline": cmd_timeline,
        "compare": cmd_compare,
    }[args.command]
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from .filters import FilterError
        from .locks import IngestBusy
        from .store import IndexUnavailable

        if isinstance(exc, IndexUnavailable | IngestBusy | FilterError):
            print(f"assistant: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise


def _assistant(settings):
    from .engine import Assistant

    return Assistant(settings)


def cmd_ingest(args, settings) -> int:
    if args.rebuild:
        from .ingest import reset_index

        reset_index(settings)
    assistant = _assistant(settings)
    from tqdm import tqdm

    bar = tqdm(unit="file", desc="Indexing", file=sys.stderr, disable=None)

    def progress(name: str, passages: int) -> None:
        bar.update(1)
        bar.set_postfix_str(name[-40:], refresh=False)

    report = assistant.ingest(args.paths, prune=args.prune, progress=progress)
    bar.close()
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        _print_ingest(report)
    if report.exit_code == EXIT_FAILED:
        print("assistant: nothing could be indexed", file=sys.stderr)
    return report.exit_code


def _print_ingest(report) -> None:
    print(
        f"Indexed {report.files_indexed} files ({report.pages} pages, {report.passages} passages)"
        f" in {report.seconds:.1f} s; {report.files_unchanged} unchanged"
        + (f", {report.files_removed} removed" if report.files_removed else "")
    )
    if report.repaired:
        print(
            f"Repaired: removed half-written passages of {report.repaired} documents"
            " left by an interrupted ingest"
        )
    if report.failed:
        print(f"Could not index {len(report.failed)}:")
        for s in report.failed:
            print(f"  {s.path}: {s.reason}")
    if report.unsupported:
        print(f"Not indexed (unsupported file types) {len(report.unsupported)}:")
        for s in report.unsupported:
            print(f"  {s.path}")
    for note in report.notes:
        print(note)


def cmd_remove(args, settings) -> int:
    from .ingest import remove
    from .store import Store

    store = Store(settings, model_name=settings.model)
    report = remove([str(p) for p in args.paths], settings=settings, store=store)
    if args.json:
        print(
            json.dumps({"removed": report.removed, "not_found": report.missing}, ensure_ascii=False)
        )
    else:
        for source in report.removed:
            print(f"removed {source}")
        for path in report.missing:
            print(f"assistant remove: {path}: not in the index", file=sys.stderr)
    return report.exit_code


def cmd_ask(args, settings) -> int:
    from .filters import parse_where
    from .metadata import canonical

    where = parse_where(args.where, canonical=canonical)
    if not args.question and not args.file:
        print("assistant ask: give a QUESTION or -f FILE", file=sys.stderr)
        return 2
    questions = [args.question] if args.question else _read_questions(args.file)
    assistant = _assistant(settings)
    for question in questions:
        answer = assistant.ask(question, k=args.k, where=where or None)
        if args.json or args.file:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)
    return EXIT_OK


def _read_questions(path: Path) -> list[str]:
    text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _print_answer(answer) -> None:
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print("  " + c.reference())
    if answer.related:
        print("\nClosest passages (not answering):" if not answer.answered else "\nRelated:")
        for c in answer.related:
            page = f", page {c.page}" if c.page else ""
            print(f"  - {c.title} ({c.source}{page})")


def cmd_sources(args, settings) -> int:
    from .store import Store

    records = Store(settings, model_name=settings.model).records()
    if args.json:
        print(json.dumps([_record_json(r) for r in records], ensure_ascii=False))
        return EXIT_OK
    for r in records:
        print(f"{r.source}\t{r.pages} pages\t{r.passages} passages\t{r.title}")
    print(f"{len(records)} documents, {sum(r.passages for r in records)} passages")
    return EXIT_OK


def _record_json(r) -> dict:
    return {
        "source": r.source,
        "title": r.title,
        "kind": r.kind,
        "pages": r.pages,
        "passages": r.passages,
        "sha256": r.sha256,
        "ingested_at": r.ingested_at,
        **r.fields,
    }


def cmd_timeline(args, settings) -> int:
    from .store import Store
    from .timeline import timeline

    result = timeline(Store(settings, model_name=settings.model).records(), args.council)
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.render())
    return EXIT_OK if result.entries else EXIT_FAILED


def cmd_compare(args, settings) -> int:
    from .compare import compare
    from .filters import parse_where
    from .metadata import canonical

    where = parse_where(args.where, canonical=canonical)
    result = compare(_assistant(settings), args.topic, by=args.by, where=where or None, k=args.k)
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.render())
    return EXIT_OK


def cmd_eval(args, settings) -> int:
    from . import evaluation

    try:
        questions = evaluation.load_questions(args.questions)
    except (OSError, ValueError) as exc:
        print(f"assistant eval: {exc}", file=sys.stderr)
        return 2
    assistant = _assistant(settings)
    assistant.warm()  # model loading is not question latency
    systems = evaluation.systems_for(
        assistant, k=args.k, baselines=dict.fromkeys(args.baseline), baseline_k=args.baseline_k
    )
    reports = evaluation.evaluate(questions, systems)
    if args.json:
        print(
            json.dumps({"k": args.k, "systems": [r.to_json() for r in reports]}, ensure_ascii=False)
        )
    else:
        print(evaluation.render(reports))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
