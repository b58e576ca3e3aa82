"""End to end in a real browser: `streamlit run` on a free port, driven by Debian's headless
Chromium through Playwright (never a downloaded browser). Screenshots go to test-artifacts/."""

from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import rendering_oracle as oracle
from helpers import servers
from helpers.browser import STARTUP_SECONDS, start_streamlit
from helpers.chat_page import CASELOADS, EVIL_QUESTION, EVIL_TEXT, QUESTION, UI_PDFS, writable_copy
from helpers.paths import CORPUS, ROOT

ARTIFACTS = ROOT / "test-artifacts"
ANSWER_MS = 120_000
PAGE_MS = 60_000
# A common laptop screen: there the caseload card's quote fell below the pane before trimming.
LAPTOP = {"width": 1280, "height": 800}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page_for(browser, tmp_path) -> Iterator:
    """Open the page served from an index folder; stop the server after the test."""
    ARTIFACTS.mkdir(exist_ok=True)
    started: list[subprocess.Popen] = []

    def open_page(base: Path, *, viewport: dict | None = None):
        process, url = start_streamlit(base, tmp_path / "streamlit.log")
        started.append(process)
        viewport = viewport or {"width": 1500, "height": 1000}
        page = browser.new_page(viewport=viewport, accept_downloads=True)
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=STARTUP_SECONDS * 1000)
        return page

    yield open_page
    for process in started:
        servers.stop(process)


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


def test_an_uploaded_text_opens_at_its_quote_and_can_be_removed(page_for, ui_index, tmp_path):
    base = writable_copy(ui_index, tmp_path)
    page = page_for(base)
    filler = "".join(
        f"Item {n}. The highways committee reviewed the resurfacing of road {n} and approved "
        "the budget for its drainage works.\n\n"
        for n in range(1, 61)
    )
    upload = tmp_path / "wyvernshire-papers.txt"
    upload.write_text(filler + EVIL_TEXT, encoding="utf-8")  # the quote near the end
    page.get_by_text("Add documents", exact=True).click()
    page.locator("input[type=file]").set_input_files([str(upload)])
    page.get_by_role("button", name="Add to the index").click()
    page.get_by_text("Added 1: wyvernshire-papers.txt").wait_for(timeout=ANSWER_MS)

    _ask(page, EVIL_QUESTION)
    assert "uploads/wyvernshire-papers.txt" in page.locator(".ia-card").first.inner_text()
    page.get_by_text("Read it in the document").first.click()
    text = page.locator(".ia-page").first
    text.locator("mark").wait_for(timeout=PAGE_MS)
    assert "Item 1. The highways committee" in text.inner_text()  # the whole document ...
    assert text.evaluate("e => e.scrollTop") > 0  # ... opened scrolled down to the quote
    assert _inside(text.locator("mark").bounding_box(), text.bounding_box())
    page.screenshot(path=str(ARTIFACTS / "browser-document-view.png"))

    remove = page.get_by_role("button", name="Remove")
    remove.wait_for(timeout=10_000)
    remove.click()
    page.get_by_text("Removed wyvernshire-papers.txt").wait_for(timeout=ANSWER_MS)
    assert page.get_by_test_id("stMetricValue").first.inner_text() == str(len(UI_PDFS))
    assert not (base / "index" / "uploaded" / "uploads" / "wyvernshire-papers.txt").exists()


def _inside(inner: dict, outer: dict, *, slack: float = 0.5) -> bool:
    """Whether one bounding box lies wholly inside another (CSS pixels)."""
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


def _scroller_box(locator) -> dict:
    """The visible rectangle of the nearest ancestor that scrolls (the sources pane)."""
    return locator.evaluate(
        """element => {
            for (let e = element.parentElement; e; e = e.parentElement) {
                const style = getComputedStyle(e);
                if (/(auto|scroll)/.test(style.overflowY) && e.scrollHeight > e.clientHeight) {
                    const r = e.getBoundingClientRect();
                    return {x: r.x, y: r.y, width: r.width, height: r.height};
                }
            }
            return {x: 0, y: 0, width: innerWidth, height: innerHeight};
        }"""
    )


