"""Bulk encoding throughput of the encoders ingest could use, side by side in one run: torch
(sentence-transformers), ONNX Runtime on the exported graph (traced with "eager" attention, as
Embedder exports it, and with "sdpa", as the model loads), on the eager graph fused by ONNX
Runtime's transformer optimizer, and on the eager graph with int8 weights. Same passages, same
batch size, same threads.

    .venv/bin/python bench/encoders.py --json          # 512 sample-corpus passages: ~6 minutes

Each measurement runs in a process of its own, as ingest would (nothing else loaded, its own
peak memory), and the variants take turns, round after round, so a machine whose speed drifts
slows them all alike. On a shared machine torch suffers most: its OpenMP threads wait for each
other at every operator, so one descheduled thread stalls both (8 answer sentences took 45 ms
on a quiet machine and 0.7-1.7 s while other jobs ran; ONNX Runtime took ~30 ms in both).

int8 changes the vectors, so its effect on answers is measured with `assistant eval` on an
index built with it (`--eval-int8 INDEX QUESTIONS...`: ingests corpus/ and the seeds into INDEX).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"
TORCH = "torch (sentence-transformers)"
# name -> (exported folder, graph file); the folders and files are made by phase_build
VARIANTS = {
    TORCH: None,
    "onnx, sdpa attention": ("sdpa", "model.onnx"),
    "onnx, eager attention": ("eager", "model.onnx"),
    "onnx eager, fused": ("eager", "model-fused.onnx"),
    "onnx eager, int8": ("eager", "model-int8.onnx"),
}


# Variants of the exported graph for bulk encoding, measured side by side with the plain graph
# here and not adopted (docs/benchmark.md, Encoders, has the figures): the fused
# graph was slower here, and int8 weights change the vectors.
FUSED = "model-fused.onnx"
INT8 = "model-int8.onnx"


def fuse(folder: Path, *, source: str = "model.onnx", target: str = FUSED) -> str:
    """ONNX Runtime's transformer optimizer: attention, GELU and layer norms fused into single
    operators (BERT-like graphs; heads and width read from the graph). Returns `target`."""
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(str(folder / source), model_type="bert")
    fused.save_model_to_file(str(folder / target))
    return target


def quantise(folder: Path, *, source: str = "model.onnx", target: str = INT8) -> str:
    """Dynamic int8 quantisation of the weights of every MatMul (activations stay float).
    Returns `target`."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(folder / source),
        str(folder / target),
        weight_type=QuantType.QInt8,
        # the traced graph lacks some intermediate types, which the quantiser must then assume
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )
    return target


def sample_passages(count: int) -> list[str]:
    """What ingest embeds for the first sample reports, in order, up to `count` passages."""
    from assistant.documents.passages import passages_of
    from assistant.documents.readers import discover, read_document

    found, _ = discover([ROOT / "corpus"])
    texts: list[str] = []
    for f in found:
        document = read_document(f, max_bytes=10**9)
        texts += [p.embedding_text() for p in passages_of(document, max_tokens=200)]
        if len(texts) >= count:
            return texts[:count]
    return texts


def phase_build(folder: Path) -> dict:
    """Export the bundled model twice (sdpa, eager); fuse and quantise the eager graph."""
    from assistant.vectors.embedder import Embedder

    torch = Embedder(cache=folder / "cache").torch
    for attention in ("sdpa", "eager"):
        (folder / attention).mkdir()
        torch.export_onnx(folder / attention, attention=attention)
    fuse(folder / "eager")  # the optimizer fuses only eager attention
    quantise(folder / "eager")
    return {}


