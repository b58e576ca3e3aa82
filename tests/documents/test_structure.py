"""Report structure: headings and their sections, list items and judgement statements, read from
real sample PDFs (and literals for the rules), with exact offsets into the page text."""

from __future__ import annotations

from functools import cache

from helpers.paths import CORPUS

from assistant.core.meta import DocumentMeta
from assistant.core.passage import UnitKind
from assistant.documents.passages import passages_of
from assistant.documents.readers import FoundFile, read_document
from assistant.documents.structure import is_heading, outline


@cache
def _document(name: str):
    document = read_document(FoundFile(CORPUS / name, name), max_bytes=10**9)
    document.meta = DocumentMeta(title=name)
    return document


def _blocks(name: str, page: int):
    document = _document(name)
    text = document.pages[page - 1].text
    blocks = outline([p.text for p in document.pages])[page - 1]
    return text, blocks


def _units(name: str):
    """(passage, unit, text) for every unit of the document."""
    for p in passages_of(_document(name), max_tokens=200):
        for u in p.units:
            yield p, u, p.unit_text(u)


def test_list_items_under_their_heading_with_exact_offsets():
    text, blocks = _blocks("ofsted-ilacs-kent-2026.pdf", 3)
    items = [b for b in blocks if b.kind == UnitKind.ITEM]
    assert [text[b.start : b.end].split(".")[0] for b in items] == [
        "The quality, timeliness and consistency of support offered to care leavers",
        "The quality and choice of accommodation for care leavers",
        "How consistently the local authority ensures that social workers have manageable"
        " caseloads that allow them to focus time and attention on each child in line with"
        " their level of need",
    ]
    assert {b.section for b in items} == {("What needs to improve?",)}  # footnote mark dropped
    assert not any(text[b.start : b.end].startswith("◼") for b in items)
    # "(outcome 4, national framework)" on its own line belongs to the item above it
    assert text[items[0].start : items[0].end].endswith("(outcome 4, national framework)")


def test_passages_keep_a_section_together_and_know_its_heading():
    lists = [
        (p, [p.unit_text(u) for u in p.units if u.kind == UnitKind.ITEM])
        for p in passages_of(_document("ofsted-ilacs-liverpool-2023.pdf"), max_tokens=200)
        if p.section == ("What needs to improve?",)
    ]
    assert lists and all(items for _, items in lists)
    first, items = lists[0]
    assert first.text.startswith("What needs to improve?")
    assert items[0].startswith("Caseloads and regular reflective supervision")
    assert sum(len(i) for _, i in lists) >= 9
    for p, u, unit_text in _units("ofsted-ilacs-liverpool-2023.pdf"):
        page = _document("ofsted-ilacs-liverpool-2023.pdf").pages[p.page - 1].text
        assert page[u.start : u.end] == unit_text and p.start <= u.start < u.end <= p.end


def test_grade_table_rows_are_judgement_statements():
    text, blocks = _blocks("ofsted-ilacs-kent-2026.pdf", 1)
    rows = [text[b.start : b.end] for b in blocks if b.kind == UnitKind.JUDGEMENT]
    assert "The experiences and progress of children in care\nOutstanding" in rows
    assert "Overall effectiveness Good" in rows
    assert len(rows) == 5
    sif_text, sif = _blocks("ofsted-sif-birmingham-2016.pdf", 1)
    sif_rows = [sif_text[b.start : b.end] for b in sif if b.kind == UnitKind.JUDGEMENT]
    assert sif_rows[0] == "Children’s services in Birmingham are inadequate"
    assert "3. Leadership, management and governance Inadequate" in sif_rows


def test_a_graded_heading_is_a_judgement_that_opens_its_section():
    units = list(_units("ofsted-ilacs-liverpool-2023.pdf"))
    heading = "The experiences and progress of children who need help and protection: inadequate"
    graded = [(p, u) for p, u, t in units if t == heading]
    assert len(graded) == 1 and graded[0][1].kind == UnitKind.JUDGEMENT
    passage = graded[0][0]
    assert passage.section == (heading,) and passage.text.startswith(heading)
    after = [p for p in passages_of(_document("ofsted-ilacs-liverpool-2023.pdf"), max_tokens=200)]
    following = after[after.index(passage) + 1]
    assert following.section == (heading,), "the section goes on until the next heading"


def test_a_letters_address_blocks_hold_no_headings():
    text, blocks = _blocks("ofsted-fv-birmingham-2024.pdf", 1)
    headings = [text[b.start : b.end] for b in blocks if b.kind == UnitKind.HEADING]
    assert headings == ["Focused visit to Birmingham children’s services", "Headline findings"]
    _, next_page = _blocks("ofsted-fv-birmingham-2024.pdf", 2)
    assert next_page[0].section == ("Headline findings",), "sections carry over to the next page"


def test_heading_rules_on_literals():
    assert is_heading("What needs to improve?1")
    assert is_heading("Main findings")
    assert not is_heading("Lead inspector: Steve Lowe, His Majesty’s Inspector")
    assert not is_heading("Children are seen regularly by their social workers.")
    assert not is_heading("Executive summary 2")  # a contents line
    assert not is_heading("Good")  # a grade cell
    assert not is_heading("The experiences and progress of children who need help and")


def test_numbered_lists_and_numbered_paragraphs():
    items = (
        "Recommendations\n1. Ensure that plans are specific.\n2. Improve the timeliness of visits."
    )
    paragraphs = (
        "Main findings\n1. Children are seen. Visits are regular. Plans are clear.\n"
        "2. Leaders know the service. They act on audits. Staff are supported well."
    )
    for text, kind in ((items, UnitKind.ITEM), (paragraphs, UnitKind.TEXT)):
        blocks = outline([text])[0]
        assert [b.kind for b in blocks[1:]] == [kind, kind], text
    blocks = outline([items])[0]
    assert items[blocks[1].start : blocks[1].end] == "Ensure that plans are specific."
