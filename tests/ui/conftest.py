"""Fixtures of the chat page's tests (AppTest and the real browser alike)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import canary
from helpers.browser import CHROMIUM, CHROMIUM_ARGS
from helpers.chat_page import RESTRICTED, UI_PDFS
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


@pytest.fixture(scope="session")
def access_index(tmp_path_factory) -> Path:
    """The four sample PDFs with two of them restricted by their sidecars: the Liverpool report
    to `cabinet`, the Kent one to `officers` (until tests/helpers/canary.py lands on main)."""
    base = tmp_path_factory.mktemp("access")
    docs = copy_corpus(UI_PDFS, base / "docs")
    for name, group in RESTRICTED.items():
        (docs / f"{name}.meta.json").write_text(json.dumps({"access": group}), encoding="utf-8")
    settings = Settings.from_env({}, index_dir=base / "index", doc_roots=(docs,))
    report = Assistant(settings).ingest([docs])
    assert report.exit_code == 0, report.skipped
    return base


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def canary_base(tmp_path_factory) -> Path:
    """The canary corpus (tests/helpers/canary.py) in `docs`, indexed in `index` beside it."""
    base = tmp_path_factory.mktemp("canary-ui")
    docs = canary.build(base / "docs")
    report = Assistant(Settings.from_env({}, index_dir=base / "index")).ingest([docs])
    assert report.exit_code == 0, report.skipped
    return base
