"""Command line: `assistant ingest | ask | sources | remove | timeline | compare | eval`.

Heavy libraries load late, inside the command that needs them. Every error a user can cause (a
bad setting, a missing or damaged index, a filter that cannot be read, a busy index) ends in one
line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.offline import offline_environment

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Cited, verbatim answers from inspection reports and scrutiny papers.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_ingest, _ask, _sources, _remove, _timeline, _compare, _eval):
        _common(add(sub))
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, help="index folder (default: ./index or $ASSISTANT_INDEX)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def _where(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--where", action="append", metavar="FIELD=VALUE", help="filter, e.g. year>=2022"
    )


def _as(p: argparse.ArgumentParser) -> None:
    # The command line is the machine's operator, who sees every paper; --as answers as
    # someone with only these groups would be answered (to check what they can see).
    p.add_argument(
        "--as",
        dest="groups",
        metavar="GROUP[,GROUP]",
        help="see only what these groups may see ('public': public papers only)",
    )


def _reader(args):
    from assistant.core.access import OPERATOR, Reader

    if args.groups is None:
        return OPERATOR
    return Reader.of(args.groups, who=f"operator as {args.groups}")


def _visible(settings, args) -> list:
    """The indexed documents the reader of `--as` may see (all of them without it)."""
    from assistant.index.catalogue import Catalogue

    records = Catalogue.of(_store(settings).records()).visible_to(_reader(args)).records
    return sorted(records, key=lambda r: r.source)


def _ingest(sub):
    p = sub.add_parser("ingest", help="index files and folders (incremental)")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--prune", action="store_true", help="remove indexed files no longer under PATHs"
    )
    p.add_argument("--rebuild", action="store_true", help="delete the index and build it afresh")
    return p


def _ask(sub):
    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question", nargs="?")
    p.add_argument(
        "-f", "--file", type=Path, help="one question per line; one JSON answer per line"
    )
    p.add_argument("-k", type=int, help="passages to retrieve (default: the answer policy's, 12)")
    _where(p)
    _as(p)
    return p


def _sources(sub):
    p = sub.add_parser("sources", help="list the indexed documents, with who may see each")
    _as(p)
    return p


def _remove(sub):
    p = sub.add_parser("remove", help="remove documents from the index (the files are untouched)")
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a file as given to ingest, its indexed source, or a folder of them",
    )
    return p


def _timeline(sub):
    p = sub.add_parser("timeline", help="a council's documents by date, with their judgements")
    p.add_argument("council", help="any spelling: Kent, 'Kent County Council'")
    _as(p)
    return p


def _compare(sub):
    p = sub.add_parser("compare", help="each council's best cited finding on a topic")
    p.add_argument("topic")
    p.add_argument("--by", choices=["council", "document"], default="council")
    p.add_argument("-k", type=int, default=4, help="passages searched per council (default 4)")
    _where(p)
    _as(p)
    return p


def _eval(sub):
    p = sub.add_parser("eval", help="score answers against a JSON-lines question set")
    p.add_argument(
        "questions",
        type=Path,
        nargs="+",
        help="JSON lines: id, question, answerable, quotes... (paraphrases with their originals)",
    )
    p.add_argument("-k", type=int, help="passages to retrieve (default: as ask)")
    p.add_argument(
        "--baseline",
        action="append",
        choices=["dense", "bm25", "hybrid"],
        default=[],
        help="also score a plain top-k baseline, side by side (repeatable)",
    )
    p.add_argument("--baseline-k", type=int, help="passages a baseline cites (default: -k)")
    return p


def main(argv: list[str] | None = None) -> int:
    offline_environment()
    args = build_parser().parse_args(argv)
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
        from assistant.settings import Settings

        return handler(args, Settings.from_env(index_dir=args.index))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `assistant ... | head`: the reader has gone, and that is fine
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        if _is_user_error(exc):
            print(f"assistant: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise


def _is_user_error(exc: Exception) -> bool:
    from assistant.core.access import AccessError
    from assistant.core.filters import FilterError
    from assistant.index.chroma import IndexUnavailable
    from assistant.index.locks import IngestBusy
    from assistant.settings import SettingsError

    errors = IndexUnavailable | IngestBusy | FilterError | SettingsError | AccessError
    return isinstance(exc, errors)


def _assistant(settings, *, create: bool = False):
    from assistant.engine import Assistant

    return Assistant(settings, create=create)


def _store(settings):
    from assistant.index.store import Store

    return Store(settings, model_name=settings.model)


def cmd_ingest(args, settings) -> int:
    if args.rebuild:
        from assistant.index.ingest import reset_index

        reset_index(settings)
    assistant = _assistant(settings, create=True)
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
    if report.encoder:
        print(report.encoder)
    for note in report.notes:
        print(note)


def cmd_remove(args, settings) -> int:
    from assistant.index.ingest import remove

    report = remove([str(p) for p in args.paths], settings=settings, store=_store(settings))
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
    from assistant.core.canonical import canonical
    from assistant.core.filters import parse_where

    where = parse_where(args.where, canonical=canonical)
    if not args.question and not args.file:
        print("assistant ask: give a QUESTION or -f FILE", file=sys.stderr)
        return EXIT_USAGE
    questions = [args.question] if args.question else _read_questions(args.file)
    reader = _reader(args)
    assistant = _assistant(settings)
    for question in questions:
        answer = assistant.ask(question, k=args.k, where=where or None, reader=reader)
        if answer.summary and answer.summary.error:
            print(f"assistant: {answer.summary.error}", file=sys.stderr)
        if args.json or args.file:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)
    return EXIT_OK


def _read_questions(path: Path) -> list[str]:
    text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _print_answer(answer) -> None:
    if answer.summary and answer.summary.text:
        print(f"{answer.summary.label}\n{answer.summary.text}\n")
    print(answer.answer)
    for note in answer.notes:
        print(f"({note})")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print("  " + c.reference())
    if answer.related:
        print("\nClosest passages (not answering):" if not answer.answered else "\nRelated:")
        for c in answer.related:
            print(f"  - {c.location()}")


def cmd_sources(args, settings) -> int:
    from assistant.index.rows import record_json

    records = _visible(settings, args)
    if args.json:
        print(json.dumps([record_json(r) for r in records], ensure_ascii=False))
        return EXIT_OK
    for r in records:
        access = r.meta.access or "unlabelled (operator only until the next ingest)"
        why = f" ({r.meta.access_basis})" if r.meta.access_basis else ""
        print(f"{r.source}\t{r.pages} pages\t{r.passages} passages\t{r.title}\t{access}{why}")
    print(f"{len(records)} documents, {sum(r.passages for r in records)} passages")
    return EXIT_OK


def cmd_timeline(args, settings) -> int:
    from assistant.insights.timeline import timeline

    result = timeline(_visible(settings, args), args.council)
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.render())
    return EXIT_OK if result.entries else EXIT_FAILED


def cmd_compare(args, settings) -> int:
    from assistant.core.canonical import canonical
    from assistant.core.filters import parse_where
    from assistant.insights.compare import compare

    where = parse_where(args.where, canonical=canonical)
    result = compare(
        _assistant(settings),
        args.topic,
        by=args.by,
        where=where or None,
        k=args.k,
        reader=_reader(args),
    )
    print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else result.render())
    return EXIT_OK


def cmd_eval(args, settings) -> int:
    from assistant.evaluation import evaluate as evaluation
    from assistant.evaluation import report as eval_report

    try:
        questions = [q for path in args.questions for q in evaluation.load_questions(path)]
    except (OSError, ValueError) as exc:
        print(f"assistant eval: {exc}", file=sys.stderr)
        return EXIT_USAGE
    assistant = _assistant(settings)
    assistant.warm()  # model loading is not question latency
    systems = evaluation.systems_for(
        assistant, k=args.k, baselines=dict.fromkeys(args.baseline), baseline_k=args.baseline_k
    )
    reports = evaluation.evaluate(questions, systems)
    if args.json:
        print(json.dumps(eval_report.report_json(reports, k=args.k), ensure_ascii=False))
    else:
        print(eval_report.render(reports))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
