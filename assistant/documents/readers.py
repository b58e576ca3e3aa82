"""Documents: finding files, reading each format into cleaned pages, and why a file is skipped."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.meta import DocumentMeta
from assistant.core.text import one_line
from assistant.documents import cleaning, docx

SUPPORTED = {".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt", ".text"}
_SIDECARS = (".meta.json",)


class UnreadableDocument(Exception):
    """A file that cannot be indexed; the message is the reason shown to the user."""


@dataclass(frozen=True)
class Page:
    """One page of cleaned text. `number` is 1-based for PDFs and None for flowing text."""

    number: int | None
    text: str
    # Header and footer lines repeated on most pages, taken off this one (kept out of passages;
    # read once for the paper's own classification)
    running: str = ""


@dataclass
class Document:
    path: Path  # where it was read from
    source: str  # path relative to the ingest root, as shown to users
    title: str
    kind: str  # pdf, docx, html, markdown, text
    pages: list[Page]
    sha256: str = ""
    meta: DocumentMeta = field(default_factory=DocumentMeta)  # set at ingest (metadata.describe)

    @property
    def doc_id(self) -> str:
        return hashlib.sha1(self.source.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class FoundFile:
    path: Path
    source: str


@dataclass(frozen=True)
class Skipped:
    """A file not indexed, and why. Unsupported types are listed but are not failures."""

    path: str
    reason: str
    unsupported: bool = False


def discover(roots: list[Path]) -> tuple[list[FoundFile], list[Skipped]]:
    """Every supported file under the given files/folders, plus the ones we will not read.

    Symlinked folders are followed once (loops are detected by real path); hidden folders skipped.
    """
    found: list[FoundFile] = []
    skipped: list[Skipped] = []
    for root in roots:
        if not root.exists():
            skipped.append(Skipped(str(root), "no such file or folder"))
        elif root.is_file():
            _consider(root, root.name, found, skipped)
        else:
            for path in _walk(root, root, skipped):
                _consider(path, path.relative_to(root).as_posix(), found, skipped)
    return found, skipped


def _walk(root: Path, top: Path, skipped: list[Skipped]) -> Iterator[Path]:
    seen: set[str] = set()
    for folder, dirs, files in os.walk(top, followlinks=True, onerror=_walk_error(root, skipped)):
        real = os.path.realpath(folder)
        if real in seen:
            where = Path(folder).relative_to(root).as_posix()
            skipped.append(
                Skipped(
                    where,
                    "symlink loop: this folder links back to one already visited; not followed",
                )
            )
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _walk_error(root: Path, skipped: list[Skipped]):
    def report(error: OSError) -> None:
        where = Path(error.filename or root)
        where = where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)
        skipped.append(Skipped(where, f"cannot list folder: {error.strerror or error}"))

    return report


def _consider(path: Path, source: str, found: list, skipped: list) -> None:
    name = path.name.lower()
    if name.endswith(_SIDECARS) or name in {"sources.md", "readme.md", "metadata.csv"}:
        return  # project files and metadata sidecars are not documents
    if path.suffix.lower() in SUPPORTED:
        found.append(FoundFile(path, source))
    else:
        kind = path.suffix or "(none)"
        skipped.append(Skipped(source, f"unsupported file type '{kind}'", unsupported=True))


def file_sha256(path: Path) -> str:
    """The file's SHA-256, folded with its metadata sidecars' when it has any, so that editing
    `NAME.meta.json` or the folder's `metadata.csv` re-ingests it like editing the file. A
    sidecar's `access` is left out: a new label changes no passage, so it is applied in place
    (`index/relabel.py`) and nothing is re-embedded."""
    digest = _sha256_of(path)
    sidecars = [
        path.with_name(path.name + ".meta.json"),
        path.with_suffix(".meta.json"),
        path.parent / "metadata.csv",
    ]
    extra = [_sidecar_digest(s) for s in dict.fromkeys(sidecars) if s.is_file()]
    if not extra:
        return digest.hexdigest()
    return hashlib.sha256(":".join([digest.hexdigest(), *extra]).encode()).hexdigest()


def _sidecar_digest(path: Path) -> str:
    """A sidecar's digest without its `access` field (the raw bytes' when it cannot be read:
    ingest then reports why)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".json":
            data = json.loads(text)
            kept = {k: v for k, v in data.items() if k != "access"}
        else:
            rows = list(csv.reader(io.StringIO(text)))
            dropped = {i for i, name in enumerate(rows[0] if rows else []) if name == "access"}
            kept = [[v for i, v in enumerate(row) if i not in dropped] for row in rows]
    except (ValueError, AttributeError, UnicodeDecodeError, csv.Error):
        return _sha256_of(path).hexdigest()
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def _sha256_of(path: Path):
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest


