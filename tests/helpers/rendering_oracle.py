"""What PDFium itself reports about a page, read here directly and converted to image
coordinates by PDFium's own transform (`PdfPosConv`), never through
`assistant.evidence.page_images`: tests hold that module, and the page shown in the browser,
against the renderer, not against themselves. The one place tests import pypdfium2 and Pillow."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageStat

ORACLE_SCALE = 4  # PdfPosConv answers in whole pixels: at 4x a pixel is a quarter point


@dataclass(frozen=True)
class OracleChar:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page


def printed_chars(pdf: Path, number: int) -> list[OracleChar]:
    """The printed characters of page `number` (1-based) with their loose boxes."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[number - 1]
        bitmap = page.render(scale=ORACLE_SCALE)
        convert = bitmap.get_posconv(page)
        text = page.get_textpage()
        chars = []
        for index in range(text.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(text, index))
            if ch.isspace():
                continue
            left, bottom, right, top = text.get_charbox(index, loose=True)
            corners = [convert.to_bitmap(left, top), convert.to_bitmap(right, bottom)]
            xs, ys = [x / bitmap.width for x, _ in corners], [y / bitmap.height for _, y in corners]
            chars.append(OracleChar(ch, (min(xs), min(ys), max(xs), max(ys))))
        return chars
    finally:
        document.close()


def render(pdf: Path, number: int, *, width: int) -> Image.Image:
    """Page `number` rendered `width` pixels across, in greyscale."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[number - 1]
        return page.render(scale=width / page.get_width()).to_pil().convert("L")
    finally:
        document.close()


def rotated_copy(pdf: Path, dest: Path, *, rotation: int) -> Path:
    """A copy of the PDF whose pages all carry /Rotate `rotation` (landscape tables do)."""
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            page.set_rotation(rotation)
        document.save(dest)
    finally:
        document.close()
    return dest


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two greyscale images of one size, 0-255."""
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


def yellow_share(picture: Image.Image) -> float:
    """The share of the picture's pixels that are highlighter yellow."""
    red, green, blue = picture.convert("RGB").split()
    masks = (
        red.point(lambda v: 255 if v > 200 else 0),
        green.point(lambda v: 255 if v > 170 else 0),
        blue.point(lambda v: 255 if v < 90 else 0),
    )
    yellow = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return ImageStat.Stat(yellow).mean[0] / 255


def fold(text: str) -> str:
    """Letters and digits only, lower case, ligatures expanded: to compare words, not print."""
    return "".join(c for c in unicodedata.normalize("NFKD", text).casefold() if c.isalnum())


def under(box: tuple[float, float, float, float], chars: list[OracleChar]) -> list[OracleChar]:
    """The characters whose centres lie inside `box`, in the page's reading order."""
    left, top, right, bottom = box

    def inside(c: OracleChar) -> bool:
        x, y = (c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2
        return left <= x <= right and top <= y <= bottom

    return [c for c in chars if inside(c)]


def check_boxes_cover_quote(
    boxes: list[tuple[float, float, float, float]],
    chars: list[OracleChar],
    quote: str,
    *,
    tolerance: float,
) -> None:
    """Each box bounds exactly the printed characters under it (within `tolerance`, a
    fraction of the page), and those characters, box after box, spell the quote."""
    spelled = []
    for box in boxes:
        covered = under(box, chars)
        assert covered, f"a highlight box over no printed character: {box}"
        union = (
            min(c.box[0] for c in covered),
            min(c.box[1] for c in covered),
            max(c.box[2] for c in covered),
            max(c.box[3] for c in covered),
        )
        assert all(abs(a - b) <= tolerance for a, b in zip(box, union, strict=True)), (box, union)
        spelled.append("".join(c.text for c in covered))
    assert fold("".join(spelled)) == fold(quote), (spelled, quote)
