"""Scale benchmark: ingest throughput against the model's own limit, query latency at 1x and
10x the corpus, memory, and the cold start of `assistant ask`.

    .venv/bin/python bench/scale.py --docs 100 --json     # the first 100 reports: minutes
    .venv/bin/python bench/scale.py                       # all 772 reports: about an hour

Each phase (`bench/scale_phases.py`) runs in its own process, so peak memory is that phase's
own. The 10x store reuses the 1x vectors under new document ids (embedding the pool ten times
would take hours and measure nothing new): at 10x it is the vector store and the keyword index
whose cost grows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_phases import QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT.parent / "shared" / "corpus" / "ofsted-pool"
PHASE_SCRIPT = Path(__file__).with_name("scale_phases.py")


def run_phase(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(PHASE_SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
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
    """Every phase, each in its own process, then one flat dict of figures."""
    work = Path(args.work or tempfile.mkdtemp(prefix="assistant-bench-"))
    corpus = subset(args.pool, args.docs, work / "corpus")
    one, ten = work / "index-1x", work / f"index-{args.scale}x"
    for folder in (one, ten):
        shutil.rmtree(folder, ignore_errors=True)
    ingest = run_phase("ingest", str(corpus), str(one))
    limit = limits(one, sample=args.limit_sample, rounds=args.limit_rounds)
    query1 = run_phase("query", str(one))
    by_size = _smaller_stores(args, work, one, documents=ingest["documents"])
    by_size[ingest["documents"]] = {"documents": ingest["documents"], **query1}
    cold = cold_ask(one)
    grow = run_phase("grow", str(one), str(ten), str(args.scale))
    query10 = run_phase("query", str(ten))
    by_size[ingest["documents"] * args.scale] = {"passages": grow["passages"], **query10}
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return {
        **_ingest_figures(ingest, limit),
        "query_p50_ms": query1["query_p50_ms"],
        "query_p95_ms": query1["query_p95_ms"],
        "query_public_p50_ms": query1["query_public_p50_ms"],
        "query_public_ratio": round(query1["query_public_p50_ms"] / query1["query_p50_ms"], 2),
        "query_rss_mb": query1["query_rss_mb"],
        "peak_rss_mb": max(ingest["ingest_peak_rss_mb"], query1["query_peak_rss_mb"]),
        "cold_ask_s": cold,
        **_grow_figures(args.scale, grow, query10),
        "query_by_documents": {
            str(n): {k: q[k] for k in ("passages", "query_p50_ms", "query_p95_ms", "search_p50_ms")}
            for n, q in sorted(by_size.items())
        },
    }


def limits(index: Path, *, sample: int, rounds: int) -> dict[str, dict]:
    """The fp32 limit (ONNX Runtime) and the bulk encoder's own, in turns, round after round;
    the median round of each, so a machine whose speed drifts slows both alike."""
    runs: dict[str, list[dict]] = {"fp32": [], "bulk": []}
    for _ in range(rounds):
        for which, measured in runs.items():
            measured.append(run_phase("limit", str(index), str(sample), which))
    return {
        which: sorted(measured, key=lambda r: r["limit_passages_per_s"])[len(measured) // 2]
        for which, measured in runs.items()
    }


def _smaller_stores(args, work: Path, one: Path, *, documents: int) -> dict[int, dict]:
    """Questions timed on stores of the first N reports (the 1x vectors reused)."""
    by_size = {}
    for size in [n for n in args.sizes if n < documents]:
        part = work / f"index-{size}"
        shutil.rmtree(part, ignore_errors=True)
        made = run_phase("subset", str(one), str(part), str(size))
        by_size[size] = {**made, **run_phase("query", str(part))}
    return by_size


def _ingest_figures(ingest: dict, limit: dict[str, dict]) -> dict:
    """Ingest against the fp32 limit (ONNX Runtime, what ingest used before bf16) and against
    the limit of the encoder ingest used (the bulk encoder)."""
    fp32, bulk = limit["fp32"], limit["bulk"]
    return {
        "documents": ingest["documents"],
        "passages": ingest["passages"],
        "cores": os.cpu_count(),
        "ingest_s": ingest["ingest_s"],
        "ingest_passages_per_s": ingest["ingest_passages_per_s"],
        "bulk_encoder": bulk["limit_encoder"],
        "limit_passages_per_s": bulk["limit_passages_per_s"],
        "fp32_limit_passages_per_s": fp32["limit_passages_per_s"],
        "bulk_limit_vs_fp32_limit": round(
            bulk["limit_passages_per_s"] / fp32["limit_passages_per_s"], 3
        ),
        "limit_sample": bulk["limit_passages"],
        "ingest_ratio_to_limit": round(
            ingest["ingest_passages_per_s"] / bulk["limit_passages_per_s"], 3
        ),
        "ingest_cpu_ratio_to_limit": round(
            ingest["ingest_passages_per_cpu_s"] / bulk["limit_passages_per_cpu_s"], 3
        ),
        "ingest_ratio_to_fp32_limit": round(
            ingest["ingest_passages_per_s"] / fp32["limit_passages_per_s"], 3
        ),
        "ingest_cpu_ratio_to_fp32_limit": round(
            ingest["ingest_passages_per_cpu_s"] / fp32["limit_passages_per_cpu_s"], 3
        ),
        "ingest_peak_rss_mb": ingest["ingest_peak_rss_mb"],
    }


def _grow_figures(scale: int, grow: dict, query10: dict) -> dict:
    return {
        "scale": scale,
        "passages_10x": grow["passages"],
        "store_write_10x_s": grow["store_write_s"],
        "store_write_10x_passages_per_s": grow["store_passages_per_s"],
        "keyword_build_10x_s": grow["keyword_build_s"],
        "grow_peak_rss_mb": grow["grow_peak_rss_mb"],
        "query_10x_p50_ms": query10["query_p50_ms"],
        "query_10x_p95_ms": query10["query_p95_ms"],
        "query_10x_rss_mb": query10["query_rss_mb"],
    }


def print_table(r: dict) -> None:
    print(f"{r['documents']} reports, {r['passages']} passages, {r['cores']} cores")
    print(
        f"ingest        {r['ingest_s']} s, {r['ingest_passages_per_s']} passages/s, "
        f"peak {r['ingest_peak_rss_mb']} MB"
    )
    print(f"encoder       {r['bulk_encoder']}")
    print(
        f"model limit   {r['limit_passages_per_s']} passages/s with that encoder, "
        f"{r['fp32_limit_passages_per_s']} in fp32 (encode on {r['limit_sample']} of the same"
        f" texts; {r['bulk_limit_vs_fp32_limit']}x)"
    )
    print(
        f"ratio         {r['ingest_ratio_to_limit']} of its own limit wall-clock, "
        f"{r['ingest_cpu_ratio_to_limit']} per CPU second; "
        f"{r['ingest_ratio_to_fp32_limit']} of the fp32 limit "
        f"({r['ingest_cpu_ratio_to_fp32_limit']} per CPU second)"
    )
    print(
        f"ask 1x        p50 {r['query_p50_ms']} ms, p95 {r['query_p95_ms']} ms, "
        f"{r['query_rss_mb']} MB"
    )
    print(
        f"ask 1x public p50 {r['query_public_p50_ms']} ms: {r['query_public_ratio']}x the "
        "operator's (every search under the access condition)"
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


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    out.add_argument("--pool", type=Path, default=POOL)
    out.add_argument("--docs", type=int, help="only the first N reports of the pool")
    out.add_argument("--scale", type=int, default=10)
    out.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",") if n],
        default=[100, 300],
        help="smaller stores (first N reports, vectors reused) to time questions on",
    )
    out.add_argument(
        "--limit-sample",
        type=int,
        default=3000,
        help="passages for the model-limit run (0: all; a random sample is faster)",
    )
    out.add_argument(
        "--limit-rounds", type=int, default=2, help="rounds of the fp32 and bulk limits, in turns"
    )
    out.add_argument("--work", help="working folder (default: a new temporary one)")
    out.add_argument("--keep", action="store_true", help="keep the indexes afterwards")
    out.add_argument("--json", action="store_true")
    return out


def main(argv: list[str] | None = None) -> int:
    from assistant.offline import offline_environment

    offline_environment()
    args = parser().parse_args(argv)
    result = benchmark(args)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
