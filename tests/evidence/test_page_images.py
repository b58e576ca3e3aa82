"""Cited pages of the real sample PDFs rendered by PDFium, with the quote's words boxed; the
boxes are checked against what PDFium reports for those words
(tests/helpers/rendering_oracle.py)."""

from __future__ import annotations

import pytest
from helpers import rendering_oracle as oracle
from helpers.paths import CORPUS, page_text  # page_text: the page's text as the index holds it

from assistant.evidence import page_images
from assistant.evidence.page_images import PageImages, PageUnavailable, highlighted_clip

LIVERPOOL = CORPUS / "ofsted-ilacs-liverpool-2023.pdf"
KENT = CORPUS / "ofsted-fv-kent-2024.pdf"
TOLERANCE = 0.5 / page_images.RENDER_WIDTH  # half a rendered pixel
ACROSS_LINES = (
    "PAs are thwarted in their endeavours to meet the needs of their young people due to high "
    "caseloads, sometimes over 40."
)
HYPHENATED = [  # (page, quote): each has a word hyphenated where the printed line ends
    (8, "When young people do not engage, there is insufficient persistence to re-engage them."),
    (9, "Those living in semi-independent provision receive support to develop their "
        "independence skills, which young people value."),
    (7, "The local authority\u2019s dedicated in-house adoption service is a real strength, "
        "adding to the positive experiences and outcomes for children."),
]  # fmt: skip
ON_PAGE_10 = (
    "Although caseloads have reduced, they are still too high, and staff are unable to deliver "
    "the quality of practice they aspire to."
)


@pytest.fixture
def images(tmp_path) -> PageImages:
    cache = PageImages(tmp_path / "pages")
    yield cache
    cache.close()


def fractions(view) -> list[tuple[float, float, float, float]]:
    return [(b.left, b.top, b.right, b.bottom) for b in view.placement.boxes]


def lines_of(view) -> int:
    return len({round(b.top, 3) for b in view.placement.boxes})


def test_a_quote_across_a_line_break_is_placed(images):
    assert ACROSS_LINES in page_text(LIVERPOOL.name, 8)  # a real citation's text
    view = images.view(LIVERPOOL, 8, ACROSS_LINES)
    assert view.placement.placed and lines_of(view) == 2
    assert len(view.placement.boxes) == len(ACROSS_LINES.split())
    chars = oracle.printed_chars(LIVERPOOL, 8)
    oracle.check_boxes_cover_quote(fractions(view), chars, ACROSS_LINES, tolerance=TOLERANCE)


@pytest.mark.parametrize(("number", "quote"), HYPHENATED)
def test_a_quote_with_a_word_hyphenated_across_lines_is_placed(images, number, quote):
    assert quote in page_text(LIVERPOOL.name, number)
    view = images.view(LIVERPOOL, number, quote)
    assert view.placement.placed and lines_of(view) >= 2
    # the hyphenated word is two boxes, one ending its line and one starting the next
    assert len(view.placement.boxes) == len(quote.split()) + 1
    chars = oracle.printed_chars(LIVERPOOL, number)
    oracle.check_boxes_cover_quote(fractions(view), chars, quote, tolerance=TOLERANCE)


def test_a_quote_that_is_not_on_the_page_is_reported_not_placed(images):
    assert ON_PAGE_10 in page_text(LIVERPOOL.name, 10)
    elsewhere = images.view(LIVERPOOL, 8, ON_PAGE_10)
    assert not elsewhere.placement.placed and elsewhere.placement.boxes == ()
    assert elsewhere.placement.reason == "the quoted words were not found on the page"
    assert elsewhere.page.number == 8 and elsewhere.page.image  # the page is still shown
    assert highlighted_clip(elsewhere) is None
    assert images.view(LIVERPOOL, 10, ON_PAGE_10).placement.placed


def test_the_image_is_the_cited_page(images):
    rendered = images.page(LIVERPOOL, 8)
    assert (rendered.width, rendered.height) == (page_images.RENDER_WIDTH, 1699)
    shown = oracle.image(rendered.image).convert("L")
    assert shown.size == (rendered.width, rendered.height)
    assert oracle.difference(shown, oracle.render(LIVERPOOL, 8, width=rendered.width)) < 1.0
    assert oracle.difference(shown, oracle.render(LIVERPOOL, 7, width=rendered.width)) > 5.0


