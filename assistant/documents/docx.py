"""Reading a Word document for ingest, through python-docx: its paragraphs and tables.

One of the two modules that import python-docx: this one reads, `evidence.docx` writes."""

from __future__ import annotations

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
