"""Scale benchmark: ingest throughput against the model's own limit, query latency at 1x and
10x the corpus, memory, and the cold start of `assistant ask`.

    .venv/bin/python bench/scale.py --docs 100 --json     # the first 100 reports: minutes
    .venv/bin/python bench/scale.py                       # all 772 reports: about an hour

Each phase runs in its own process, so peak memory is that phase's own. The 10x store reuses the
1x vectors under new document ids (embedding the pool ten times would take hours and measure
nothing new): at 10x it is the vector store and the keyword index whose cost grows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT.parent / "shared" / "corpus" / "ofsted-pool"

# A fixed list, for comparable runs: the kinds of question councillors and officers ask.
QUESTIONS = (
    "How well are care leavers supported?",
    "What needs to improve in social work practice?",
    "How effective is the front door and MASH?",
    "Are children seen regularly by their social workers?",
    "What did inspectors say about the quality of supervision?",
    "How stable is the social work workforce?",
    "How are children at risk of exploitation protected?",
    "What is the quality of child protection planning?",
    "Do children in care live in stable placements?",
    "How well do leaders understand the quality of practice?",
    "What did Ofsted say about disabled children?",
    "How timely are assessments?",
    "Are private fostering arrangements well managed?",
    "How well does the local authority listen to children?",
    "What is the overall effectiveness judgement?",
    "How well are children missing from home followed up?",
    "Is management oversight of cases effective?",
    "How good is the quality of pathway plans?",
    "What support do foster carers receive?",
    "How are unaccompanied asylum-seeking children supported?",
)


# --- phases, each run in a fresh process: `bench/scale.py --phase NAME ...` ------------------


def phase_ingest(corpus: Path, index: Path) -> dict:
    from assistant.engine import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings.from_env({}, index_dir=index))
    assistant.embedder.embed(["warm up"] * 65)  # load (or export) the model before the clock
    started, cpu = time.perf_counter(), _cpu_s()
    report = assistant.ingest([corpus])
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return {
        "documents": report.files_indexed,
        "passages": report.passages,
        "ingest_s": round(seconds, 1),
        "ingest_passages_per_s": round(report.passages / seconds, 2),
        "ingest_passages_per_cpu_s": round(report.passages / cpu, 2),
        "ingest_peak_rss_mb": _peak_mb(),
    }


def phase_limit(index: Path, sample: int) -> dict:
    """The encoder's own encode() on the same passage texts with the same batch settings: the
    one ingest uses (ONNX Runtime on the exported graph, or torch where that cannot be had)."""
    import random

    from assistant.embedding import Embedder
    from assistant.settings import Settings
    from assistant.store import Store

    settings = Settings.from_env({}, index_dir=index)
    texts = [
        p.embedding_text(contextual=settings.contextual)
        for page in Store(settings, model_name=settings.model).iter_passages()
        for p in page
    ]
    if sample and len(texts) > sample:
        texts = random.Random(8).sample(texts, sample)
    embedder = Embedder(
        settings.model,
        batch_size=settings.embed_batch,
        threads=settings.threads,
        cache=settings.encoder_cache,
    )
    embedder.encoder.encode(["warm up"] * 65, batch_size=settings.embed_batch)
    started, cpu = time.perf_counter(), _cpu_s()
    embedder.encoder.encode(texts, batch_size=settings.embed_batch)
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return {
        "limit_passages": len(texts),
        "limit_s": round(seconds, 1),
        "limit_passages_per_s": round(len(texts) / seconds, 2),
        "limit_passages_per_cpu_s": round(len(texts) / cpu, 2),
    }


def phase_query(index: Path) -> dict:
    """Warm end-to-end `ask` latency: model and keyword index loaded, each question new."""
    import psutil

    from assistant.engine import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings.from_env({}, index_dir=index))
    assistant.warm()
    assistant.ask("Which council was inspected?")
    latencies, searches = [], []
    for question in QUESTIONS:
        started = time.perf_counter()
        assistant.ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
        # Retrieval alone (question vector cached): at 10x every passage exists ten times, so the
        # answer step finds ten copies of each sentence and embeds each text once; this part is
        # the one that grows with the store.
        started = time.perf_counter()
        assistant.retriever.search(question)
        searches.append((time.perf_counter() - started) * 1000)
    return {
        "passages": assistant.store.count(),
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p95_ms": round(_percentile(latencies, 95), 1),
        "search_p50_ms": round(statistics.median(searches), 1),
        "search_p95_ms": round(_percentile(searches, 95), 1),
        "query_rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        "query_peak_rss_mb": _peak_mb(),
    }


def phase_grow(source: Path, target: Path, scale: int) -> dict:
    """A `scale`-times store: every 1x passage and vector again under new document ids,
    written a page at a time (never all in memory), then the keyword index built."""
    from assistant.keyword import ensure_keyword_index
    from assistant.settings import Settings
    from assistant.store import Store

    src_settings = Settings.from_env({}, index_dir=source)
    dst_settings = Settings.from_env({}, index_dir=target)
    src = Store(src_settings, model_name=src_settings.model)
    dst = Store(dst_settings, model_name=dst_settings.model, create=True)
    records = src.records()
    started = time.perf_counter()
    written = 0
    for copy in range(scale):
        written += _copy_passages(src, dst, copy)
        dst.register(*(_renamed(r, copy) for r in records))
    store_s = time.perf_counter() - started
    started = time.perf_counter()
    ensure_keyword_index(dst_settings, dst)
    keyword_s = time.perf_counter() - started
    return {
        "passages": written,
        "documents": len(records) * scale,
        "store_write_s": round(store_s, 1),
        "store_passages_per_s": round(written / store_s, 1),
        "keyword_build_s": round(keyword_s, 1),
        "grow_peak_rss_mb": _peak_mb(),
    }


def phase_subset(source: Path, target: Path, docs: int) -> dict:
    """A store of the first `docs` documents of `source`, their passages and vectors copied:
    the query latency at 100 and 300 reports without embedding them again."""
    from assistant.settings import Settings
    from assistant.store import Store

    src_settings = Settings.from_env({}, index_dir=source)
    dst_settings = Settings.from_env({}, index_dir=target)
    src = Store(src_settings, model_name=src_settings.model)
    dst = Store(dst_settings, model_name=dst_settings.model, create=True)
    records = src.records()[:docs]
    for start in range(0, len(records), 50):
        ids = [r.doc_id for r in records[start : start + 50]]
        got = src.passages.get(
            where={"doc_id": {"$in": ids}}, include=["documents", "metadatas", "embeddings"]
        )
        dst.passages.upsert(
            ids=got["ids"],
            embeddings=got["embeddings"],
            documents=got["documents"],
            metadatas=got["metadatas"],
        )
    dst.register(*records)
    return {"documents": len(records), "passages": dst.count()}


def _copy_passages(src, dst, copy: int, page: int = 1000) -> int:
    offset = written = 0
    while True:
        got = src.passages.get(
            include=["documents", "metadatas", "embeddings"], limit=page, offset=offset
        )
        if not len(got["ids"]):
            return written
        metas = [
            {**m, "doc_id": _new_id(m["doc_id"], copy), "source": f"copy{copy}/{m['source']}"}
            for m in got["metadatas"]
        ]
        dst.passages.upsert(
            ids=[f"{_new_id(i.split(':')[0], copy)}:{i.split(':', 1)[1]}" for i in got["ids"]],
            embeddings=got["embeddings"],
            documents=got["documents"],
            metadatas=metas,
        )
        offset += len(got["ids"])
        written += len(got["ids"])


def _new_id(doc_id: str, copy: int) -> str:
    return doc_id if copy == 0 else f"{doc_id}x{copy}"


def _renamed(record, copy: int):
    from dataclasses import replace

    return replace(
        record, doc_id=_new_id(record.doc_id, copy), source=f"copy{copy}/{record.source}"
    )


def _cpu_s() -> float:
    """CPU seconds of this process, all threads: on a shared machine, wall time also counts
    other people's work, CPU time only ours."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- the driver ---------------------------------------------------------------------------


