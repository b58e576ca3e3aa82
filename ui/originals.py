"""The original files behind indexed sources: find them safely, and re-read a cited page."""

from __future__ import annotations

from pathlib import Path

from assistant.documents.readers import FoundFile, UnreadableDocument, read_document


def original_path(source: str, roots: tuple[Path, ...]) -> Path | None:
    """The original file for an indexed source, only if it lies inside one of the roots."""
    for root in roots:
        base = root.resolve()
        candidate = (base / source).resolve()
        if candidate.is_relative_to(base) and candidate.is_file():
            return candidate
    return None


def page_text(path: Path, source: str, page: int | None, *, max_bytes: int) -> str | None:
    """The cleaned text of one page (the whole text for unpaged formats), as it was indexed,
    so a citation's page offsets point at its quote. None when the file cannot be read."""
    try:
        document = read_document(FoundFile(path, source), max_bytes=max_bytes)
    except (UnreadableDocument, OSError):
        return None
    for candidate in document.pages:
        if candidate.number == page:
            return candidate.text
    return None
