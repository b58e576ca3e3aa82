"""Parsing each supported format into cleaned pages, and passages with exact offsets."""

from pathlib import Path

import pytest
from helpers.paths import CORPUS

from assistant.documents.passages import passages_of
from assistant.documents.readers import FoundFile, read_document

MAX = 10**9


def read(path: Path):
    return read_document(FoundFile(path, path.name), max_bytes=MAX)


def test_pdf_is_read_page_by_page_with_clean_text():
    doc = read(CORPUS / "ofsted-ilacs-liverpool-2023.pdf")
    assert doc.kind == "pdf"
    assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))
    assert len(doc.pages) >= 10
    body = "\n".join(p.text for p in doc.pages)
    # wrapped lines are re-joined, so a sentence that crossed a line break reads as one
    assert (
        "PAs are thwarted in their endeavours to meet the needs of their young people due to"
        " high caseloads, sometimes over 40." in body
    )
    assert "Liverpool" in doc.title


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.pdf"))[:34:6])
def test_passage_offsets_point_into_page_text(name):
    doc = read(CORPUS / name)
    pages = {p.number: p.text for p in doc.pages}
    passages = passages_of(doc, max_tokens=200)
    assert passages
    for passage in passages:
        assert pages[passage.page][passage.start : passage.end] == passage.text
        for span in passage.sentences():
            assert passage.start <= span.start < span.end <= passage.end


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "Scrutiny task and finish report"
    document.add_heading("Caseloads inquiry", level=1)
    document.add_paragraph("The Task and Finish Group reviewed evidence from social workers.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Average caseload"
    table.rows[0].cells[1].text = "22 children"
    path = tmp_path / "report.docx"
    document.save(path)
    doc = read(path)
    assert doc.title == "Scrutiny task and finish report"
    assert doc.kind == "docx" and doc.pages[0].number is None
    text = doc.pages[0].text
    assert "The Task and Finish Group reviewed evidence from social workers." in text
    assert "Average caseload | 22 children" in text


def test_html_keeps_the_article_and_drops_scripts_menus_and_comments(tmp_path):
    html = """<html><head><title>Council praised by inspectors</title>
    <script>var tracking = 1;</script></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
    <article><h1>Council praised by inspectors</h1>
    <p>Inspectors found that social workers know their children well and caseloads are
    manageable.</p>
    <p>The council's leaders have improved supervision since the last inspection in 2019.</p>
    <p>Management oversight is now regular and recorded on children's files in every team.</p>
    </article>
    <section class="comments"><h3>Leave a reply</h3><p>Nice one!</p></section>
    <footer>Related articles: Another story</footer></body></html>"""
    path = tmp_path / "news.html"
    path.write_text(html, encoding="utf-8")
    doc = read(path)
    text = doc.pages[0].text
    assert "caseloads are manageable" in text and "Management oversight is now regular" in text
    for junk in ("tracking", "Leave a reply", "Nice one", "Related articles", "Home\n"):
        assert junk not in text
    assert doc.title == "Council praised by inspectors"


def test_a_title_is_cleaned_like_the_text(tmp_path):
    html = (
        "<html><head><title>x</title></head><body><article>"
        "<h1>Wrexham <script>alert('h1')</script>fostering\u00a0review</h1>"
        "<p>The fostering panel in Wrexham meets every month to approve new foster carers.</p>"
        "<p>Carers told the review that the panel supports them well throughout the year.</p>"
        "</article></body></html>"
    )
    path = tmp_path / "review.html"
    path.write_text(html, encoding="utf-8")
    doc = read(path)
    assert doc.title == "Wrexham fostering review"
    assert "alert" not in doc.pages[0].text


def test_markdown_markup_is_removed(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(
        "# Scrutiny notes\n\nThe **committee** asked about [caseloads](http://x/y).\n",
        encoding="utf-8",
    )
    doc = read(path)
    assert doc.title == "Scrutiny notes"
    assert doc.pages[0].text.split("\n") == [
        "Scrutiny notes",
        "The committee asked about caseloads.",
    ]


def test_windows_1252_text_is_read_not_rejected(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_bytes("The council’s budget rose by £2m – a “significant” sum.\n".encode("cp1252"))
    doc = read(path)
    assert doc.pages[0].text == "The council’s budget rose by £2m – a “significant” sum."


def test_news_text_with_web_footer_is_cleaned(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(
        "Inspectors praise Walsall\n\nSmaller teams are making a difference, Ofsted has said.\n\n"
        "Ofsted report\n\nDelivering services to children across the UK\n"
        "Tel: 01206 878178Contact Us\n",
        encoding="utf-8",
    )
    doc = read(path)
    assert doc.title == "Inspectors praise Walsall"
    assert doc.pages[0].text.endswith("Ofsted has said.")
