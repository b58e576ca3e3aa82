"""Bulk encoding throughput of the encoders ingest could use, side by side in one run: torch
(sentence-transformers) in fp32 and under bf16 autocast; the exported graph on ONNX Runtime in
fp32 (the fp32 limit before bf16), on OpenVINO in bf16 (what ingest uses where the CPU has bf16
units), and in int8 two careful ways. Same passages, same batch size, same threads; each
variant's vectors compared with torch fp32's (min and mean cosine) and its peak memory.

    .venv/bin/python bench/encoders.py --json          # 1,024 sample-corpus passages: ~10 minutes

Each measurement runs in a process of its own, as ingest would (nothing else loaded, its own
peak memory), and the variants take turns, round after round, so a machine whose speed drifts
slows them all alike. On a shared machine torch suffers most: its OpenMP threads wait for each
other at every operator, so one descheduled thread stalls both (8 answer sentences took 45 ms
on a quiet machine and 0.7-1.7 s while other jobs ran; ONNX Runtime took ~30 ms in both).

int8 changes the vectors, so its effect on answers is measured with `assistant eval` on an
index built with it (`--eval-int8 INDEX QUESTIONS...`: ingests corpus/ and the seeds into INDEX).
Earlier variants (the graph traced with sdpa attention, fused by ONNX Runtime's transformer
optimizer, int8 by plain dynamic quantisation) run with `--variants` (docs/benchmark.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
TORCH = "torch fp32 (sentence-transformers)"
ORT = "onnxruntime fp32"
CALIBRATION = 256  # passages after the measured ones calibrate the static int8 graph
# name -> (runtime, exported folder, graph file, precision); phase_build makes the graphs
VARIANTS = {
    TORCH: ("torch", "", "", "fp32"),
    "torch bf16 autocast": ("torch", "", "", "bf16"),
    ORT: ("onnxruntime", "eager", "model.onnx", "fp32"),
    "openvino bf16 (ingest)": ("openvino", "eager", "model.onnx", "bf16"),
    "onnxruntime int8 dynamic, per-channel, FFN out fp32": (
        "onnxruntime",
        "eager",
        "model-int8-pc.onnx",
        "int8",
    ),
    "openvino int8 static, calibrated, FFN out fp32": (
        "openvino",
        "eager",
        "model-int8-qdq.onnx",
        "bf16",
    ),
    # earlier rounds' variants (docs/benchmark.md), with --variants
    "onnxruntime fp32, sdpa attention": ("onnxruntime", "sdpa", "model.onnx", "fp32"),
    "onnxruntime fp32, fused": ("onnxruntime", "eager", "model-fused.onnx", "fp32"),
    "onnxruntime int8 dynamic, per-tensor": ("onnxruntime", "eager", "model-int8.onnx", "int8"),
}
DEFAULT = list(VARIANTS)[:6]


# Variants of the exported graph for bulk encoding, measured side by side with the plain graph
# here and not adopted (docs/benchmark.md, Encoders, has the figures): the fused graph was
# slower here, and int8 weights change the vectors.
FUSED = "model-fused.onnx"
INT8 = "model-int8.onnx"


def fuse(folder: Path, *, source: str = "model.onnx", target: str = FUSED) -> str:
    """ONNX Runtime's transformer optimizer: attention, GELU and layer norms fused into single
    operators (BERT-like graphs; heads and width read from the graph). Returns `target`."""
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(str(folder / source), model_type="bert")
    fused.save_model_to_file(str(folder / target))
    return target


def quantise(
    folder: Path, *, source: str = "model.onnx", target: str = INT8, careful: bool = False
) -> str:
    """Dynamic int8 quantisation of the weights of every MatMul (activations quantised per
    batch at run time). `careful`: per-channel weight scales, and each feed-forward block's
    output projection left in fp32 (its inputs, after GELU, have the outliers that int8 loses
    most on). Returns `target`."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(folder / source),
        str(folder / target),
        weight_type=QuantType.QInt8,
        per_channel=careful,
        nodes_to_exclude=_ffn_outputs(folder / source) if careful else None,
        # the traced graph lacks some intermediate types, which the quantiser must then assume
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )
    return target


