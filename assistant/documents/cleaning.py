"""Turn raw extracted text into clean prose: wrapped lines joined, paragraphs one per line,
running headers/footers and web boilerplate dropped.

The cleaned text is the document's "extracted text": every offset the assistant reports refers
to it, so cleaning happens once, before chunking, and never after.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_TERMINAL = tuple(".!?:;\"'”’)")
_BULLET = re.compile(r"^\s*([•●▪◦■□◼➢►\-–*]|\uf0b7|\uf0a7|\d{1,2}[.)]|[a-z][.)])\s+")
_PAGE_NUMBER = re.compile(r"^\s*(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")

# Markers after which a web page's article is over (comments, related links, sharing widgets).
_END_OF_ARTICLE = re.compile(
    r"^(leave a (reply|comment)|related (articles?|stories|posts|content|news)|you (may|might) also"
    r" like|more (on this story|stories)|share this( article| story)?|comments?( \(\d+\))?|"
    r"read more|sign up to our newsletter|most (read|popular))\b",
    re.IGNORECASE,
)
_BOILERPLATE_LINE = re.compile(
    r"^(credit|photo|image|picture|photograph)( credit)?\s*:|^tel(ephone)?\s*[:.]|contact us$|"
    r"all rights reserved|website design by|cookie|^skip to (main )?content|^(home|menu|search)$|"
    r"^follow us|^subscribe|^advertisement$|^share (on|via)\b|^print this",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Unicode NFC, odd spaces to plain spaces, no control characters, Unix newlines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\f", "\n")
    # Only the characters this text holds are looked up: a test of every character took 3 of
    # the 11 ms of CPU that parsing a pool report cost.
    control = {
        ord(ch)
        for ch in set(text)
        if not ch.isprintable() and ch not in "\n\t" and unicodedata.category(ch)[0] == "C"
    }
    if control:
        text = text.translate(dict.fromkeys(control))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def join_wrapped_lines(text: str) -> str:
    """Re-flow hard-wrapped lines (PDF, pdftotext) into one line per paragraph.

    A line break is a wrap when the line is near full width and does not end a sentence, or
    when the next line starts in lower case; blank lines and bullets always start paragraphs.
    """
    lines = text.split("\n")
    widths = sorted(len(x) for x in lines if x)
    full = widths[int(len(widths) * 0.8)] if widths else 0
    out: list[str] = []
    previous = ""  # the previous raw line, before joining
    for line in lines:
        if not line:
            previous = ""
            continue
        if out and previous and _continues(previous, line, full):
            glue = "" if previous.endswith("-") and line[:1].islower() else " "
            out[-1] = out[-1] + glue + line
        else:
            out.append(line)
        previous = line
    return "\n".join(out)


def _continues(previous: str, line: str, full: int) -> bool:
    if _BULLET.match(line):
        return False
    if line[:1].islower() or line[:1] in ",;)":
        return True
    return not previous.endswith(_TERMINAL) and full > 30 and len(previous) >= 0.6 * full


def split_running_lines(pages: list[str]) -> tuple[list[str], list[str]]:
    """Each page without its running header/footer lines and page numbers, and the running
    lines each page lost: a paper's classification ("NOT FOR PUBLICATION") is often printed on
    every page, so it is running text that must still be read once, for what the paper is."""
    if len(pages) < 3:
        return [_drop_page_numbers(p) for p in pages], [""] * len(pages)
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.split("\n") if ln.strip()]
        edge = {_shape(ln) for ln in lines[:3] + lines[-3:]}
        counts.update(edge)
    repeated = {shape for shape, n in counts.items() if n >= max(3, len(pages) // 2) and shape}
    cleaned, running = [], []
    for page in pages:
        lines = page.split("\n")
        edge = {i for i, ln in enumerate(lines) if _is_running(ln, i, len(lines), repeated)}
        kept = (ln for i, ln in enumerate(lines) if i not in edge)
        cleaned.append(_drop_page_numbers("\n".join(kept)))
        running.append("\n".join(lines[i] for i in sorted(edge)))
    return cleaned, running


def _is_running(line: str, index: int, total: int, repeated: set[str]) -> bool:
    near_edge = index < 4 or index >= total - 4
    return near_edge and _shape(line) in repeated


def _shape(line: str) -> str:
    # Digits vary between pages (page numbers, dates in footers): compare the rest.
    return re.sub(r"\d+", "#", line.strip().lower())


def _drop_page_numbers(page: str) -> str:
    return "\n".join(ln for ln in page.split("\n") if not _PAGE_NUMBER.match(ln))


def strip_web_boilerplate(text: str) -> str:
    """Cut a web article at its comments/related-links block and drop widget and footer lines."""
    kept: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if kept and len(stripped) < 60 and _END_OF_ARTICLE.match(stripped):
            break
        if stripped and len(stripped) < 160 and _BOILERPLATE_LINE.search(stripped):
            continue
        kept.append(line)
    # A page footer (address, strapline, credits) trails the last sentence: articles end in
    # punctuation, footers do not.
    while kept and not kept[-1].strip().endswith(_TERMINAL):
        kept.pop()
    return "\n".join(kept).strip()


def clean_pdf_pages(raw_pages: list[str]) -> tuple[list[str], list[str]]:
    """The cleaning pipeline for paged documents: the cleaned pages, and the running lines
    taken off each."""
    pages, running = split_running_lines([normalise(p) for p in raw_pages])
    return [join_wrapped_lines(p) for p in pages], running


def clean_prose(raw: str, *, web: bool = False) -> str:
    """The cleaning pipeline for flowing text (TXT, Markdown, HTML, DOCX)."""
    text = normalise(raw)
    if web:
        text = strip_web_boilerplate(text)
    return join_wrapped_lines(text)