def run_phase(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_ask(index: Path, runs: int = 3) -> float:
    """Process start to printed answer of `assistant ask`, median of `runs`."""
    exe = Path(sys.executable).parent / "assistant"
    times = []
    for question in QUESTIONS[:runs]:
        started = time.perf_counter()
        done = subprocess.run(
            [str(exe), "ask", question, "--index", str(index)], capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0 or not done.stdout.strip():
            raise SystemExit(f"assistant ask failed:\n{done.stderr[-2000:]}")
    return round(statistics.median(times), 2)


def subset(pool: Path, docs: int | None, dest: Path) -> Path:
    """The first `docs` reports of the pool (sorted by name), copied to `dest`."""
    files = sorted(p for p in pool.iterdir() if p.suffix == ".txt")
    dest.mkdir(parents=True, exist_ok=True)
    for path in files[:docs] if docs else files:
        shutil.copy(path, dest / path.name)
    return dest


def benchmark(args) -> dict:
    work = Path(args.work or tempfile.mkdtemp(prefix="assistant-bench-"))
    corpus = subset(args.pool, args.docs, work / "corpus")
    one, ten = work / "index-1x", work / f"index-{args.scale}x"
    for folder in (one, ten):
        shutil.rmtree(folder, ignore_errors=True)
    ingest = run_phase("ingest", str(corpus), str(one))
    limit = run_phase("limit", str(one), str(args.limit_sample))
    query1 = run_phase("query", str(one))
    by_size = {}
    for size in [n for n in args.sizes if n < ingest["documents"]]:
        part = work / f"index-{size}"
        shutil.rmtree(part, ignore_errors=True)
        made = run_phase("subset", str(one), str(part), str(size))
        by_size[size] = {**made, **run_phase("query", str(part))}
    by_size[ingest["documents"]] = {"documents": ingest["documents"], **query1}
    cold = cold_ask(one)
    grow = run_phase("grow", str(one), str(ten), str(args.scale))
    query10 = run_phase("query", str(ten))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "documents": ingest["documents"],
        "passages": ingest["passages"],
        "cores": os.cpu_count(),
        "ingest_s": ingest["ingest_s"],
        "ingest_passages_per_s": ingest["ingest_passages_per_s"],
        "limit_passages_per_s": limit["limit_passages_per_s"],
        "limit_sample": limit["limit_passages"],
        "ingest_ratio_to_limit": round(
            ingest["ingest_passages_per_s"] / limit["limit_passages_per_s"], 3
        ),
        "ingest_cpu_ratio_to_limit": round(
            ingest["ingest_passages_per_cpu_s"] / limit["limit_passages_per_cpu_s"], 3
        ),
        "query_p50_ms": query1["query_p50_ms"],
        "query_p95_ms": query1["query_p95_ms"],
        "query_rss_mb": query1["query_rss_mb"],
        "peak_rss_mb": max(ingest["ingest_peak_rss_mb"], query1["query_peak_rss_mb"]),
        "ingest_peak_rss_mb": ingest["ingest_peak_rss_mb"],
        "cold_ask_s": cold,
        "scale": args.scale,
        "passages_10x": grow["passages"],
        "store_write_10x_s": grow["store_write_s"],
        "store_write_10x_passages_per_s": grow["store_passages_per_s"],
        "keyword_build_10x_s": grow["keyword_build_s"],
        "grow_peak_rss_mb": grow["grow_peak_rss_mb"],
        "query_10x_p50_ms": query10["query_p50_ms"],
        "query_10x_p95_ms": query10["query_p95_ms"],
        "query_10x_rss_mb": query10["query_rss_mb"],
        "query_by_documents": {
            str(n): {k: q[k] for k in ("passages", "query_p50_ms", "query_p95_ms", "search_p50_ms")}
            for n, q in sorted(by_size.items())
        }
        | {
            str(ingest["documents"] * args.scale): {
                "passages": grow["passages"],
                "query_p50_ms": query10["query_p50_ms"],
                "query_p95_ms": query10["query_p95_ms"],
                "search_p50_ms": query10["search_p50_ms"],
            }
        },
    }


def print_table(r: dict) -> None:
    print(f"{r['documents']} reports, {r['passages']} passages, {r['cores']} cores")
    print(
        f"ingest        {r['ingest_s']} s, {r['ingest_passages_per_s']} passages/s, "
        f"peak {r['ingest_peak_rss_mb']} MB"
    )
    print(
        f"model limit   {r['limit_passages_per_s']} passages/s "
        f"(encode on {r['limit_sample']} of the same texts)"
    )
    print(
        f"ratio         {r['ingest_ratio_to_limit']} wall-clock, "
        f"{r['ingest_cpu_ratio_to_limit']} per CPU second"
    )
    print(
        f"ask 1x        p50 {r['query_p50_ms']} ms, p95 {r['query_p95_ms']} ms, "
        f"{r['query_rss_mb']} MB"
    )
    print(
        f"ask {r['scale']}x       p50 {r['query_10x_p50_ms']} ms, p95 {r['query_10x_p95_ms']} ms,"
        f" {r['query_10x_rss_mb']} MB ({r['passages_10x']} passages)"
    )
    print(
        f"{r['scale']}x store     {r['store_write_10x_s']} s to write "
        f"({r['store_write_10x_passages_per_s']} passages/s), keyword index "
        f"{r['keyword_build_10x_s']} s, peak {r['grow_peak_rss_mb']} MB"
    )
    print(f"cold ask      {r['cold_ask_s']} s (process start to answer)")
    for docs, q in r["query_by_documents"].items():
        print(
            f"ask at {docs:>5} reports ({q['passages']} passages): "
            f"p50 {q['query_p50_ms']} ms, p95 {q['query_p95_ms']} ms, "
            f"retrieval alone p50 {q['search_p50_ms']} ms"
        )


def main(argv: list[str] | None = None) -> int:
    from assistant.process import offline_environment

    offline_environment()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", type=Path, default=POOL)
    parser.add_argument("--docs", type=int, help="only the first N reports of the pool")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",") if n],
        default=[100, 300],
        help="smaller stores (first N reports, vectors reused) to time questions on",
    )
    parser.add_argument(
        "--limit-sample",
        type=int,
        default=3000,
        help="passages for the model-limit run (0: all; a random sample is faster)",
    )
    parser.add_argument("--work", help="working folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the indexes afterwards")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        name, *rest = args.phase
        phases = {
            "ingest": lambda c, i: phase_ingest(Path(c), Path(i)),
            "limit": lambda i, n: phase_limit(Path(i), int(n)),
            "query": lambda i: phase_query(Path(i)),
            "grow": lambda s, t, n: phase_grow(Path(s), Path(t), int(n)),
            "subset": lambda s, t, n: phase_subset(Path(s), Path(t), int(n)),
        }
        print(json.dumps(phases[name](*rest)))
        return 0
    result = benchmark(args)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