def quantise_static(folder: Path, calibration: list[str], *, target: str) -> str:
    """Static int8 (QDQ) of the weight MatMuls, activation ranges calibrated on `calibration`
    passages (one at a time: their lengths differ), per-channel weights, the feed-forward
    outputs and the attention products (activation by activation) left in float. OpenVINO
    runs the QDQ pairs as int8 kernels. Returns `target`."""
    import onnx
    from onnx import TensorProto
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    from assistant.vectors.onnx_encoder import OnnxEncoder

    model = onnx.load(str(folder / "model.onnx"))
    known = {i.name for i in model.graph.initializer}
    known |= {n.output[0] for n in model.graph.node if n.op_type == "Constant"}
    products = [n.name for n in model.graph.node if n.op_type == "MatMul"]
    weighted = {n.name for n in model.graph.node if set(n.input) & known}
    exclude = [n for n in products if n not in weighted] + _ffn_outputs(folder / "model.onnx")
    tokenizer = OnnxEncoder(folder)._tokenizer
    feeds = []
    for encoding in tokenizer.encode_batch(calibration):
        ids = np.array([encoding.ids], dtype=np.int64)
        ones = np.ones_like(ids)
        feeds.append({"input_ids": ids, "token_type_ids": 0 * ones, "attention_mask": ones})

    class Feeds(CalibrationDataReader):
        def __init__(self):
            self.left = iter(feeds)

        def get_next(self):
            return next(self.left, None)

    quantize_static(
        str(folder / "model.onnx"),
        str(folder / target),
        Feeds(),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul"],
        nodes_to_exclude=exclude,
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )
    return target


def _ffn_outputs(graph: Path) -> list[str]:
    """The MatMul of each layer's feed-forward output projection (named by the exporter)."""
    import onnx

    names = [n.name for n in onnx.load(str(graph)).graph.node if n.op_type == "MatMul"]
    return [n for n in names if "/output/dense" in n and "attention" not in n]


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


def phase_build(folder: Path, variants: list[str]) -> dict:
    """Export the bundled model (eager attention, as Embedder does; sdpa if asked for) and make
    the variant graphs asked for."""
    from assistant.vectors.embedder import Embedder

    torch = Embedder(cache=folder / "cache").torch
    graphs = {VARIANTS[v][1:3] for v in variants if VARIANTS[v][1]}
    for attention in sorted({sub for sub, _ in graphs}):
        (folder / attention).mkdir()
        torch.export_onnx(folder / attention, attention=attention)
    eager = folder / "eager"
    texts = json.loads((folder / "texts.json").read_text())
    makers = {
        FUSED: lambda: fuse(eager),
        INT8: lambda: quantise(eager),
        "model-int8-pc.onnx": lambda: quantise(eager, target="model-int8-pc.onnx", careful=True),
        "model-int8-qdq.onnx": lambda: quantise_static(
            eager, texts["calibration"], target="model-int8-qdq.onnx"
        ),
    }
    for _, graph in sorted(graphs):
        if graph in makers:
            makers[graph]()
    return {}


def open_encoder(folder: Path, variant: str, *, threads: int):
    from assistant.vectors.embedder import Embedder

    runtime, exported, graph, precision = VARIANTS[variant]
    if runtime == "torch":
        encoder = Embedder(cache=folder / "cache", threads=threads).torch
        return Autocast(encoder) if precision == "bf16" else encoder
    if runtime == "openvino":
        from assistant.vectors.openvino_encoder import OpenVinoEncoder

        return OpenVinoEncoder(folder / exported, threads=threads, graph=graph, precision=precision)
    from assistant.vectors.onnx_encoder import OnnxEncoder

    return OnnxEncoder(folder / exported, threads=threads, graph=graph)


