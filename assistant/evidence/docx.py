"""Writing a Word document (a briefing), through python-docx.

One of the two modules that import python-docx: this one writes, `documents.docx` reads."""

from __future__ import annotations

import io


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
