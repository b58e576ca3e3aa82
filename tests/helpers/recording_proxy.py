"""A loopback HTTP proxy that keeps every request body it forwards: put in front of the real
model server, it shows exactly what the assistant sent the model (the server itself keeps no
record of prompts)."""

from __future__ import annotations

import contextlib
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextlib.contextmanager
def recording_proxy(upstream: str) -> Iterator[tuple[str, list[bytes]]]:
    """(the proxy's URL, the request bodies it has forwarded so far) while the block runs."""
    bodies: list[bytes] = []

    class Forward(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            bodies.append(body)
            self._relay(urllib.request.Request(upstream + self.path, data=body, method="POST"))

        def do_GET(self):  # noqa: N802
            self._relay(urllib.request.Request(upstream + self.path))

        def _relay(self, request):
            for name in ("Content-Type", "Authorization"):
                if self.headers.get(name):
                    request.add_header(name, self.headers[name])
            with urllib.request.urlopen(request, timeout=600) as reply:
                data = reply.read()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", bodies
    finally:
        server.shutdown()
        server.server_close()
