"""Word documents, through python-docx (the only module that imports it): reading a .docx's
paragraphs and tables for ingest, and writing a briefing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


class UnreadableWord(Exception):
    """The file is no Word document python-docx can open."""


def read(path: Path) -> tuple[str, list[str]]:
    """(the title its properties give, or '', and its blocks of text: every paragraph, then
    every table row as its cells joined by " | ")."""
    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableWord(str(exc)) from exc
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                if cell.text not in cells:  # merged cells repeat their text
                    cells.append(cell.text)
            blocks.append(" | ".join(cells))
    return document.core_properties.title or "", blocks


class Writer:
    """A new Word document, built a heading, paragraph or picture at a time."""

    def __init__(self, *, title: str) -> None:
        import docx

        self._document = docx.Document()
        self._document.core_properties.title = title

    def heading(self, text: str, *, level: int) -> None:
        self._document.add_heading(text, level=level)

    def paragraph(self, text: str, *, italic: bool = False, bullet: bool = False) -> None:
        paragraph = self._document.add_paragraph(text, style="List Bullet" if bullet else None)
        if italic:
            for run in paragraph.runs:
                run.italic = True

    def picture(self, image: bytes, *, inches: float) -> None:
        from docx.shared import Inches

        self._document.add_picture(io.BytesIO(image), width=Inches(inches))

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._document.save(out)
        return out.getvalue()
