"""A citation where it stands: the original file to download, the cited page of a PDF as an
image with the quoted words highlighted, the page's text, or a document's whole text scrolled to
the quote. Shown under each source card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from assistant.core.access import Reader
from assistant.core.answer import Citation
from assistant.evidence.page_images import (
    PageImages,
    PageUnavailable,
    PageView,
    cache_folder,
    highlighted_clip,
)
from assistant.settings import Settings
from ui import render
from ui.originals import original_path, page_text

PAGE_DRAWER_PX = 860  # a report page at this width reads like print
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME = {".pdf": "application/pdf", ".docx": DOCX_MIME, ".html": "text/html", ".htm": "text/html"}


@dataclass(frozen=True)
class Originals:
    """The original files as one reader may reach them: every route to a file (download, page
    image, page text, a briefing's page picture) asks `path_for`, which refuses a document the
    reader may not see exactly as it refuses a missing file, so a refusal names nothing."""

    roots: tuple[Path, ...]
    settings: Settings
    visible: Callable[[str], bool]  # may this reader see the indexed source?
    reader_key: str = "*"  # what the reader may see, keying any cache of what they were shown

    @classmethod
    def for_reader(
        cls, assistant, reader: Reader, *, roots: tuple[Path, ...], settings: Settings
    ) -> Originals:
        def visible(source: str) -> bool:
            return assistant.record_for(source, reader) is not None

        return cls(roots, settings, visible, reader.key)

    def path_for(self, source: str) -> Path | None:
        if not self.visible(source):
            return None
        return original_path(source, self.roots)


def original_controls(citation: Citation, *, originals: Originals, key: str) -> None:
    """Download the original; for a PDF, show the cited page or its text; for other formats,
    the whole document text at the quote."""
    path = originals.path_for(citation.source)
    settings = originals.settings
    if path is None:
        st.caption("Original file not available on this server.")
        return
    short = f" p. {citation.page}" if citation.page else ""
    # One row that wraps on a narrow screen, rather than two columns that cut the labels short.
    controls = st.container(horizontal=True, wrap=True, vertical_alignment="center")
    controls.download_button(
        f"Open original{short}",
        path.read_bytes,  # read only when clicked
        file_name=path.name,
        mime=MIME.get(path.suffix.lower(), "text/plain"),
        key=key,
        help=f"Downloads {path.name}"
        + (f"; the quote is on page {citation.page}." if short else "."),
        on_click="ignore",
    )
    paged = citation.page is not None and path.suffix.lower() == ".pdf"
    if paged and controls.button("Show the page", key=f"{key}-page", icon=":material/article:"):
        open_page(citation, path, settings=settings, reader_key=originals.reader_key)
    label = f"Read page {citation.page} as text" if paged else "Read it in the document"
    if controls.toggle(label, key=f"{key}-read"):
        show_document_text(citation, path, settings=settings, reader_key=originals.reader_key)


def open_page(citation: Citation, path: Path, *, settings: Settings, reader_key: str) -> None:
    """The page in a drawer beside the sources, wide enough to read; closing it leaves the
    answer and its sources as they were."""
    title = render.md_literal(f"Page {citation.page} of {citation.title or citation.source}")
    drawer = st.dialog(title, width=PAGE_DRAWER_PX, position="right")
    drawer(show_page)(citation, path, settings=settings, reader_key=reader_key)


def show_page(citation: Citation, path: Path, *, settings: Settings, reader_key: str = "*") -> None:
    """The cited page as rendered by PDFium, the quoted words boxed; when they cannot be placed,
    the page alone and a plain word saying so (never a box in the wrong place)."""
    try:
        view = page_view(citation, path, settings=settings, reader_key=reader_key)
    except PageUnavailable as exc:
        st.caption(render.md_literal(f"This page could not be shown: {exc}."))
        return
    marked = "highlighted" if view.placement.placed else "not found on it"
    alt = f"Page {citation.page} of {path.name}, the words of quote [{citation.id}] {marked}"
    st.html(render.page_image_html(view, alt=alt))
    # Captions and warnings read Markdown: the file name is shown as written.
    if view.placement.placed:
        note = f"Page {citation.page} of {path.name}; the quoted words are highlighted."
        st.caption(render.md_literal(note))
    else:
        note = (
            f"Page {citation.page} of {path.name}. The highlight could not be placed on this "
            f"page ({view.placement.reason}); the quote is in the card above."
        )
        st.warning(render.md_literal(note))


def page_view(citation: Citation, path: Path, *, settings: Settings, reader_key: str) -> PageView:
    """The page of `citation`, rendered once and then read from the index folder's cache. The
    path was checked against the reader before this is called."""
    before, after = citation.around_quote()
    return page_images(str(cache_folder(settings.index_dir)), reader_key).view(
        path, citation.page, citation.quote, before=before, after=after
    )


@st.cache_resource(show_spinner=False)
def page_images(folder: str, reader_key: str) -> PageImages:
    """A cache handle per index folder and kind of reader (it is safe across threads); keyed
    by what the reader may see too, so no in-memory cache is shared across groups."""
    return PageImages(Path(folder))


def page_clip(citation: Citation, *, originals: Originals) -> bytes | None:
    """For a briefing: the band of the cited page around the quote, highlighted; None for a
    citation that is not on a PDF page, whose words could not be placed, or whose document the
    reader may not see."""
    path = originals.path_for(citation.source)
    if path is None or citation.page is None or path.suffix.lower() != ".pdf":
        return None
    try:
        view = page_view(
            citation, path, settings=originals.settings, reader_key=originals.reader_key
        )
        return highlighted_clip(view)
    except PageUnavailable:
        return None


def show_document_text(
    citation: Citation, path: Path, *, settings: Settings, reader_key: str
) -> None:
    """The cleaned text of the cited page (PDF) or of the whole document (other formats), as it
    was indexed, opening scrolled to the marked quote."""
    max_bytes = int(settings.max_file_mb * 1e6)
    mtime = path.stat().st_mtime
    text = _page_text(str(path), citation.source, citation.page, mtime, max_bytes, reader_key)
    if text is None:
        st.caption("This text could not be read from the original file.")
    else:
        st.html(render.page_html(text, citation))


@st.cache_data(max_entries=32, show_spinner="Reading the document\u2026")
def _page_text(
    path: str, source: str, page: int | None, mtime: float, max_bytes: int, reader_key: str
):
    # reader_key only keys the cache: a page read for one kind of reader is not served to another
    return page_text(Path(path), source, page, max_bytes=max_bytes)
