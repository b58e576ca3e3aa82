"""Fixtures of the chat page's tests (AppTest and the real browser alike)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.chat_page import UI_PDFS
from helpers.paths import copy_corpus

from assistant.engine import Assistant
from assistant.settings import Settings


@pytest.fixture(scope="session")
def ui_index(tmp_path_factory) -> Path:
    """A small real index (four sample PDFs) with the originals in a `docs` folder beside it."""
    base = tmp_path_factory.mktemp("ui")
    docs = copy_corpus(UI_PDFS, base / "docs")
    settings = Settings.from_env({}, index_dir=base / "index")
    report = Assistant(settings).ingest([docs])
    assert report.exit_code == 0, report.skipped
    return base
