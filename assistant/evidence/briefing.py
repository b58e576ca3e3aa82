"""Briefing export: a conversation as Markdown or DOCX, with numbered, verbatim references.

Pure functions: answers in, text or bytes out. Each question keeps the markers its answer was
given, followed by its own reference list, so a `[2]` in the text always means the `[2]` below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.core.answer import Answer, Citation
from assistant.core.text import one_line
from assistant.evidence import docx

DECLINED_NOTE = "Not answered by the indexed documents. Closest passages (not answering):"
# Document text is untrusted: characters Markdown would turn into markup or raw HTML are escaped.
_MD_SPECIAL = re.compile(r"([\\`*_<>#|~])")
_MD_LINK = re.compile(r"\]\(")
# XML 1.0 forbids most control characters; PDFs sometimes carry them.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PAGE_IMAGE_INCHES = 5.0  # across a portrait page's text column, so the words stay readable


@dataclass(frozen=True)
class BriefingOptions:
    title: str = "Briefing"
    generated: str = ""  # e.g. "26 November 2026, 12:30"; the caller knows the clock
    note: str = ""  # e.g. the filters that applied


def to_markdown(answers: Sequence[Answer], *, options: BriefingOptions | None = None) -> str:
    """The conversation as Markdown: each question, its answer with markers, its references."""
    options = options or BriefingOptions()
    lines = [f"# {_md(options.title)}", ""]
    if options.generated:
        lines += [f"Generated {_md(options.generated)}.", ""]
    if options.note:
        lines += [_md(options.note), ""]
    for number, answer in enumerate(answers, 1):
        lines += [f"## {number}. {_md(one_line(answer.question))}", ""]
        if summary := _summary(answer):
            lines += [f"*{_md(summary.label)}*", "", _md(summary.text), ""]
        if answer.citations:  # an answer, or what the documents say against its premise
            lines += [_md(answer.answer), "", "**References**", ""]
            lines += [f"- **[{c.id}]** {_md(c.source_and_quote())}" for c in answer.citations]
        else:
            lines += [_md(answer.answer), "", f"*{DECLINED_NOTE}*", ""]
            lines += [f"- {_md(c.location())}" for c in answer.related]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_docx(
    answers: Sequence[Answer],
    *,
    options: BriefingOptions | None = None,
    page_image: Callable[[Citation], bytes | None] | None = None,
) -> bytes:
    """The same briefing as a Word document, returned as the bytes of a .docx file.

    `page_image`, when given, is asked for a picture (PNG or JPEG bytes) of each reference's
    page with the quote highlighted; a reference it returns None for keeps its text alone."""
    options = options or BriefingOptions()
    document = docx.Writer(title=_xml(options.title))
    document.heading(_xml(options.title), level=0)
    if options.generated:
        document.paragraph(_xml(f"Generated {options.generated}."))
    if options.note:
        document.paragraph(_xml(options.note))
    for number, answer in enumerate(answers, 1):
        _docx_answer(document, number, answer, page_image=page_image)
    return document.to_bytes()


def _docx_answer(document: docx.Writer, number: int, answer: Answer, *, page_image) -> None:
    """One question of the briefing: its summary (labelled), its answer, its references."""
    document.heading(_xml(f"{number}. {one_line(answer.question)}"), level=1)
    if summary := _summary(answer):
        document.paragraph(_xml(summary.label), italic=True)
        document.paragraph(_xml(summary.text))
    for block in answer.answer.split("\n\n"):
        document.paragraph(_xml(block))
    if not answer.citations:
        document.paragraph(DECLINED_NOTE, italic=True)
        for c in answer.related:
            document.paragraph(_xml(c.location()), bullet=True)
        return
    document.heading("References", level=2)
    for c in answer.citations:
        document.paragraph(_xml(c.reference()))
        picture = page_image(c) if page_image else None
        if picture:
            document.picture(picture, inches=PAGE_IMAGE_INCHES)


def _summary(answer: Answer):
    """The answer's checked summary when one was kept, shown above its verbatim quotes."""
    summary = answer.summary
    return summary if summary is not None and summary.text else None


def _md(text: str) -> str:
    return _MD_LINK.sub("]\\(", _MD_SPECIAL.sub(r"\\\1", text))


def _xml(text: str) -> str:
    return _XML_INVALID.sub("", text)
