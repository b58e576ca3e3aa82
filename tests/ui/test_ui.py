"""The chat page, run by Streamlit's AppTest against a real index of a few sample PDFs."""

from __future__ import annotations

import html

import pytest
from helpers.chat_page import (
    CASELOADS,
    EVIL_QUESTION,
    EVIL_TEXT,
    OFF_TOPIC,
    QUESTION,
    UI_PDFS,
    app_for,
    ask,
    cards,
    htmls,
    writable_copy,
)
from helpers.fake_clock import FakeClock
from helpers.paths import CORPUS, copy_corpus
from streamlit.testing.v1 import AppTest

from assistant.engine import Assistant
from assistant.evidence.briefing import to_markdown
from assistant.index.store import Store
from assistant.settings import Settings
from ui import render
from ui.uploads import safe_name


@pytest.mark.slow
def test_answer_beside_cards_with_highlighted_quotes(ui_index, monkeypatch):
    at = ask(app_for(ui_index, monkeypatch), QUESTION)
    answer = at.session_state["turns"][-1]
    assert answer.answered and answer.citations
    shown = next(h for h in htmls(at) if 'class="ia-answer' in h)
    for c in answer.citations:
        assert f'<span class="ia-cite">[{c.id}]</span>' in shown
    assert len(cards(at)) == len(answer.citations)
    for card, c in zip(cards(at), answer.citations, strict=True):
        assert f"<mark>{render.esc(c.quote)}</mark>" in card
        assert render.esc(c.title) in card and c.source in card
        if c.page:
            assert f"page {c.page}" in card
    labels = [b.label for b in at.get("download_button")]
    assert sum(label.startswith("Open original") for label in labels) == len(answer.citations)
    assert any(c.value.startswith(f"{len(answer.citations)} source") for c in at.caption)


@pytest.mark.slow
def test_read_the_cited_page_of_the_original(ui_index, monkeypatch):
    at = ask(app_for(ui_index, monkeypatch), QUESTION)
    first = at.session_state["turns"][-1].citations[0]
    at.toggle(key=f"orig-0-{first.id}-read").set_value(True).run()
    pages = [h for h in htmls(at) if 'class="ia-page"' in h]
    assert len(pages) == 1
    assert f"<mark>{render.esc(first.quote)}</mark>" in pages[0]
    assert len(pages[0]) > len(render.card_html(first)) // 2  # the whole page, not the excerpt


@pytest.mark.slow
def test_cards_open_with_the_quote_trimmed_into_view(ui_index, monkeypatch):
    at = ask(app_for(ui_index, monkeypatch), CASELOADS)
    citations = at.session_state["turns"][-1].citations
    assert citations and citations[0].source == "ofsted-ilacs-liverpool-2023.pdf"
    # some quote sits deep in its long passage: untrimmed, its card would show it below the fold
    assert max(c.quote_in_excerpt[0] for c in citations) > 2 * render.CARD_BEFORE
    for card, c in zip(cards(at), citations, strict=True):
        excerpt = card.split('class="ia-excerpt">', 1)[1]
        lead = html.unescape(excerpt.split("<mark>", 1)[0])
        assert f"<mark>{render.esc(c.quote)}</mark>" in excerpt
        assert len(lead) <= render.CARD_BEFORE + len(render.ELLIPSIS) + 1
        assert lead.startswith(render.ELLIPSIS) == (len(lead) < len(c.around_quote()[0]))


@pytest.mark.slow
def test_show_the_page_renders_the_cited_pdf_page_with_the_quote_boxed(ui_index, monkeypatch):
    at = ask(app_for(ui_index, monkeypatch), CASELOADS)
    first = at.session_state["turns"][-1].citations[0]
    assert first.page and not [h for h in htmls(at) if "data-page=" in h]
    at.button(key=f"orig-0-{first.id}-page").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [h for h in htmls(at) if "data-page=" in h]
    assert len(shown) == 1 and f'data-page="{first.page}"' in shown[0]
    assert shown[0].count('class="ia-hl"') == len(first.quote.split())  # a box per word
    assert '<img src="data:image/webp;base64,' in shown[0]
    assert any(c.value.endswith(render.md_literal("highlighted.")) for c in at.caption)
    cached = list((ui_index / "index" / "page-images").iterdir())
    assert cached  # rendered beside the index, for the next time


@pytest.mark.slow
def test_follow_up_select_answer_and_new_chat(ui_index, monkeypatch):
    at = ask(ask(app_for(ui_index, monkeypatch), QUESTION), "What about Kent?")
    turns = at.session_state["turns"]
    assert [t.question for t in turns] == [QUESTION, "What about Kent?"]
    assert len(at.chat_message) == 4
    assert at.selectbox(key="selected").value == 1  # the newest answer's sources are shown
    at.button(key="show-0").click().run()
    assert at.selectbox(key="selected").value == 0
    assert len(cards(at)) == len(turns[0].citations)
    at.button(key="new-chat").click().run()
    assert at.session_state["turns"] == []
    assert not at.chat_message and not cards(at)


