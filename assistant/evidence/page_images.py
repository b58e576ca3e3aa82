"""A cited page of a PDF as an image, with the quoted words boxed where they are printed.

PDFium (through pypdfium2) renders the page and reports each character's box; `quote_on_page`
finds the quote among those characters. A page is rendered the first time someone asks for it
and then kept, with its characters, in a bounded cache in the index folder, so a 600-page report
costs nothing until one of its pages is shown, and a page shown again costs a file read.

The only module that imports pypdfium2, Pillow and diskcache.
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import diskcache
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw

from assistant.evidence.quote_on_page import Box, PageChar, Placement, locate

RENDER_WIDTH = 1200  # pixels across: sharp at the width of a source card on a HiDPI screen
DEFAULT_CACHE_BYTES = 256 * 2**20  # about 2,500 pages of a typical report
CACHE_FOLDER = "page-images"
LAYOUT = 1  # part of every cache key: change it when rendering or the stored layout changes
HIGHLIGHT = (255, 214, 10)  # a highlighter's yellow, multiplied into the page like ink
# PDFium is not thread-safe, and Streamlit runs each browser session on a thread of its own.
_PDFIUM = threading.Lock()
_CACHE_ERRORS = (OSError, sqlite3.Error, diskcache.Timeout)
# What a truncated or foreign cache entry raises on the way back (json's error is a ValueError).
_UNPACK_ERRORS = (struct.error, zlib.error, ValueError, KeyError, TypeError)
_log = logging.getLogger(__name__)


class PageUnavailable(Exception):
    """The page cannot be shown; the message says why, for the reader."""


@dataclass(frozen=True)
class RenderedPage:
    """One page as an image (WebP) and the characters printed on it."""

    number: int  # 1-based, as citations count pages
    image: bytes
    width: int
    height: int
    chars: tuple[PageChar, ...]


@dataclass(frozen=True)
class PageView:
    """A rendered page and where a quote stands on it."""

    page: RenderedPage
    placement: Placement


def cache_folder(index_dir: Path) -> Path:
    """Where an index keeps its rendered pages."""
    return index_dir / CACHE_FOLDER


class PageImages:
    """Rendered pages, from the cache when they are there."""

    def __init__(self, folder: Path, *, max_bytes: int = DEFAULT_CACHE_BYTES):
        # Least recently *used* goes first: a page read out at every meeting stays. One page
        # out per page in (diskcache's default drops ten at once), so the folder holds about
        # `max_bytes`: at most a page more.
        try:
            self._cache = diskcache.Cache(
                str(folder),
                size_limit=max_bytes,
                eviction_policy="least-recently-used",
                cull_limit=1,
            )
        except _CACHE_ERRORS as exc:  # a read-only or full disk slows pages down, no more
            _log.warning("pages will not be cached in %s: %s", folder, exc)
            self._cache = None

    def page(self, path: Path, number: int) -> RenderedPage:
        """Page `number` of the PDF at `path`; PageUnavailable when it cannot be rendered."""
        key = _cache_key(path, number)
        packed = self._read(key)
        if packed is not None:
            try:
                return _unpack(packed)
            except _UNPACK_ERRORS as exc:  # a damaged entry is a miss: render the page again
                _log.warning("page cache entry unreadable: %s", exc)
        rendered = render_page(path, number)
        self._write(key, _pack(rendered))
        return rendered

    def _read(self, key: str) -> bytes | None:
        try:
            packed = self._cache.get(key) if self._cache is not None else None
        except _CACHE_ERRORS as exc:
            _log.warning("page cache unreadable: %s", exc)
            return None
        return packed if isinstance(packed, bytes) else None

    def _write(self, key: str, packed: bytes) -> None:
        if self._cache is None:
            return
        try:
            self._cache.set(key, packed)
        except _CACHE_ERRORS as exc:
            _log.warning("page not cached: %s", exc)

    def view(
        self, path: Path, number: int, quote: str, *, before: str = "", after: str = ""
    ) -> PageView:
        """The page with `quote` located on it (`before`/`after`: the text around the quote)."""
        rendered = self.page(path, number)
        return PageView(rendered, locate(rendered.chars, quote, before=before, after=after))

    def cached(self, path: Path, number: int) -> bool:
        """Whether the page would be shown without rendering it."""
        return self._cache is not None and _cache_key(path, number) in self._cache

    def volume(self) -> int:
        """Bytes the cache holds on disk."""
        return self._cache.volume() if self._cache is not None else 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def _cache_key(path: Path, number: int) -> str:
    # Size and modification time stand for the content: hashing a large PDF at every request
    # would cost more than the cached page saves.
    try:
        stat = path.stat()
    except OSError as exc:
        raise PageUnavailable(f"the original file cannot be read ({exc.strerror})") from exc
    return f"{LAYOUT}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{number}"


def render_page(path: Path, number: int) -> RenderedPage:
    """Render page `number` (1-based) of a PDF and read its characters' boxes."""
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
        except (pdfium.PdfiumError, OSError) as exc:
            raise PageUnavailable(f"the PDF cannot be opened ({exc})") from exc
        try:
            if not 1 <= number <= len(pdf):
                raise PageUnavailable(f"the PDF has no page {number} (it has {len(pdf)})")
            page = pdf[number - 1]
            bitmap = page.render(scale=RENDER_WIDTH / page.get_width())
            image = bitmap.to_pil()
            chars = _page_chars(page)
        except pdfium.PdfiumError as exc:  # a damaged page in a document that opens
            raise PageUnavailable(f"page {number} of the PDF cannot be rendered ({exc})") from exc
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, "WEBP", lossless=True)  # a third of PNG's size for printed pages
    return RenderedPage(number, out.getvalue(), image.width, image.height, chars)


