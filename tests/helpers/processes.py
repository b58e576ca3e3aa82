"""The command line and Python scripts in fresh processes, as a user (or another process) runs
them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.paths import ROOT, TESTS

# The first line of a script run with `python -c`: the repository and tests/ on its path, so it
# imports `assistant` and `helpers` whatever its working folder.
SYS_PATH = f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(TESTS)!r}]\n"


def cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 900
) -> subprocess.CompletedProcess:
    """`assistant ARGS...` in a fresh process, as a user runs it; `env` adds to this one's."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=os.environ | (env or {}),
    )


def run_cli(*args: str, index: Path) -> subprocess.CompletedProcess:
    """`assistant ARGS... --index INDEX` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args, "--index", str(index)],
        capture_output=True,
        text=True,
        timeout=600,
    )