class Autocast:
    """Sentence-transformers under torch.autocast to bfloat16 (matrix products in bf16)."""

    def __init__(self, encoder):
        self.encoder = encoder

    def encode(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.encoder.encode(texts, batch_size=batch_size)


def phase_measure(folder: Path, variant: str, *, batch: int, threads: int) -> dict:
    texts = json.loads((folder / "texts.json").read_text())["measured"]
    encoder = open_encoder(folder, variant, threads=threads)
    encoder.encode(texts[:64], batch_size=batch)  # first-call costs are not throughput
    started, cpu = time.perf_counter(), time.process_time()
    vectors = encoder.encode(texts, batch_size=batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    np.save(folder / f"{variant}.npy", vectors)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": round(peak)}


def throughput(texts: dict, variants: list[str], *, batch: int, rounds: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "texts.json").write_text(json.dumps(texts))
        run_phase("build", folder, *variants)
        runs: dict[str, list[dict]] = {variant: [] for variant in variants}
        for _ in range(rounds):
            for variant in variants:
                options = ["--batch", str(batch), "--threads", str(threads)]
                runs[variant].append(run_phase("measure", folder, variant, *options))
        vectors = {variant: np.load(folder / f"{variant}.npy") for variant in variants}
    reference = TORCH if TORCH in variants else variants[0]
    rows = {v: _row(runs[v], vectors[v], vectors[reference], len(texts["measured"])) for v in runs}
    for row in rows.values():
        for base, key in ((TORCH, "speed_vs_torch_fp32"), (ORT, "speed_vs_onnxruntime_fp32")):
            if base in rows:
                row[key] = round(row["passages_per_s"] / rows[base]["passages_per_s"], 2)
    settings = {"passages": len(texts["measured"]), "batch": batch, "threads": threads}
    return settings | {"rounds": rounds, "cosine_to": reference, "variants": rows}


def _row(measured: list[dict], vectors: np.ndarray, reference: np.ndarray, count: int) -> dict:
    """The median round's speed, and the vectors against the reference's."""
    seconds = statistics.median(r["seconds"] for r in measured)
    cpu = statistics.median(r["cpu_seconds"] for r in measured)
    cosines = (vectors * reference).sum(axis=1)
    return {
        "passages_per_s": round(count / seconds, 1),
        "passages_per_cpu_s": round(count / cpu, 1),
        "min_cosine": round(float(cosines.min()), 5),
        "mean_cosine": round(float(cosines.mean()), 6),
        "max_abs_diff": float(np.abs(vectors - reference).max()),
        "peak_mb": max(r["peak_mb"] for r in measured),
    }


def run_phase(phase: str, folder: Path, *args: str) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--folder", str(folder), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def eval_int8(index: Path, questions: list[Path], *, threads: int) -> dict:
    """Build an index whose passages and questions are all encoded with int8 weights (the
    careful dynamic quantisation), and score it as `assistant eval` does."""
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
    int8 = onnx_encoder.OnnxEncoder(folder, threads=threads, graph=quantise(folder, careful=True))
    assistant = Assistant(Settings.from_env(index_dir=index))
    # every text, passages (the bulk encoder) and questions alike
    assistant.embedder._encoder = assistant.embedder._bulk = int8
    assistant.embedder.bulk_note = "int8"
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
    parser.add_argument("--texts", type=int, default=1024, help="sample-corpus passages")
    parser.add_argument("--batch", type=int, default=32, help="as Settings.embed_batch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--variants", type=lambda t: t.split(","), default=DEFAULT, help="names, comma-separated"
    )
    parser.add_argument("--eval-int8", nargs="+", type=Path, metavar="INDEX QUESTIONS")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("names", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "build":
        result = phase_build(args.folder, args.names)
    elif args.phase == "measure":
        (variant,) = args.names
        result = phase_measure(args.folder, variant, batch=args.batch, threads=args.threads)
    elif args.eval_int8:
        index, *questions = args.eval_int8
        result = eval_int8(index, questions, threads=args.threads)
    else:
        unknown = [v for v in args.variants if v not in VARIANTS]
        if unknown:
            raise SystemExit(f"unknown variants {unknown}; known: {list(VARIANTS)}")
        found = sample_passages(args.texts + CALIBRATION)
        texts = {"measured": found[: args.texts], "calibration": found[args.texts :]}
        options = {"batch": args.batch, "rounds": args.rounds, "threads": args.threads}
        result = throughput(texts, args.variants, **options)
    print(json.dumps(result, indent=None if args.json or args.phase else 1))


if __name__ == "__main__":
    main()
