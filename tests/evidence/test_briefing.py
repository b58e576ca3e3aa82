"""Briefing export: Markdown and DOCX with each question, its marked answer and its references."""

from __future__ import annotations

import io

import docx
import pytest

from assistant.core.answer import Answer, Citation
from assistant.core.meta import DocumentMeta
from assistant.evidence.briefing import DECLINED_NOTE, BriefingOptions, to_docx, to_markdown


def _citation(number: int, quote: str, *, page: int | None = 4) -> Citation:
    excerpt = f"Before. {quote} After."
    return Citation(
        id=number,
        source=f"report-{number}.pdf",
        meta=DocumentMeta(title=f"Report <{number}> & co"),
        page=page,
        quote=quote,
        excerpt=excerpt,
        start=108,
        end=108 + len(quote),
        score=0.7,
        doc_id=f"d{number}",
        excerpt_start=100,
    )


def _answered() -> Answer:
    quotes = ["Leaders have improved <b>practice</b> since 2022.", "Caseloads are *manageable*."]
    cits = [_citation(i + 1, q) for i, q in enumerate(quotes)]
    text = "Report: " + " ".join(f"{c.quote} [{c.id}]" for c in cits)
    return Answer("How has practice changed?", True, text, cits, [])


def _declined() -> Answer:
    related = [_citation(1, "A passage about something else entirely.", page=None)]
    return Answer("What is the weather?", False, "The documents do not answer this.", [], related)


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_markdown_has_questions_markers_and_numbered_verbatim_references():
    md = to_markdown([_answered(), _declined()], options=BriefingOptions(generated="today"))
    assert "## 1. How has practice changed?" in md
    assert "## 2. What is the weather?" in md
    assert "[1]" in md and "[2]" in md
    # the reference list: numbered, with document, page and the quote (escaped, not markup)
    assert (
        "- **[1]** Report \\<1\\> & co (report-1.pdf, page 4): \u201cLeaders have improved \\<b\\>"
        in md
    )
    assert (
        "- **[2]** Report \\<2\\> & co (report-2.pdf, page 4): "
        "\u201cCaseloads are \\*manageable\\*." in md
    )
    assert "<b>" not in md
    assert DECLINED_NOTE in md and "report-1.pdf)" in md


def test_markdown_escapes_links_and_html_from_documents():
    cit = _citation(1, "Click [here](javascript:alert(1)) <script>alert(1)</script>")
    md = to_markdown([Answer("q", True, f"{cit.quote} [1]", [cit], [])])
    assert "](javascript" not in md
    assert "<script>" not in md


def test_docx_round_trips_questions_answers_and_references():
    data = to_docx([_answered(), _declined()], options=BriefingOptions(title="Committee briefing"))
    assert data[:2] == b"PK"  # a real zip container
    text = _docx_text(data)
    answered = _answered()
    assert "Committee briefing" in text
    assert "1. How has practice changed?" in text
    assert answered.answer in text  # the answer with its markers, verbatim
    for c in answered.citations:
        assert f"[{c.id}] {c.title} ({c.source}, page 4): \u201c{c.quote}\u201d" in text
    assert DECLINED_NOTE in text and "report-1.pdf" in text


def test_docx_survives_control_characters_from_pdfs():
    cit = _citation(1, "Odd\x0bcharacters\x01here and there.")
    data = to_docx([Answer("q\x00?", True, f"{cit.quote} [1]", [cit], [])])
    assert "Oddcharactershere and there." in _docx_text(data)


@pytest.mark.slow
def test_real_answer_exports_its_verbatim_quotes(corpus_assistant):
    answer = corpus_assistant.ask("What did inspectors find about leadership in Kent?")
    assert answer.answered, answer.answer
    md = to_markdown([answer])
    text = _docx_text(to_docx([answer]))
    for c in answer.citations:
        assert f"[{c.id}]" in md
        assert " ".join(c.quote.split()) in text


def test_docx_can_carry_each_quote_on_its_page(tmp_path):
    from helpers.paths import CORPUS

    from assistant.evidence.page_images import PageImages, highlighted_clip

    pdf = CORPUS / "ofsted-ilacs-liverpool-2023.pdf"
    quote = (
        "PAs are thwarted in their endeavours to meet the needs of their young people due to "
        "high caseloads, sometimes over 40."
    )
    on_page = _citation(1, quote, page=8)
    elsewhere = _citation(2, "A sentence printed on no page of that report.", page=8)
    text = f"{on_page.quote} [1] {elsewhere.quote} [2]"
    answer = Answer("Caseloads?", True, text, [on_page, elsewhere], [])
    images = PageImages(tmp_path / "pages")
    asked: list[int] = []

    def page_image(c: Citation) -> bytes | None:
        asked.append(c.id)
        return highlighted_clip(images.view(pdf, c.page, c.quote))

    document = docx.Document(io.BytesIO(to_docx([answer], page_image=page_image)))
    assert asked == [1, 2]
    assert len(document.inline_shapes) == 1  # the quote that could not be placed has none
    paragraphs = document.paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.text.startswith("[1] "))
    assert paragraphs[first + 1]._p.xpath(".//pic:pic")  # the picture follows its reference
    assert paragraphs[first + 2].text.startswith("[2] ")
    plain = to_docx([answer])
    assert len(docx.Document(io.BytesIO(plain)).inline_shapes) == 0
    pictured = _docx_text(to_docx([answer], page_image=page_image))
    assert _docx_text(plain).split("\n") == [line for line in pictured.split("\n") if line]
