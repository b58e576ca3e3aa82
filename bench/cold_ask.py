"""Cold `assistant ask` against its floor: a fresh process that imports chromadb, opens the
collection and embeds one question (ONNX Runtime on the cached graph), and nothing else. What
the full command spends above the floor is ours: question understanding, retrieval, the keyword
index, the answer step, printing.

    .venv/bin/python bench/cold_ask.py --index index --runs 10 --json [--before OTHER_CHECKOUT]

The two take turns, run after run, on the same index and question, so a machine whose speed
drifts slows both alike; medians of `--runs`. `--imports` adds `python -X importtime` of one
cold ask: the modules whose import costs most, chromadb's apart from ours.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "How high are personal advisers' caseloads in Liverpool?"
# The floor: chromadb imported and its collection opened as the assistant opens it (telemetry
# off, no embedding function), and the question embedded with the graph ask uses.
FLOOR = """
import sys
from pathlib import Path
import chromadb
from chromadb.config import Settings
from assistant.settings import Settings as Ours
from assistant.vectors.embedder import resolve_model_path
from assistant.vectors.graph_cache import cached_graph
from assistant.vectors.onnx_encoder import OnnxEncoder
index, question = Path(sys.argv[1]), sys.argv[2]
client = chromadb.PersistentClient(
    path=str(index / "chroma"), settings=Settings(anonymized_telemetry=False)
)
collection = client.get_collection("passages", embedding_function=None)
model = Path(resolve_model_path(Ours().model))
vector = OnnxEncoder(cached_graph(model, cache=Ours().encoder_cache).folder).encode(
    [question], batch_size=1
)
print(collection.count(), vector.shape)
"""


def timed(command: list[str], root: Path = ROOT) -> float:
    started = time.perf_counter()
    env = os.environ | {"PYTHONPATH": str(root)}  # this checkout's code, not an installed one
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"{command[:4]} failed:\n{done.stderr[-2000:]}")
    return seconds


def measure(index: Path, *, runs: int, question: str, before: Path | None = None) -> dict:
    """Medians of the floor, this checkout's ask and (`before`) another checkout's, in turns."""
    ask = [sys.executable, "-m", "assistant.cli", "ask", question, "--index", str(index)]
    commands = {"floor": ([sys.executable, "-c", FLOOR, str(index), question], ROOT)}
    commands["ask"] = (ask, ROOT)
    if before:
        commands["ask, before"] = (ask, before)
    for command, root in commands.values():  # the first run reads the files from disk
        timed(command, root)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, root) in commands.items():
            times[name].append(timed(command, root))
    floor = statistics.median(times["floor"])
    result = {"runs": runs, "floor_s": round(floor, 3)}
    result["floor_min_s"] = round(min(times["floor"]), 3)
    for name in [n for n in commands if n != "floor"]:
        median = statistics.median(times[name])
        result[name] = {
            "s": round(median, 3),
            "min_s": round(min(times[name]), 3),
            "over_floor": round(median / floor, 2),
            "above_floor_s": round(median - floor, 3),
        }
    return result


def import_costs(index: Path, *, question: str, top: int = 12) -> dict:
    """Import time of one cold ask by top-level package (each module's own time, summed; ms):
    what chromadb's imports cost, what ours do."""
    command = [sys.executable, "-X", "importtime", "-m", "assistant.cli", "ask", question]
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [*command, "--index", str(index)], capture_output=True, text=True, cwd=ROOT, env=env
    )
    costs: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = (part.strip() for part in line[12:].split("|"))
        if own.isdigit():
            package = name.split(".")[0]
            costs[package] = costs.get(package, 0) + int(own) / 1000
    slowest = sorted(costs.items(), key=lambda item: -item[1])[:top]
    return {name: round(ms) for name, ms in slowest} | {"all": round(sum(costs.values()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10, help="0: the import costs only")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--before", type=Path, help="another checkout's ask, in turns")
    parser.add_argument("--imports", action="store_true", help="add import costs (ms)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {}
    if args.runs:
        result = measure(args.index, runs=args.runs, question=args.question, before=args.before)
    if args.imports:
        result["imports_ms"] = import_costs(args.index, question=args.question)
    print(json.dumps(result, indent=None if args.json else 1))


if __name__ == "__main__":
    main()
