"""Finding a cleaned quote among a page's printed characters: pure functions, literal pages."""

from __future__ import annotations

from assistant.evidence.quote_on_page import Box, PageChar, fold, locate, word_boxes

CELL_W, CELL_H = 0.01, 0.02  # a monospaced page: each character one cell of the grid


def printed(*lines: str, line_break: str = "\r\n") -> list[PageChar]:
    """A page printed as `lines`, one character per grid cell; spaces and line breaks carry no
    box, like the characters a PDF text extractor generates."""
    chars: list[PageChar] = []
    for row, line in enumerate(lines):
        if row:
            chars.extend(PageChar(ch, None) for ch in line_break)
        for col, ch in enumerate(line):
            box = None if ch == " " else Box(col * CELL_W, row * CELL_H, (col + 1) * CELL_W,
                                             (row + 1) * CELL_H)  # fmt: skip
            chars.append(PageChar(ch, box))
    return chars


def cells(box: Box) -> tuple[int, int, int]:
    """(row, first column, last column) of a box on the grid."""
    return (
        round(box.top / CELL_H),
        round(box.left / CELL_W),
        round(box.right / CELL_W) - 1,
    )


def test_a_quote_across_a_line_break_gets_one_box_per_word_on_each_line():
    page = printed("Leaders know their services well. Caseloads are", "manageable for most staff.")
    placement = locate(page, "Caseloads are manageable for most staff.")
    assert placement.placed
    assert [cells(b) for b in placement.boxes] == [
        (0, 34, 42),  # Caseloads
        (0, 44, 46),  # are
        (1, 0, 9),  # manageable
        (1, 11, 13),  # for
        (1, 15, 18),  # most
        (1, 20, 25),  # staff. (the quote's full stop is printed, so it is boxed too)
    ]


def test_a_word_hyphenated_at_the_end_of_a_line_is_placed_in_two_pieces():
    # PDFium reports a line-end hyphen as U+0002 and no line break after it.
    page = printed("there is insufficient persistence to re\x02", "engage them.", line_break="")
    placement = locate(page, "persistence to re-engage them.")
    assert [cells(b) for b in placement.boxes] == [
        (0, 22, 32),
        (0, 34, 35),
        (0, 37, 39),  # "re" and its hyphen
        (1, 0, 5),  # "engage"
        (1, 7, 11),  # "them."
    ]
    mended = locate(printed("well-", "being matters"), "wellbeing matters")
    assert [cells(b) for b in mended.boxes] == [(0, 0, 4), (1, 0, 4), (1, 6, 12)]


def test_ligatures_curly_quotes_and_dashes_do_not_stop_a_match():
    page = printed("The \ufb01rst review said \u201cit\u2019s e\ufb00ective\u201d \u2013 so it is.")
    placement = locate(page, 'first review said "it\'s effective" - so')
    assert placement.placed
    assert cells(placement.boxes[0]) == (0, 4, 7)  # "first" in four cells, "fi" in one
    assert fold("\ufb01rst \u201cE\u0301t\u00e9\u201d") == "firstete"


def test_a_quote_that_is_not_on_the_page_is_not_placed():
    page = printed("Caseloads are manageable for most staff.")
    placement = locate(page, "Caseloads are too high in the leaving care team.")
    assert not placement.placed and placement.boxes == ()
    assert placement.reason == "the quoted words were not found on the page"
    assert not locate(page, "\u2026 \u201d").placed  # nothing to look for


def test_a_repeated_quote_is_told_apart_by_its_surroundings_or_not_placed():
    page = printed("Overall effectiveness: Good", "Leadership: Good", "Help and protection: Good")
    second = locate(page, "Good", before="Overall effectiveness: Good\nLeadership: ", after="\n")
    assert [cells(b) for b in second.boxes] == [(1, 12, 15)]
    third = locate(page, "Good", before="Help and protection: ")
    assert [cells(b) for b in third.boxes] == [(2, 21, 24)]
    guess = locate(page, "Good")
    assert not guess.placed and "more than once" in guess.reason


def test_words_in_the_wrong_order_are_not_placed():
    page = printed("staff are manageable caseloads for most")
    assert not locate(page, "caseloads are manageable for most staff").placed


def test_word_boxes_split_at_spaces_and_where_a_line_ends():
    boxes = word_boxes(printed("ab cd", "ef"))
    assert [cells(b) for b in boxes] == [(0, 0, 1), (0, 3, 4), (1, 0, 1)]
    # no separator at all between lines (as PDFium gives after a hyphen): still two boxes
    assert [cells(b) for b in word_boxes(printed("ab", "cd", line_break=""))] == [
        (0, 0, 1),
        (1, 0, 1),
    ]