@pytest.mark.slow
def test_decline_shows_closest_passages_marked_not_answering(ui_index, monkeypatch):
    at = ask(app_for(ui_index, monkeypatch), OFF_TOPIC)
    answer = at.session_state["turns"][-1]
    assert not answer.answered and answer.related
    assert any("do not answer" in w.value for w in at.warning)
    shown = cards(at)
    assert len(shown) == len(answer.related)
    assert all("Closest passage, not an answer" in card and "<mark>" not in card for card in shown)


@pytest.mark.slow
def test_sidebar_status_and_document_filter(ui_index, monkeypatch):
    at = app_for(ui_index, monkeypatch)
    advanced = next(e for e in at.sidebar.expander if e.label == "Advanced")
    assert [s.label for s in advanced.slider] == ["Passages to search per question"]
    assert [s.key for s in advanced.slider] == ["k"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == str(len(UI_PDFS))
    records = Assistant(Settings.from_env({}, index_dir=ui_index / "index")).sources()
    assert metrics["Passages"] == str(sum(r.passages for r in records)) != "0"
    assert any(c.value.startswith("Last ingest: ") and "never" not in c.value for c in at.caption)
    at.multiselect(key="f-docs").set_value(["ofsted-fv-kent-2024.pdf"]).run()
    answer = ask(at, QUESTION).session_state["turns"][-1]
    shown = answer.citations or answer.related
    assert shown and {c.source for c in shown} == {"ofsted-fv-kent-2024.pdf"}


@pytest.mark.slow
def test_council_filter_offered_from_document_metadata(ui_index, monkeypatch):
    records = Assistant(Settings.from_env({}, index_dir=ui_index / "index")).sources()
    councils = sorted({r.meta.council for r in records if r.meta.council})
    at = app_for(ui_index, monkeypatch)
    offered = [w for w in at.multiselect if w.key == "f-council"]
    if not councils:  # documents without a council get no council filter
        assert not offered
        return
    assert offered[0].options == councils
    offered[0].set_value([councils[0]]).run()
    answer = ask(at, QUESTION).session_state["turns"][-1]
    shown = answer.citations or answer.related
    assert shown and {c.meta.council for c in shown} == {councils[0]}


@pytest.mark.slow
def test_a_missing_index_says_what_to_do_and_is_not_created(tmp_path, monkeypatch):
    at = app_for(tmp_path, monkeypatch)
    assert any(
        f"No index at {tmp_path / 'index'}" in w.value and "assistant ingest" in w.value
        for w in at.warning
    )
    assert not (tmp_path / "index").exists()


@pytest.mark.slow
def test_briefing_export_offered_with_the_conversation(ui_index, monkeypatch):
    at = app_for(ui_index, monkeypatch)
    assert not [b for b in at.get("download_button") if b.label.startswith("Download briefing")]
    at = ask(ask(at, QUESTION), OFF_TOPIC)
    labels = [b.label for b in at.get("download_button")]
    assert "Download briefing (Markdown)" in labels and "Download briefing (Word)" in labels
    assert at.checkbox(key="brief-pages").label == "Show each quote on its page (Word)"
    md = to_markdown(at.session_state["turns"])
    assert f"## 1. {QUESTION}" in md and "## 2. What is the boiling point" in md


@pytest.mark.slow
def test_upload_reports_bad_file_and_escapes_document_html(ui_index, monkeypatch, tmp_path):
    at = app_for(writable_copy(ui_index, tmp_path), monkeypatch)
    at.file_uploader[0].set_value(
        [
            ("../../evil notes.txt", EVIL_TEXT.encode(), "text/plain"),
            ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf"),
        ]
    ).run()
    at.button(key="upload-go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [render.md_literal("Added 1: evil notes.txt")]
    assert any(e.value.startswith(render.md_literal("broken.pdf: ")) for e in at.error)
    assert at.metric[0].value == str(len(UI_PDFS) + 1)
    saved = tmp_path / "ui" / "index" / "uploaded" / "uploads"
    assert [p.name for p in saved.iterdir()] == ["evil notes.txt"]  # inside, bad file not kept
    # asked at once: Assistant.ingest refreshes the keyword index, no wait for its re-check
    answer = ask(at, EVIL_QUESTION).session_state["turns"][-1]
    assert answer.answered and answer.citations[0].source == "uploads/evil notes.txt"
    # "How often" wants a frequency: "every month" is one, though it holds no digit.
    assert "meets every month" in answer.citations[0].quote
    page = "".join(htmls(at))
    assert "<img" not in page and "<script" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page or "&lt;script&gt;" in page


@pytest.mark.slow
def test_an_index_damaged_while_the_page_is_open_gets_one_line_and_keeps_the_chat(
    ui_index, monkeypatch, tmp_path
):
    base = writable_copy(ui_index, tmp_path)
    clock = FakeClock()  # the page's Store looks at its files when this clock says so
    monkeypatch.setitem(Store.__init__.__kwdefaults__, "clock", clock)
    at = ask(app_for(base, monkeypatch), "How high are personal advisers' caseloads in Liverpool?")
    assert len(at.session_state["turns"]) == 1
    database = base / "index" / "chroma" / "chroma.sqlite3"
    database.unlink()  # replaced by garbage, as a half-finished copy would leave it
    database.write_bytes(b"not a database " * 100)
    clock.advance(2.0)  # past the store's period, so its next look sees the change
    at.chat_input[0].set_value("What needs to improve in Kent?").run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "cannot be used" in errors[0], errors
    assert len(at.session_state["turns"]) == 1  # the earlier answer is still there


@pytest.mark.slow
def test_an_upload_is_read_in_place_then_removed_from_the_page(ui_index, monkeypatch, tmp_path):
    base = writable_copy(ui_index, tmp_path)
    at = app_for(base, monkeypatch)
    at.file_uploader[0].set_value([("evil notes.txt", EVIL_TEXT.encode(), "text/plain")]).run()
    at.button(key="upload-go").click().run()
    source = "uploads/evil notes.txt"
    assert at.metric[0].value == str(len(UI_PDFS) + 1)
    cited = ask(at, EVIL_QUESTION).session_state["turns"][-1].citations[0]
    assert cited.source == source and cited.page is None
    # no page to render for a text file: its whole text, opening at the marked quote
    assert not [b for b in at.button if b.key == f"orig-0-{cited.id}-page"]
    at.toggle(key=f"orig-0-{cited.id}-read").set_value(True).run()
    whole = next(h for h in htmls(at) if 'class="ia-page"' in h)
    assert f"<mark>{render.esc(cited.quote)}</mark>" in whole
    assert "&lt;script&gt;" in whole and "<script" not in whole
    assert f'<span class="ia-open-at"></span><mark>{render.esc(cited.quote)}' in whole

    at.button(key=f"remove-{source}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [render.md_literal("Removed evil notes.txt")]
    assert at.metric[0].value == str(len(UI_PDFS))
    assert not (base / "index" / "uploaded" / source).exists()
    assert not [b for b in at.button if b.key == f"remove-{source}"]
    assert source not in {
        r.source for r in Assistant(Settings.from_env({}, index_dir=base / "index")).sources()
    }
    answer = ask(at, EVIL_QUESTION).session_state["turns"][-1]
    assert source not in {c.source for c in answer.citations + answer.related}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/abs/path/Report 2024.PDF", "Report 2024.pdf"),
        (".hidden.md", "hidden.md"),
        ("caf\u00e9 <b>&.txt", "cafe _b.txt"),
        ("..", "upload"),
    ],
)
def test_upload_names_are_sanitised(name, expected):
    assert safe_name(name) == expected


def test_card_escapes_before_marking():
    from assistant.core.answer import Citation
    from assistant.core.meta import DocumentMeta

    excerpt = "Intro <img src=x onerror=alert(1)> & the cited <script>x</script> sentence. End."
    quote = "the cited <script>x</script> sentence."
    start = excerpt.index(quote)
    c = Citation(
        1,
        "a.txt",
        None,
        quote,
        excerpt,
        start,
        start + len(quote),
        0.5,
        meta=DocumentMeta(title="T <b>"),
    )
    card = render.card_html(c)
    assert "<img" not in card and "<script" not in card and "<b>" not in card
    assert "<mark>the cited &lt;script&gt;x&lt;/script&gt; sentence.</mark>" in card


def test_originals_are_found_only_inside_their_roots(tmp_path):
    from ui.originals import original_path

    docs = copy_corpus(UI_PDFS[:1], tmp_path / "docs")
    (tmp_path / "secret.txt").write_text("x")
    assert original_path(UI_PDFS[0], (docs,)) == (docs / UI_PDFS[0]).resolve()
    assert original_path("../secret.txt", (docs,)) is None
    assert original_path("missing.pdf", (docs, CORPUS)) is None


def test_filters_come_from_the_metadata_documents_carry():
    from assistant.core.meta import DocumentMeta
    from assistant.core.record import DocumentRecord
    from ui.filtering import Selection, build_filter, options_from

    def record(source, **fields):
        meta = DocumentMeta(title=source.upper(), **fields)
        return DocumentRecord(source, source, "pdf", 1, 1, "", 0.0, meta)

    records = [
        record("a.pdf", council="Kent", doc_type="focused_visit", year=2021),
        record("b.pdf", council="Norfolk", year=2024),
        record("notes.txt", doc_type="other", year=0),  # 0: no year found
    ]
    options = options_from(records)
    assert options.choices == {
        "council": ["Kent", "Norfolk"],
        "doc_type": ["focused_visit", "other"],
    }
    assert options.years == (2021, 2024)
    assert not build_filter(Selection(years=(2021, 2024)), options)  # the full range limits nothing
    where = build_filter(Selection(("a.pdf",), {"council": ("Kent",)}, (2022, 2024)), options)
    assert where.matches({"source": "a.pdf", "council": "Kent", "year": 2023})
    assert not where.matches({"source": "a.pdf", "council": "Kent", "year": 2021})
    assert not where.matches({"source": "b.pdf", "council": "Kent", "year": 2023})
    assert options_from([record("x.md", doc_type="")]).choices == {}
    assert options_from([]).years is None


def test_a_briefing_picture_is_made_for_a_pdf_citation_only(tmp_path):
    from assistant.core.answer import Citation
    from ui.source_views import Originals, page_clip

    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    originals = Originals((CORPUS,), settings, visible=lambda source: True)
    quote = (
        "PAs are thwarted in their endeavours to meet the needs of their young people due to "
        "high caseloads, sometimes over 40."
    )
    cited = Citation(1, "ofsted-ilacs-liverpool-2023.pdf", 8, quote, quote, 0, len(quote), 0.5)
    picture = page_clip(cited, originals=originals)
    assert picture and picture.startswith(b"\x89PNG")
    assert list((tmp_path / "index" / "page-images").iterdir())  # the page is cached
    text = Citation(2, "notes.txt", None, quote, quote, 0, len(quote), 0.5)
    missing = Citation(3, "gone.pdf", 8, quote, quote, 0, len(quote), 0.5)
    assert page_clip(text, originals=originals) is None
    assert page_clip(missing, originals=originals) is None


def _page_of_a_quote_not_on_it(index_dir: str, pdf: str) -> None:
    """An AppTest script: the drawer's contents for a quote that page 8 does not hold."""
    from pathlib import Path

    from assistant.core.answer import Citation
    from assistant.settings import Settings
    from ui.source_views import show_page

    quote = "A sentence printed on no page of that report."
    cited = Citation(1, Path(pdf).name, 8, quote, quote, 0, len(quote), 0.5)
    show_page(cited, Path(pdf), settings=Settings.from_env({}, index_dir=Path(index_dir)))


@pytest.mark.slow
def test_a_quote_that_cannot_be_placed_shows_the_page_and_says_so(tmp_path):
    pdf = CORPUS / "ofsted-ilacs-liverpool-2023.pdf"
    at = AppTest.from_function(_page_of_a_quote_not_on_it, args=(str(tmp_path), str(pdf)))
    at.run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    shown = next(h for h in htmls(at) if "data-page=" in h)
    assert 'data-page="8"' in shown and '<img src="data:image/webp' in shown
    assert 'class="ia-hl"' not in shown and "quote [1] not found on it" in shown
    assert [w.value for w in at.warning] == [
        render.md_literal(
            f"Page 8 of {pdf.name}. The highlight could not be placed on this page (the quoted "
            "words were not found on the page); the quote is in the card above."
        )
    ]


def test_a_long_card_is_cut_at_sentences_around_its_quote_and_stays_escaped():
    from assistant.core.answer import Citation

    before = "".join(f"Finding {n} <b>is</b> noted here. " for n in range(1, 30))
    quote = "Caseloads are too high & rising."
    after = " Leaders know this. " + "More <i>text</i> follows here. " * 20
    excerpt = before + quote + after
    start = len(before)
    cited = Citation(1, "a.pdf", 3, quote, excerpt, start, start + len(quote), 0.5)
    shown = render.card_excerpt(cited)
    lead, rest = shown.split("<mark>", 1)
    assert lead.startswith(f"{render.ELLIPSIS} Finding ")  # a sentence's start, not mid-word
    assert len(html.unescape(lead)) <= render.CARD_BEFORE + 2 and "&lt;b&gt;is&lt;/b&gt;" in lead
    assert rest.startswith("Caseloads are too high &amp; rising.</mark> Leaders know this.")
    assert rest.endswith(f"follows here. {render.ELLIPSIS}") and "<i>" not in rest
    short = Citation(2, "a.pdf", 3, quote, f"Intro. {quote} End.", 7, 7 + len(quote), 0.5)
    assert render.card_excerpt(short) == f"Intro. <mark>{render.esc(quote)}</mark> End."