@dataclass(frozen=True)
class Cited:
    """What a source card cites, read from the card as a person would."""

    id: int
    pdf: Path
    page: int
    quote: str

    @classmethod
    def of(cls, card) -> Cited:
        meta = card.locator(".ia-meta").inner_text()
        return cls(
            id=int(card.locator(".ia-num").inner_text().strip("[]")),
            pdf=CORPUS / meta.rsplit(" \u00b7 ", 1)[-1].strip(),
            page=int(re.search(r"\bpage (\d+)\b", meta).group(1)),
            quote=card.locator("mark").inner_text(),
        )


def _check_page_view(page, cited: Cited) -> None:
    """The drawer shows the cited page, its boxes over the quoted words as PDFium places those
    words, and opens scrolled so that the first box is in view."""
    pdf, number, quote = cited.pdf, cited.page, cited.quote
    # the drawer of this quote, not the one closed a moment ago that Streamlit may still show
    view = page.get_by_role("dialog").locator(
        ".ia-pageview", has=page.locator(f'img[alt*="quote [{cited.id}] highlighted"]')
    )
    image = view.locator("img")
    image.wait_for(timeout=PAGE_MS)
    assert view.get_attribute("data-page") == str(number)
    image.evaluate("img => img.decode()")
    shown = oracle.image(base64.b64decode(image.get_attribute("src").split(",", 1)[1]))
    grey, width = shown.convert("L"), shown.width
    assert oracle.difference(grey, oracle.render(pdf, number, width=width)) < 1.0
    neighbour = number - 1 if number > 1 else number + 1  # and not the page beside it
    assert oracle.difference(grey, oracle.render(pdf, neighbour, width=width)) > 5.0
    # Measured in one frame, once the drawer has stopped sliding in: boxes and page together.
    page.get_by_role("dialog").evaluate(
        "d => Promise.all(d.getAnimations({subtree: true}).map(a => a.finished))"
    )
    sheet, highlights, shown_in = view.evaluate(
        """v => {
            const box = e => { const r = e.getBoundingClientRect();
                               return {x: r.x, y: r.y, width: r.width, height: r.height}; };
            return [box(v.querySelector("img")), [...v.querySelectorAll(".ia-hl")].map(box),
                    box(v)];
        }"""
    )
    assert highlights
    as_fractions = [
        (
            (h["x"] - sheet["x"]) / sheet["width"],
            (h["y"] - sheet["y"]) / sheet["height"],
            (h["x"] + h["width"] - sheet["x"]) / sheet["width"],
            (h["y"] + h["height"] - sheet["y"]) / sheet["height"],
        )
        for h in highlights
    ]
    chars = oracle.printed_chars(pdf, number)
    oracle.check_boxes_cover_quote(as_fractions, chars, quote, tolerance=1.5 / sheet["width"])
    assert _inside(highlights[0], shown_in)  # opened at the quote, not at the top


def test_caseload_quote_in_view_and_shown_on_its_page(page_for, ui_index, tmp_path):
    page = page_for(ui_index, viewport=LAPTOP)
    _ask(page, CASELOADS)
    cards = page.locator(".ia-card")
    first, mark = cards.first, cards.first.locator("mark")
    assert "ofsted-ilacs-liverpool-2023.pdf" in first.inner_text()
    screen = {"x": 0, "y": 0, **LAPTOP}
    assert _inside(mark.bounding_box(), first.bounding_box())
    # visible without scrolling: inside the sources pane and inside the window
    assert _inside(mark.bounding_box(), _scroller_box(first))
    assert _inside(mark.bounding_box(), screen)
    page.screenshot(path=str(ARTIFACTS / "browser-caseloads.png"))

    pages_seen = set()
    for index in range(cards.count()):  # several quotes, on more than one page
        cited = Cited.of(cards.nth(index))
        page.get_by_role("button", name="Show the page").nth(index).click()
        _check_page_view(page, cited)
        if cited.page == 8 and 8 not in pages_seen:  # "PAs are thwarted ... over 40."
            page.wait_for_timeout(300)  # the drawer's slide-in
            page.screenshot(path=str(ARTIFACTS / "browser-page-view.png"))
        pages_seen.add(cited.page)
        page.keyboard.press("Escape")
        page.get_by_role("dialog").wait_for(state="hidden", timeout=10_000)
    assert len(pages_seen) >= 2 and 8 in pages_seen, pages_seen

    log = (tmp_path / "streamlit.log").read_text().lower()
    # Streamlit words its deprecations "Please replace `x` with `y`. ... will be removed after"
    assert not [w for w in ("deprecat", "please replace", "will be removed") if w in log], log
