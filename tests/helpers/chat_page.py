"""The chat page (ui/app.py) under test: its sample documents and questions, the page in
Streamlit's AppTest on an index folder, and a private copy of that folder for tests that add
documents. The index itself is the `ui_index` fixture (tests/ui/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from helpers.paths import ROOT

APP = str(ROOT / "ui" / "app.py")
UI_PDFS = [
    "ofsted-fv-norfolk-2021.pdf",
    "ofsted-fv-kent-2024.pdf",
    "ofsted-cqc-send-rotherham-2024.pdf",
    "ofsted-ilacs-liverpool-2023.pdf",  # the caseload question of "Show the page"
]
# Restricted papers of the sign-in tests: each group's question is answered by its own paper.
RESTRICTED = {"ofsted-ilacs-liverpool-2023.pdf": "cabinet", "ofsted-fv-kent-2024.pdf": "officers"}
GROUP_QUESTIONS = {
    "cabinet": "How high are personal advisers' caseloads in Liverpool?",
    "officers": "What did inspectors say about management oversight in Kent?",
}
QUESTION = "How well are children in care supported in Norfolk?"
CASELOADS = "How high are personal advisers' caseloads in Liverpool?"
OFF_TOPIC = "What is the boiling point of liquid nitrogen on Mars?"
EVIL_TEXT = (
    "Wyvernshire fostering panel review\n\n"
    "The fostering panel in Wyvernshire meets every month to approve new foster carers. "
    "<img src=x onerror=alert(1)> The panel chair said <script>alert('pwned')</script> that "
    "carers & families in Wyvernshire were well supported by the fostering panel.\n"
)
EVIL_QUESTION = "How often does the fostering panel in Wyvernshire meet?"


def writable_copy(ui_index: Path, tmp_path: Path) -> Path:
    """Tests that add documents get their own copy, leaving the shared index as it was."""
    shutil.copytree(ui_index, tmp_path / "ui", ignore=shutil.ignore_patterns("ingest.lock"))
    return tmp_path / "ui"


def app_for(base: Path, monkeypatch) -> AppTest:
    """The chat page on the index and originals in `base`, run once."""
    monkeypatch.setenv("ASSISTANT_INDEX", str(base / "index"))
    monkeypatch.setenv("ASSISTANT_DOCS", str(base / "docs"))
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def htmls(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html")]


def cards(at: AppTest) -> list[str]:
    return [h for h in htmls(at) if 'class="ia-card' in h]
