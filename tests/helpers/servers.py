"""Real servers started by the tests (Streamlit, `chroma run`, llama-cpp-python's server): a free
loopback port, waiting until one serves, and stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(
    serving: Callable[[], bool],
    process: subprocess.Popen,
    *,
    log: Path,
    timeout: float,
    name: str,
    poll: float = 0.5,
) -> None:
    """Return once `serving()` is true; fail with the server's log if it exits or `timeout`
    seconds pass first."""
    deadline = time.monotonic() + timeout
    while not serving():
        if process.poll() is not None:
            raise AssertionError(f"{name} exited {process.returncode}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} did not start within {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(poll)


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""
