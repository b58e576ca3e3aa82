"""End to end in a real browser: `streamlit run` on a free port, driven by Debian's headless
Chromium through Playwright (never a downloaded browser). Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_ui
from conftest import ROOT
from test_ui import EVIL_QUESTION, EVIL_TEXT, QUESTION, writable_copy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_SECONDS = 180  # model load on a busy 2-core machine
ANSWER_MS = 120_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ui_index = test_ui.ui_index  # the small index fixture, shared with the AppTest tests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_streamlit(base: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, ASSISTANT_INDEX=str(base / "index"), ASSISTANT_DOCS=str(base / "docs"))
    command = [
        str(Path(sys.executable).with_name("streamlit")), "run", "ui/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.5)
    process.terminate()
    pytest.fail(f"streamlit did not start within {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_for(browser, tmp_path) -> Iterator:
    """Open the page served from an index folder; stop the server after the test."""
    ARTIFACTS.mkdir(exist_ok=True)
    started: list[subprocess.Popen] = []

    def open_page(base: Path):
        process, url = _start_streamlit(base, tmp_path / "streamlit.log")
        started.append(process)
        page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=STARTUP_SECONDS * 1000)
        return page

    yield open_page
    for process in started:
        _stop(process)


def _ask(page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    page.locator(".ia-card").first.wait_for(timeout=ANSWER_MS)
    page.wait_for_timeout(500)  # let the rest of the rerun paint


def test_ask_shows_answer_marker_and_highlighted_quote(page_for, ui_index):
    page = page_for(ui_index)
    _ask(page, QUESTION)
    answer = page.locator(".ia-answer").first
    assert answer.is_visible()
    marker = page.locator(".ia-answer .ia-cite").first
    assert marker.is_visible() and marker.inner_text() == "[1]"
    mark = page.locator(".ia-card").first.locator("mark")
    assert mark.is_visible()
    quote = mark.inner_text().strip()
    assert len(quote) > 20 and " ".join(quote.split()) in " ".join(answer.inner_text().split())
    assert page.get_by_role("button", name="Open original").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-answer.png"))

    with page.expect_download() as download:
        page.get_by_role("button", name="Download briefing (Markdown)").click()
    briefing = Path(download.value.path()).read_text(encoding="utf-8")
    assert QUESTION in briefing and "**References**" in briefing
    assert "- **[1]** " in briefing and quote.split()[0] in briefing


def test_upload_then_ask_about_it_shows_html_as_text(page_for, ui_index, tmp_path):
    base = writable_copy(ui_index, tmp_path)
    page = page_for(base)
    files = tmp_path / "to-upload"
    files.mkdir()
    (files / "wyvernshire-panel.txt").write_text(EVIL_TEXT, encoding="utf-8")
    (files / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")

    page.get_by_text("Add documents", exact=True).click()
    page.locator("input[type=file]").set_input_files(
        [str(files / "wyvernshire-panel.txt"), str(files / "broken.pdf")]
    )
    page.get_by_role("button", name="Add to the index").click()
    page.get_by_text("Added 1: wyvernshire-panel.txt").wait_for(timeout=ANSWER_MS)
    assert page.get_by_text("broken.pdf: ").is_visible()

    _ask(page, EVIL_QUESTION)
    card = page.locator(".ia-card").first
    assert "uploads/wyvernshire-panel.txt" in card.inner_text()
    assert card.locator("mark").is_visible()
    page.get_by_text("<img src=x onerror=alert(1)>").first.wait_for(timeout=10_000)
    assert page.locator(".ia-card img, .ia-card script, .ia-answer img").count() == 0
    page.wait_for_timeout(1000)  # an injected onerror handler would have fired by now
    assert page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "browser-upload.png"))
