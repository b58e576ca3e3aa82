"""The chat page in a real browser: `streamlit run ui/app.py` on a free loopback port, and
Debian's headless Chromium to drive it through Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from helpers import servers
from helpers.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
STARTUP_SECONDS = 180  # model load on a busy 2-core machine


def start_streamlit(
    base: Path,
    log: Path,
    *,
    port: int | None = None,
    secrets: Path | None = None,
    env: dict | None = None,
) -> tuple[subprocess.Popen, str]:
    """The chat page on the index and originals in `base`; `secrets` is its secrets.toml
    (an identity provider), none by default."""
    port = port or servers.free_port()
    env = dict(
        os.environ,
        ASSISTANT_INDEX=str(base / "index"),
        ASSISTANT_DOCS=str(base / "docs"),
        **(env or {}),
    )
    command = [
        str(Path(sys.executable).with_name("streamlit")), "run", "ui/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        # Never the developer's own ~/.streamlit or ./.streamlit secrets: only the test's.
        "--secrets.files", str(secrets or base / "no-secrets.toml"),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_serving(
            lambda: healthy(url), process, log=log, timeout=STARTUP_SECONDS, name="streamlit"
        )
    except AssertionError:
        servers.stop(process)
        raise
    return process, url


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