def test_a_page_is_rendered_once_then_read_from_the_cache(tmp_path, monkeypatch):
    folder = tmp_path / "pages"
    first = PageImages(folder).page(LIVERPOOL, 2)

    def no_second_render(*args, **kwargs):
        raise AssertionError("the page was rendered again")

    monkeypatch.setattr(page_images, "render_page", no_second_render)
    again = PageImages(folder)  # a new handle on the same folder: the next server process
    assert again.cached(LIVERPOOL, 2) and not again.cached(LIVERPOOL, 3)
    assert again.page(LIVERPOOL, 2) == first
    with pytest.raises(AssertionError, match="rendered again"):
        again.page(LIVERPOOL, 3)


def test_the_cache_is_bounded_and_drops_the_least_recently_used(tmp_path):
    one_page = len(page_images.render_page(LIVERPOOL, 8).image)
    images = PageImages(tmp_path / "pages", max_bytes=3 * one_page)
    numbers = range(2, 12)
    for number in numbers:
        images.page(LIVERPOOL, number)
        images.page(LIVERPOOL, 2)  # read after every render: a page a reader keeps coming back to
        assert images.volume() <= 4 * one_page  # the bound, and at most a page over it
    kept = [n for n in numbers if images.cached(LIVERPOOL, n)]
    assert 2 in kept and 11 in kept and len(kept) <= 3


def test_a_changed_file_is_rendered_afresh(tmp_path, images):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(KENT.read_bytes())
    images.page(pdf, 1)
    pdf.write_bytes(LIVERPOOL.read_bytes())
    assert not images.cached(pdf, 1)
    assert images.view(pdf, 8, ACROSS_LINES).placement.placed


def test_a_cache_that_cannot_be_written_costs_speed_not_the_page(tmp_path):
    not_a_folder = tmp_path / "page-images"
    not_a_folder.write_text("a file where the cache folder should be")
    images = PageImages(not_a_folder)
    assert images.view(LIVERPOOL, 8, ACROSS_LINES).placement.placed
    assert not images.cached(LIVERPOOL, 8) and images.volume() == 0


def test_a_damaged_cache_entry_is_rendered_again(tmp_path):
    folder = tmp_path / "pages"
    good = PageImages(folder).page(LIVERPOOL, 2)
    damaged = PageImages(folder)
    damaged._cache.set(page_images._cache_key(LIVERPOOL, 2), b"\x00\x00\x00\x09truncated")
    assert damaged.page(LIVERPOOL, 2) == good


@pytest.mark.parametrize("rotation", [90, 270])
def test_boxes_follow_a_rotated_page(tmp_path, images, rotation):
    pdf = oracle.rotated_copy(LIVERPOOL, tmp_path / f"turned-{rotation}.pdf", rotation=rotation)
    view = images.view(pdf, 8, ACROSS_LINES)
    assert view.page.width > view.page.height  # a portrait page turned on its side
    chars = oracle.printed_chars(pdf, 8)
    tolerance = 1.0 / view.page.height  # the long side is now across
    oracle.check_boxes_cover_quote(fractions(view), chars, ACROSS_LINES, tolerance=tolerance)


def test_pages_that_cannot_be_shown_say_why(tmp_path, images):
    with pytest.raises(PageUnavailable, match="has no page 99"):
        images.page(LIVERPOOL, 99)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a pdf")
    with pytest.raises(PageUnavailable, match="cannot be opened"):
        images.page(broken, 1)
    with pytest.raises(PageUnavailable, match="cannot be read"):
        images.page(tmp_path / "gone.pdf", 1)


def test_a_briefing_clip_is_the_band_of_the_page_with_the_quote_highlighted(images):
    view = images.view(LIVERPOOL, 8, ACROSS_LINES)
    clip = oracle.image(highlighted_clip(view)).convert("RGB")
    assert clip.width <= 900 and clip.height < clip.width / 2  # a band, not the whole page
    assert oracle.yellow_share(clip) > 0.05