def read_document(found: FoundFile, *, max_bytes: int) -> Document:
    """Read and clean one file, or raise UnreadableDocument with a reason a person understands."""
    path = found.path
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableDocument(f"cannot read file: {exc.strerror}") from exc
    if size == 0:
        raise UnreadableDocument("empty file (0 bytes)")
    if size > max_bytes:
        raise UnreadableDocument(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB size limit "
            "(raise ASSISTANT_MAX_FILE_MB to index it)"
        )
    reader = _READERS[path.suffix.lower()]
    title, kind, pages = reader(path)
    pages = [p for p in pages if p.text.strip()]
    if not pages:
        raise UnreadableDocument("no text found in the file")
    return Document(
        path=path,
        source=found.source,
        title=_clean_title(title) or _title_from_name(path),
        kind=kind,
        pages=pages,
        sha256=file_sha256(path),
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_-]+", " ", path.stem).strip().capitalize() or path.name


# --- readers: each returns (title, kind, pages) --------------------------------------------


def _read_pdf(path: Path) -> tuple[str, str, list[Page]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise UnreadableDocument("encrypted (password-protected) PDF")
        raw = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocument(f"corrupt or unreadable PDF ({_why(exc)})") from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        if "decrypt" in str(exc).lower() or "crypt" in exc.__class__.__name__.lower():
            raise UnreadableDocument("encrypted PDF that cannot be opened") from exc
        raise UnreadableDocument(f"corrupt or unreadable PDF ({_why(exc)})") from exc
    if not any(t.strip() for t in raw):
        raise UnreadableDocument("no extractable text — needs OCR (scanned PDF?)")
    cleaned, running = cleaning.clean_pdf_pages(raw)
    pages = [
        Page(i + 1, text, edge) for i, (text, edge) in enumerate(zip(cleaned, running, strict=True))
    ]
    return _pdf_title(title, pages), "pdf", pages


def _why(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {str(exc)[:200]}"


def _opens_without_password(reader) -> bool:
    # Many PDFs are encrypted with an empty user password (restrictions only): those we can read.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. AES without the optional crypto library
        return False


def _pdf_title(meta_title: str, pages: list[Page]) -> str:
    meta_title = meta_title.strip()
    # Word-exported PDFs often carry a template title ("Microsoft Word - ..."): prefer the text.
    if len(meta_title) > 12 and not meta_title.lower().startswith(("microsoft", "untitled")):
        return meta_title
    for page in pages[:1]:
        for line in page.text.split("\n")[:6]:
            if 12 <= len(line) <= 160:
                return line
    return ""


def _read_docx(path: Path) -> tuple[str, str, list[Page]]:
    try:
        title, blocks = docx.read(path)
    except docx.UnreadableWord as exc:
        raise UnreadableDocument(f"corrupt or unreadable DOCX ({exc})") from exc
    text = cleaning.clean_prose("\n\n".join(blocks))
    return title or _first_line(text), "docx", [Page(None, text)]


def _read_html(path: Path) -> tuple[str, str, list[Page]]:
    import trafilatura

    html = _without_code(_decode(path.read_bytes(), path))
    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, include_links=False, with_metadata=True
    )
    if extracted is None or not (extracted.text or "").strip():
        raise UnreadableDocument("no main text found in the HTML page")
    text = cleaning.clean_prose(extracted.text, web=True)
    return _clean_title(extracted.title or "") or _first_line(text), "html", [Page(None, text)]


def _without_code(html: str) -> str:
    """The page without scripts, styles and event handlers, so that no code reaches the title
    or the text (trafilatura drops code from the body, but reads a title's text whole)."""
    from lxml.etree import ParserError
    from lxml_html_clean import Cleaner

    cleaner = Cleaner(
        scripts=True, javascript=True, style=True, comments=True, page_structure=False
    )
    try:
        return cleaner.clean_html(html)
    except (ParserError, ValueError):  # not parseable as HTML: trafilatura says so below
        return html


def _clean_title(title: str) -> str:
    """A title cleaned like the text: one line, odd spaces and control characters gone."""
    return one_line(cleaning.normalise(title))


_MARKDOWN = [
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.M), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<!\w)[*_](\S.*?)[*_](?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"^\s*>\s?", re.M), ""),
]


def _read_markdown(path: Path) -> tuple[str, str, list[Page]]:
    raw = _decode(path.read_bytes(), path)
    for pattern, repl in _MARKDOWN:
        raw = pattern.sub(repl, raw)
    text = cleaning.clean_prose(raw)
    return _first_line(text), "markdown", [Page(None, text)]


def _read_text(path: Path) -> tuple[str, str, list[Page]]:
    text = cleaning.clean_prose(_decode(path.read_bytes(), path), web=True)
    return _first_line(text), "text", [Page(None, text)]


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= 200 else line[:197] + "..."


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 first; council papers are often Windows-1252, so fall back to it, not to an error."""
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableDocument(f"binary data, not text (named '{path.suffix}')")
    bom16 = sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-8-sig", "utf-16") if bom16 else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text[:4096]) * 0.05:
        raise UnreadableDocument(f"binary data, not text (named '{path.suffix}')")
    return text


_READERS = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_text,
    ".text": _read_text,
}
