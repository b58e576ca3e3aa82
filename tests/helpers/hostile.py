"""Generators for hostile input files: each writes a real file the way it occurs in the wild.

Used by the hostile-file and reliability tests. Every function takes the target path (or folder)
and returns the path(s) it wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

PROSE = (
    "The council's children's services were judged to require improvement. Leaders have "
    "strengthened the front door, and social workers now see children promptly. Managers "
    "know their teams well, but the quality of plans for care leavers remains too variable."
)


def text_pdf(path: Path, pages: list[str]) -> Path:
    """A small, valid PDF with a real text layer (one Helvetica text block per page)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for page_id, text in zip(page_ids, pages, strict=True):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_id + 1} 0 R"
            f" /Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        stream = _text_stream(text)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _write_pdf(path, objects)


def _text_stream(text: str) -> bytes:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > 80:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    ops = ["BT /F1 11 Tf 14 TL 50 740 Td"]
    for ln in lines:
        escaped = ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def _write_pdf(path: Path, objects: list[bytes]) -> Path:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    size = len(objects) + 1
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    path.write_bytes(bytes(out))
    return path


def corrupt_pdf(path: Path) -> Path:
    """A PDF header followed by garbage: what a failed download or a bad disk leaves behind."""
    path.write_bytes(b"%PDF-1.7\n" + bytes((i * 37 + 11) % 256 for i in range(4000)))
    return path


def truncated_pdf(path: Path, source: Path) -> Path:
    """The first few hundred bytes of a real PDF: the body and cross-reference table are gone."""
    path.write_bytes(source.read_bytes()[:300])
    return path


def encrypted_pdf(path: Path, *, password: str = "s3cret") -> Path:
    """A text PDF that needs a user password to open."""
    from pypdf import PdfReader, PdfWriter

    plain = text_pdf(path.with_name(path.stem + ".plain.tmp"), [PROSE])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    plain.unlink()
    return path


def scanned_pdf(path: Path) -> Path:
    """An image-only PDF, as a scanner makes it: pages are pictures, there is no text layer."""
    from PIL import Image, ImageDraw

    pages = []
    for n in range(2):
        image = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(image)
        for row in range(40):
            width = (row * 53 + n * 97) % 600 + 100  # ragged "lines of print"
            draw.rectangle([80, 100 + row * 22, 80 + width, 112 + row * 22], fill=30)
        pages.append(image)
    pages[0].save(path, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])
    return path


def zero_byte(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def binary_as_txt(path: Path) -> Path:
    """A binary file (an executable-like blob) that somebody renamed to .txt."""
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 16)
    return path


CP1252_TEXT = (
    "Council report \u2013 Scrutiny Committee\n\n"
    "The committee\u2019s review found \u201cgood progress\u201d on the caf\u00e9 budget of "
    "\u00a3250,000. "
    "Members noted the na\u00efve assumption in paragraph 4 \u2014 the r\u00e9sum\u00e9 of risks.\n"
)


def cp1252_text(path: Path) -> Path:
    """Windows-1252 text with smart quotes, dashes, a pound sign and accents (not valid UTF-8)."""
    path.write_bytes(CP1252_TEXT.encode("cp1252"))
    return path


def big_text(path: Path, *, megabytes: float) -> Path:
    """A text file of the given size, written in blocks (never held whole in memory)."""
    block = (PROSE + "\n\n").encode()
    target = int(megabytes * 1e6)
    with path.open("wb") as handle:
        written = 0
        while written < target:
            handle.write(block)
            written += len(block)
    return path


HOSTILE_HTML = """<!doctype html>
<html><head><title>Scrutiny of home to school transport</title>
<script>document.write('STOLEN-COOKIE-' + document.cookie); alert("SCRIPT-RAN");</script>
<style>body { color: red } .x::after { content: "STYLE-TEXT" }</style>
</head>
<body onload="alert('ONLOAD-RAN')">
<article>
<h1>Scrutiny of home to school transport</h1>
<p onclick="steal()">The committee found that transport for pupils with special educational
needs was arranged late, and that families were not told about changes in good time.</p>
<p>Members asked officers to publish a clear timetable before the start of each term, and to
report back to the committee in the spring with figures on late arrangements.</p>
<p><a href="javascript:alert('LINK-RAN')">Read the officers' response</a> to the committee's
recommendations, which was agreed in full by the cabinet member.</p>
<img src="x.png" onerror="alert('ONERROR-RAN')">
<script type="text/javascript">var secret = "INLINE-SCRIPT-BODY";</script>
</article>
</body></html>
"""


def hostile_html(path: Path) -> Path:
    path.write_text(HOSTILE_HTML, encoding="utf-8")
    return path


ODD_NAMES = [
    "report with spaces.txt",
    "rapport-été-ñandú-报告.txt",
    "-leading-dash.txt",
    "--rebuild.txt",
]


def odd_names(folder: Path) -> list[Path]:
    """Files whose names break naive shell or path handling; each holds distinct text."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, name in enumerate(ODD_NAMES):
        path = folder / name
        path.write_text(f"Odd name document number {i}. {PROSE}\n", encoding="utf-8")
        paths.append(path)
    return paths


def deep_folder(root: Path, *, depth: int = 40) -> Path:
    """A document at the bottom of a very deep chain of folders."""
    folder = root
    for level in range(depth):
        folder = folder / f"level{level:02d}"
    folder.mkdir(parents=True)
    path = folder / "deep.txt"
    path.write_text(f"Deeply filed paper. {PROSE}\n", encoding="utf-8")
    return path


def symlink_loop(folder: Path) -> Path:
    """A folder holding a symlink to its own parent: a naive walk never ends."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "inside.txt").write_text(f"Inside the looped folder. {PROSE}\n", encoding="utf-8")
    link = folder / "loop"
    os.symlink("..", link)
    return link


def unsupported(folder: Path) -> list[Path]:
    """Files of types the assistant does not read (spreadsheets, images, archives)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "budget.xlsx", folder / "photo.jpg", folder / "papers.zip"]
    for path in paths:
        path.write_bytes(b"PK\x03\x04" + bytes(64))
    return paths