def _page_chars(page) -> tuple[PageChar, ...]:
    """Every character of the page with its box as fractions of the rendered image."""
    textpage = page.get_textpage()
    frame = _Frame.of(page)
    chars = []
    for index in range(textpage.count_chars()):
        text = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        printed = not text.isspace() and pdfium_c.FPDFText_IsGenerated(textpage, index) != 1
        # Loose boxes span the font's full height, so a line's boxes line up like a highlighter.
        box = frame.box(*textpage.get_charbox(index, loose=True)) if printed else None
        chars.append(PageChar(text, box))
    return tuple(chars)


@dataclass(frozen=True)
class _Frame:
    """From PDF user space (points, origin bottom left) to fractions of the rendered image,
    which shows the crop box turned by the page's /Rotate."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int

    @classmethod
    def of(cls, page) -> _Frame:
        return cls(*page.get_cropbox(), page.get_rotation())

    def point(self, x: float, y: float) -> tuple[float, float]:
        u = (x - self.left) / (self.right - self.left)
        v = (self.top - y) / (self.top - self.bottom)
        return {0: (u, v), 90: (1 - v, u), 180: (1 - u, 1 - v), 270: (v, 1 - u)}[self.rotation]

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        (x1, y1), (x2, y2) = self.point(left, top), self.point(right, bottom)
        # Five places are a hundredth of a pixel, and survive the cache's JSON unchanged.
        edges = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        return Box(*(round(edge, 5) for edge in edges))


def _pack(page: RenderedPage) -> bytes:
    """One cache value per page, so eviction never keeps an image without its characters."""
    header = {
        "number": page.number,
        "width": page.width,
        "height": page.height,
        "text": [c.text for c in page.chars],
        "boxes": [_edges(c.box) for c in page.chars],
    }
    packed = zlib.compress(json.dumps(header, separators=(",", ":")).encode())
    return struct.pack(">I", len(packed)) + packed + page.image


def _edges(box: Box | None) -> list[float] | None:
    return None if box is None else [box.left, box.top, box.right, box.bottom]


def _unpack(data: bytes) -> RenderedPage:
    (length,) = struct.unpack(">I", data[:4])
    header = json.loads(zlib.decompress(data[4 : 4 + length]))
    chars = tuple(
        PageChar(text, Box(*box) if box else None)
        for text, box in zip(header["text"], header["boxes"], strict=True)
    )
    image = data[4 + length :]
    return RenderedPage(header["number"], image, header["width"], header["height"], chars)


def highlighted_clip(view: PageView, *, lines: float = 2.0, width: int = 900) -> bytes | None:
    """A PNG of the band of the page that holds the quote, with `lines` lines of context above
    and below and the quoted words highlighted: small enough for a briefing, large enough to
    read. None when the quote could not be placed."""
    boxes = view.placement.boxes
    if not boxes:
        return None
    page = Image.open(io.BytesIO(view.page.image)).convert("RGB")
    ink = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(ink)
    for box in boxes:
        draw.rectangle(_pixels(box, page.size), fill=HIGHLIGHT)
    marked = ImageChops.multiply(page, ink)
    line = max(b.height for b in boxes)
    printed = [c.box for c in view.page.chars if c.box is not None]
    top = _between_lines(printed, min(b.top for b in boxes) - lines * line, step=-line / 8)
    bottom = _between_lines(printed, max(b.bottom for b in boxes) + lines * line, step=line / 8)
    clip = marked.crop((0, round(top * page.height), page.width, round(bottom * page.height)))
    if clip.width > width:
        clip = clip.resize((width, round(clip.height * width / clip.width)), Image.LANCZOS)
    out = io.BytesIO()
    clip.save(out, "PNG", optimize=True)
    return out.getvalue()


def _between_lines(boxes: list[Box], y: float, *, step: float) -> float:
    """`y` moved by `step` until it cuts through no printed character: a clip's edge falls
    between two lines of text, never through one."""
    while 0.0 < y < 1.0 and any(b.top < y < b.bottom for b in boxes):
        y += step
    return min(1.0, max(0.0, y))


def _pixels(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    return (
        round(box.left * width),
        round(box.top * height),
        round(box.right * width),
        round(box.bottom * height),
    )