def phase_measure(folder: Path, variant: str, *, batch: int, threads: int) -> dict:
    from assistant.vectors.embedder import Embedder
    from assistant.vectors.onnx_encoder import OnnxEncoder

    texts = json.loads((folder / "texts.json").read_text())
    if VARIANTS[variant] is None:
        encoder = Embedder(cache=folder / "cache", threads=threads).torch
    else:
        exported, graph = VARIANTS[variant]
        encoder = OnnxEncoder(folder / exported, threads=threads, graph=graph)
    encoder.encode(texts[:64], batch_size=batch)  # first-call costs are not throughput
    started, cpu = time.perf_counter(), time.process_time()
    vectors = encoder.encode(texts, batch_size=batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    np.save(folder / f"{variant}.npy", vectors)
    return {"seconds": seconds, "cpu_seconds": cpu}


def throughput(texts: list[str], *, batch: int, rounds: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "texts.json").write_text(json.dumps(texts))
        run_phase("build", folder)
        runs: dict[str, list[dict]] = {variant: [] for variant in VARIANTS}
        for _ in range(rounds):
            for variant in VARIANTS:
                options = ["--batch", str(batch), "--threads", str(threads)]
                runs[variant].append(run_phase("measure", folder, variant, *options))
        vectors = {variant: np.load(folder / f"{variant}.npy") for variant in VARIANTS}
    torch_s = statistics.median(r["seconds"] for r in runs[TORCH])
    rows = {}
    for variant, measured in runs.items():
        seconds = statistics.median(r["seconds"] for r in measured)
        cpu = statistics.median(r["cpu_seconds"] for r in measured)
        cosines = (vectors[variant] * vectors[TORCH]).sum(axis=1)
        rows[variant] = {
            "passages_per_s": round(len(texts) / seconds, 1),
            "passages_per_cpu_s": round(len(texts) / cpu, 1),
            "speed_vs_torch": round(torch_s / seconds, 2),
            "max_abs_diff_vs_torch": float(np.abs(vectors[variant] - vectors[TORCH]).max()),
            "min_cosine_vs_torch": round(float(cosines.min()), 4),
        }
    return {"passages": len(texts), "batch": batch, "threads": threads, "rounds": rounds} | {
        "variants": rows
    }


def run_phase(phase: str, folder: Path, *args: str) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--folder", str(folder), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def eval_int8(index: Path, questions: list[Path], *, threads: int) -> dict:
    """Build an index whose passages and questions are all encoded with int8 weights, and
    score it as `assistant eval` does."""
    from assistant.engine import Assistant
    from assistant.evaluation import evaluate as evaluation
    from assistant.evaluation import report as eval_report
    from assistant.offline import offline_environment
    from assistant.settings import Settings
    from assistant.vectors import onnx_encoder
    from assistant.vectors.embedder import Embedder

    offline_environment()
    folder = Path(tempfile.mkdtemp())
    Embedder(cache=folder / "cache").torch.export_onnx(folder)
    int8 = onnx_encoder.OnnxEncoder(folder, threads=threads, graph=quantise(folder))
    assistant = Assistant(Settings.from_env(index_dir=index))
    assistant.embedder._encoder = int8  # every text, passages and questions alike
    report = assistant.ingest([ROOT / "corpus", SEEDS])
    assistant.warm()
    systems = evaluation.systems_for(assistant, k=12)
    results = {}
    for path in questions:
        (summary,) = evaluation.evaluate(evaluation.load_questions(path), systems)
        print(eval_report.render([summary]), file=sys.stderr)
        results[path.name] = summary.to_json()
    return {"passages": report.passages, "eval": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--batch", type=int, default=32, help="as Settings.embed_batch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--eval-int8", nargs="+", type=Path, metavar="INDEX QUESTIONS")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("variant", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "build":
        result = phase_build(args.folder)
    elif args.phase == "measure":
        result = phase_measure(args.folder, args.variant, batch=args.batch, threads=args.threads)
    elif args.eval_int8:
        index, *questions = args.eval_int8
        result = eval_int8(index, questions, threads=args.threads)
    else:
        texts = sample_passages(args.texts)
        result = throughput(texts, batch=args.batch, rounds=args.rounds, threads=args.threads)
    print(json.dumps(result, indent=None if args.json or args.phase else 1))


if __name__ == "__main__":
    main()
