"""25 people signed in at once, of three groups, each asking two questions while an ingest
writes more papers into the same index: every question answered or honestly declined, none
failing, and no answer showing a paper outside its reader's groups."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time

import pytest
from helpers import servers
from helpers.browser import STARTUP_SECONDS, start_streamlit
from helpers.chat_page import GROUP_QUESTIONS, QUESTION, RESTRICTED, writable_copy
from helpers.oidc_provider import INSECURE, running_provider, sign_in
from helpers.paths import CORPUS

PEOPLE = 25
GROUPS = ("cabinet", "officers", "public")  # "public": signed in, in no group
QUESTIONS = {**GROUP_QUESTIONS, "public": QUESTION}
MORE = ["ofsted-sif-norfolk-2015.pdf", "ofsted-sif-birmingham-2016.pdf"]  # ingested meanwhile
DONE = re.compile(r"(sources?|not answered) \u00b7 [\d.]+ s")
ANSWER_SECONDS = 150

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _answers(page) -> int:
    return page.get_by_text(DONE).count()


def _errors(page) -> int:
    return (
        page.get_by_test_id("stException").count()
        + page.get_by_test_id("stAlert")
        .filter(has_text=re.compile("cannot be used|Not answered|Filter not understood"))
        .count()
    )


def _ask_everyone(pages, questions) -> list[float]:
    """Send each page its question at once, then wait for every answer; seconds per question."""
    sent, counts = {}, {}
    for i, page in enumerate(pages):
        counts[i] = _answers(page)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(questions[i])
        box.press("Enter")
        sent[i] = time.monotonic()
    took, deadline = {}, time.monotonic() + ANSWER_SECONDS
    while len(took) < len(pages):
        assert time.monotonic() < deadline, f"{len(pages) - len(took)} questions unanswered"
        for i, page in enumerate(pages):
            if i not in took and _answers(page) > counts[i]:
                took[i] = time.monotonic() - sent[i]
        time.sleep(0.2)
    return list(took.values())


def test_25_signed_in_readers_ask_while_an_ingest_writes(browser, access_index, tmp_path):
    base = writable_copy(access_index, tmp_path)
    more = tmp_path / "more"
    more.mkdir()
    for name in MORE:
        (more / name).write_bytes((CORPUS / name).read_bytes())
    port = servers.free_port()
    with running_provider() as provider:
        people = [(f"p{n}@example.org", GROUPS[n % len(GROUPS)]) for n in range(PEOPLE)]
        for email, group in people:
            groups = [] if group == "public" else [group]
            provider.add_user(email, email=email, groups=groups)
        secrets = provider.secrets_toml(tmp_path, app_url=f"http://127.0.0.1:{port}")
        process, url = start_streamlit(
            base, tmp_path / "streamlit.log", port=port, secrets=secrets, env=INSECURE
        )
        ingest = None
        try:
            pages = []
            for email, _ in people:
                page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
                page.goto(url)
                page.get_by_role("button", name="Sign in").wait_for(timeout=STARTUP_SECONDS * 1000)
                sign_in(page, email, timeout_ms=STARTUP_SECONDS * 1000)
                pages.append(page)
            ingest = subprocess.Popen(
                [sys.executable, "-m", "assistant.cli", "ingest", str(more),
                 "--index", str(base / "index")],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            # First each person's own group's question, then another group's.
            first = [QUESTIONS[group] for _, group in people]
            second = [QUESTIONS[GROUPS[(n + 1) % len(GROUPS)]] for n in range(PEOPLE)]
            took = _ask_everyone(pages, first)
            overlapped = ingest.poll() is None  # the ingest was still writing meanwhile
            took += _ask_everyone(pages, second)
            for page, (email, group) in zip(pages, people, strict=True):
                shown = page.content()
                assert _answers(page) == 2 and _errors(page) == 0, email
                for name, owner in RESTRICTED.items():
                    if owner != group:
                        assert name not in shown, f"{email} ({group}) was shown {name}"
            print(
                f"\n{len(took)} questions from {PEOPLE} readers: p50 "
                f"{statistics.median(took):.1f} s, max {max(took):.1f} s; the ingest "
                f"{'was still writing after' if overlapped else 'had finished before the end of'}"
                " the first round"
            )
            output, _ = ingest.communicate(timeout=300)
            assert ingest.returncode == 0, output
        finally:
            if ingest is not None and ingest.poll() is None:
                servers.stop(ingest)
            servers.stop(process)
