"""A paper's own exempt marking ("not for publication", Schedule 12A), and public papers that use
the same words about something else: a form's note, excluded press and public, an exempt
appendix, an agenda's exempt items."""

from functools import cache
from pathlib import Path

import pytest
from helpers.paths import CORPUS, SHARED

from assistant.documents.exemption import exempt_marking
from assistant.documents.readers import FoundFile, read_document

KENT = SHARED / "corpus" / "kent-papers"
KENT_NAMES = sorted(p.name for p in KENT.glob("*.pdf")) if KENT.is_dir() else []
needs_kent = pytest.mark.skipif(not KENT_NAMES, reason=f"needs the Kent papers in {KENT}")

COVER = "kent-2025-01-30-cabinet-report-24-00096-education-commissioning-plan.pdf"
DECISION = "kent-2025-03-13-record-of-decision-24-00093.pdf"
MINUTES = "kent-2025-01-30-cabinet-minutes.pdf"
SAMPLE = "ofsted-ilacs-kent-2022.pdf"
CITATION = "paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972"


@cache
def _pages(path: Path) -> tuple[str, ...]:
    document = read_document(FoundFile(path, path.name), max_bytes=10**9)
    return tuple(page.text for page in document.pages)


def kent(name: str) -> list[str]:
    if not KENT_NAMES:
        pytest.skip(f"needs the Kent papers in {KENT}")
    return list(_pages(KENT / name))


def marked(pages: list[str]) -> str:
    marking = exempt_marking(pages)
    assert marking in "\n".join(pages), "the marking is quoted verbatim"
    assert len(marking) <= 160
    return marking


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.pdf")))
def test_sample_reports_are_not_marked(name):
    assert marked(list(_pages(CORPUS / name))) == ""


@needs_kent
@pytest.mark.parametrize("name", KENT_NAMES)
def test_public_kent_papers_are_not_marked(name):
    # Read by hand: every one is "Classification: Unrestricted", public minutes or a public form.
    assert marked(kent(name)) == ""


def test_the_record_of_decisions_note_about_exempt_information_is_not_a_marking():
    pages = kent(DECISION)
    note = "exempt from publication under schedule 12a of the local government act 1972"
    assert note in pages[0].lower()
    assert marked(pages) == ""
    # The same form filled in for an exempt decision is marked, by its answer and not the note.
    exempt = [pages[0].replace("For publication [", "Exempt from publication [", 1), *pages[1:]]
    assert marked(exempt) == "Exempt from publication"


LABELS = [
    ("NOT FOR PUBLICATION", "NOT FOR PUBLICATION"),
    (
        f"EXEMPT – NOT FOR PUBLICATION\nThis report contains exempt information by virtue of "
        f"{CITATION}",
        "EXEMPT – NOT FOR PUBLICATION",
    ),
    (
        f"This report contains exempt information by virtue of {CITATION}.",
        f"This report contains exempt information by virtue of {CITATION}",
    ),
    (f"Exempt information under {CITATION}", f"Exempt information under {CITATION}"),
    (f"By virtue of {CITATION}", f"By virtue of {CITATION}"),
    ("Part 2 – Exempt", "Part 2 – Exempt"),
    ("PART II (EXEMPT)", "PART II (EXEMPT)"),
    ("Restricted – Not for publication", "Restricted – Not for publication"),
    ("Is the decision exempt from publication? Yes – paragraph 3", "exempt from publication? Yes"),
]


@pytest.mark.parametrize("source", [COVER, SAMPLE])
@pytest.mark.parametrize(("label", "expected"), LABELS)
def test_a_label_at_the_head_of_a_real_paper_marks_it(source, label, expected):
    pages = kent(source) if source.startswith("kent") else list(_pages(CORPUS / source))
    assert expected in marked([f"{label}\n{pages[0]}", *pages[1:]])


NOT_THIS_PAPER = [
    f"The appendix to this report is exempt by virtue of {CITATION}.",
    "Exempt Appendix B – financial evaluation of the bids",
    f"Appendix 2 is not for publication by virtue of {CITATION}.",
    "PART 2 - EXEMPT ITEMS (NOT FOR PUBLICATION)",
    "Exempt items",
    "Is the decision exempt from publication? No",
    "Exempt information: None",
    "This report is not exempt.",
    "Part 2: Seashells",
]


@pytest.mark.parametrize("source", [COVER, SAMPLE])
@pytest.mark.parametrize("wording", NOT_THIS_PAPER)
def test_wording_about_something_else_does_not_mark_a_real_paper(source, wording):
    pages = kent(source) if source.startswith("kent") else list(_pages(CORPUS / source))
    assert marked([f"{wording}\n{pages[0]}", *pages[1:]]) == ""


def test_the_cover_fields_classification_is_read():
    pages = kent(COVER)
    assert "Classification: Unrestricted" in pages[0]
    restricted = [pages[0].replace("Unrestricted", "Restricted", 1), *pages[1:]]
    assert marked(restricted) == "Classification: Restricted"


def test_a_label_in_the_body_is_not_the_papers_marking():
    pages = kent(COVER)
    lines = pages[1].split("\n")
    mid_page = "\n".join([*lines[:4], "NOT FOR PUBLICATION", *lines[4:]])
    assert marked([pages[0], mid_page, *pages[2:]]) == ""  # an agenda's heading mid-page
    later = pages[3].split("\n")
    body = "\n".join([*later[:5], "This report is exempt by virtue of " + CITATION, *later[5:]])
    assert marked([*pages[:3], body, *pages[4:]]) == ""  # beyond the front pages


def test_minutes_recording_the_exclusion_of_the_public_are_not_marked():
    pages = kent(MINUTES)
    exclusion = (
        "EXEMPT ITEMS\n(Open access to minutes)\nExclusion of Press and Public\n"
        "RESOLVED that under Section 100A of the Local Government Act 1972 the press and public"
        " be excluded from the meeting for the following business on the grounds that it"
        " involved the likely disclosure of exempt information as defined in paragraph 3 of"
        " Part 1 of Schedule 12A of the Act."
    )
    assert marked([pages[0], f"{exclusion}\n{pages[1]}", *pages[2:]]) == ""
    assert marked([f"{pages[0]}\n{exclusion}", *pages[1:]]) == ""
