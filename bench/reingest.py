"""Re-ingest benchmark: how long an unchanged folder takes to re-ingest, as a fraction of the
first ingest of the same folder, both measured in this one run.

    .venv/bin/python bench/reingest.py            # corpus/: about 2 minutes of CPU
    .venv/bin/python bench/reingest.py --json PATH

The folder is copied to a temporary directory and indexed into a fresh index there, by the real
command line in a fresh process each time (as a weekly cron job runs it). Reported: wall-clock
time of the whole command (start-up, imports, hashing every file, checking the registry) and
the ingest's own time from its JSON report, and the CPU time of each process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_ingest(folder: Path, index: Path) -> dict:
    """One `assistant ingest --json` in its own process: its report, wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "ingest",
            str(folder),
            "--index",
            str(index),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"ingest failed ({result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "ingest_s": report["seconds"],
        "files_indexed": report["files_indexed"],
        "files_unchanged": report["files_unchanged"],
        "passages": report["passages"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "corpus")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assistant-reingest-") as tmp:
        folder = Path(tmp) / "corpus"
        shutil.copytree(args.folder, folder)
        index = Path(tmp) / "index"
        first = run_ingest(folder, index)
        again = run_ingest(folder, index)
    if again["files_indexed"] != 0:
        raise SystemExit(f"the unchanged re-ingest re-indexed {again['files_indexed']} files")
    figures = {
        "folder": str(args.folder),
        "first": first,
        "unchanged": again,
        "fraction_wall": round(again["wall_s"] / first["wall_s"], 4),
        "fraction_ingest": round(again["ingest_s"] / first["ingest_s"], 4),
        "fraction_cpu": round(again["cpu_s"] / first["cpu_s"], 4),
    }
    print(
        f"first ingest:   {first['files_indexed']} files, {first['passages']} passages, "
        f"{first['wall_s']:.1f} s wall ({first['ingest_s']:.1f} s ingest, "
        f"{first['cpu_s']:.1f} s CPU)"
    )
    print(
        f"unchanged rerun: {again['files_unchanged']} unchanged, {again['wall_s']:.2f} s wall "
        f"({again['ingest_s']:.2f} s ingest, {again['cpu_s']:.2f} s CPU)"
    )
    print(
        f"rerun / first:  {figures['fraction_wall']:.1%} of wall time, "
        f"{figures['fraction_ingest']:.1%} of ingest time, {figures['fraction_cpu']:.1%} of CPU"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
