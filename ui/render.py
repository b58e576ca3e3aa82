"""HTML for the chat page: answers with citation markers, and source cards with the quote marked.

Everything that comes from a document is HTML-escaped first; only then is our own markup added,
so a report containing `<script>` or `<img onerror=...>` is shown as text and never run.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from assistant.core.answer import Answer, Citation

if TYPE_CHECKING:  # only its fields are read here; importing it loads PDFium
    from assistant.evidence.page_images import PageView

_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$])")
_SENTENCE_END = re.compile(r"[.!?:;][\"')\u201d\u2019]*\s+")
PAGE_CONTEXT = 0.06  # of the page's height, shown above the first highlighted word
# A card shows this much of its passage around the quote, so that the quote opens in view.
CARD_BEFORE, CARD_AFTER = 240, 160  # characters
ELLIPSIS = "\u2026"

CSS = """
<style>
.ia-answer p { margin: 0 0 0.6rem 0; line-height: 1.5; }
.ia-cite { font-weight: 600; color: #1a5fb4; font-size: 0.85em; white-space: nowrap; }
.ia-declined { color: #6b4e00; background: #fff6d6; border-radius: 6px; padding: 0.5rem 0.75rem; }
.ia-card { border: 1px solid #d0d7de; border-radius: 8px; padding: 0.7rem 0.9rem;
           margin-bottom: 0.6rem; background: #ffffff; }
.ia-card.related { border-style: dashed; background: #fafafa; }
.ia-head { font-weight: 600; margin-bottom: 0.15rem; }
.ia-num { color: #1a5fb4; margin-right: 0.35rem; }
.ia-meta { color: #57606a; font-size: 0.85em; margin-bottom: 0.45rem; }
.ia-excerpt { font-size: 0.92em; line-height: 1.45; white-space: pre-wrap; }
.ia-excerpt mark { background: #ffe066; padding: 0 1px; border-radius: 2px; }
.ia-page { font-size: 0.88em; line-height: 1.4; white-space: pre-wrap; max-height: 420px;
           overflow-y: auto; border-left: 3px solid #d0d7de; padding: 0.3rem 0.7rem;
           margin-bottom: 0.8rem; }
.ia-page mark { background: #ffe066; }
.ia-note { color: #57606a; font-style: italic; }
.ia-page .ia-open-at { display: inline-block; width: 0; height: 0; position: relative;
                       top: -4em; }
.ia-pageview { max-height: 78vh; overflow-y: auto; border: 1px solid #d0d7de;
               margin-bottom: 0.4rem; }
.ia-sheet { position: relative; }
.ia-sheet img { display: block; width: 100%; height: auto; }
.ia-hl { position: absolute; background: rgba(255, 214, 10, 0.55); mix-blend-mode: multiply;
         border-radius: 2px; }
.ia-sheet .ia-open-at { position: absolute; left: 0; width: 1px; height: 1px; }
/* Script-free scrolling: a box opens scrolled to its .ia-open-at (Chromium 133+; elsewhere the
   box opens at its top, the quote still marked). */
.ia-open-at { scroll-initial-target: nearest; }
.ia-flag { color: #8a6100; font-size: 0.8em; font-weight: 600; text-transform: uppercase; }
.ia-summary { border-left: 3px solid #8fb3e0; background: #f4f8fd; border-radius: 4px;
              padding: 0.45rem 0.75rem; margin-bottom: 0.6rem; }
.ia-summary-label { color: #57606a; font-size: 0.8em; margin-bottom: 0.2rem; }
.ia-summary-text { line-height: 1.5; }
</style>
"""


def esc(text: str) -> str:
    """Escape document text for HTML (quotes too: it may land inside an attribute)."""
    return html.escape(text, quote=True)


def md_literal(text: str) -> str:
    """Text for a Markdown-rendering widget, shown as written (no links, emphasis or HTML)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def answer_html(answer: Answer) -> str:
    """The answer's paragraphs, escaped, with each `[n]` marker styled as a citation; a list's
    items as a bulleted list; notes ("Surrey is not in the index") after it."""
    notes = "".join(f'<p class="ia-note">{esc(n)}</p>' for n in answer.notes)
    if not answer.answered:
        return f'<div class="ia-answer ia-declined">{esc(answer.answer)}{notes}</div>'
    paragraphs = [p for p in answer.answer.split("\n\n") if p.strip()]
    known = {str(c.id) for c in answer.citations}
    body = "".join(_paragraph_html(p, known) for p in paragraphs)
    return f'<div class="ia-answer">{body}{notes}</div>'


def _paragraph_html(paragraph: str, known: set[str]) -> str:
    first, *rest = paragraph.split("\n")
    if rest and all(line.startswith("- ") for line in rest):
        items = "".join(f"<li>{_markers(esc(line[2:]), known)}</li>" for line in rest)
        return f"<p>{_markers(esc(first), known)}</p><ul>{items}</ul>"
    return f"<p>{_markers(esc(paragraph), known)}</p>"


def _markers(escaped: str, known: set[str]) -> str:
    def mark(m: re.Match) -> str:
        if m.group(1) not in known:
            return m.group(0)
        return f'<span class="ia-cite">[{m.group(1)}]</span>'

    return _MARKER.sub(mark, escaped)


def highlight(excerpt: str, span: tuple[int, int] | None, *, open_at: bool = False) -> str:
    """The excerpt, escaped, with `excerpt[start:end]` wrapped in <mark>; `open_at` puts the
    point a scrolling box opens at just above the mark (an inline mark cannot be that point)."""
    if span is None:
        return esc(excerpt)
    start, end = span
    anchor = '<span class="ia-open-at"></span>' if open_at else ""
    marked = f"{anchor}<mark>{esc(excerpt[start:end])}</mark>"
    return f"{esc(excerpt[:start])}{marked}{esc(excerpt[end:])}"


def meta_line(citation: Citation) -> str:
    """Council · date · page · file, from whatever metadata the passage carries."""
    meta = citation.meta
    parts = [p for p in (meta.council, meta.type_label if meta.doc_type != "other" else "") if p]
    date = meta.published or (str(meta.year) if meta.year else "")
    if date:
        parts.append(date)
    if citation.page:
        parts.append(f"page {citation.page}")
    parts.append(citation.source)
    return " \u00b7 ".join(parts)


def card_html(citation: Citation, *, related: bool = False) -> str:
    """One source card: number, title, metadata, and the excerpt with the cited sentence marked,
    trimmed around the quote so that the quote is in view when the card opens."""
    flag = '<div class="ia-flag">Closest passage, not an answer</div>' if related else ""
    excerpt = esc(citation.excerpt) if related else card_excerpt(citation)
    number = "" if related else f'<span class="ia-num">[{citation.id}]</span>'
    classes = "ia-card related" if related else "ia-card"
    return (
        f'<div class="{classes}" id="ia-source-{citation.id}">{flag}'
        f'<div class="ia-head">{number}{esc(citation.meta.headed or citation.source)}</div>'
        f'<div class="ia-meta">{esc(meta_line(citation))}</div>'
        f'<div class="ia-excerpt">{excerpt}</div></div>'
    )


def card_excerpt(citation: Citation) -> str:
    """The excerpt around the marked quote: a sentence or so either side, cut with an ellipsis
    (the whole passage is on the page, a click away)."""
    span = citation.quote_span()
    if span is None:
        return esc(citation.excerpt)
    text, (start, end) = citation.excerpt, span
    head = _cut_before(text, start, keep=CARD_BEFORE)
    tail = _cut_after(text, end, keep=CARD_AFTER)
    lead = f"{ELLIPSIS} " if head > 0 else ""
    trail = f" {ELLIPSIS}" if tail < len(text) else ""
    return lead + highlight(text[head:tail], (start - head, end - head)) + trail


def _cut_before(text: str, start: int, *, keep: int) -> int:
    """Where the shown text begins: at most `keep` characters before the quote, at the start of
    a sentence when one begins in that range, else at a word."""
    if start <= keep:
        return 0
    window = text[start - keep : start]
    sentences = list(_SENTENCE_END.finditer(window))
    if sentences:
        return start - keep + sentences[0].end()
    space = window.find(" ")
    return start - keep + space + 1 if space >= 0 else start


def _cut_after(text: str, end: int, *, keep: int) -> int:
    """Where the shown text ends: at most `keep` characters after the quote, at the end of a
    sentence when one ends in that range, else at a word."""
    if len(text) - end <= keep:
        return len(text)
    window = text[end : end + keep]
    sentences = list(_SENTENCE_END.finditer(window))
    if sentences:
        return end + len(window[: sentences[-1].end()].rstrip())
    space = window.rfind(" ")
    return end + space if space > 0 else end


def when(timestamp: float) -> str:
    """A UTC timestamp as a short, readable date and time."""
    if not timestamp:
        return "never"
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%d %b %Y, %H:%M UTC")


def page_html(text: str, citation: Citation) -> str:
    """A whole page of the original (or a document's whole text), escaped, with the cited quote
    marked where it stands; the box opens scrolled to the quote."""
    span = (citation.start, citation.end)
    if text[citation.start : citation.end] != citation.quote:
        found = text.find(citation.quote)
        span = (found, found + len(citation.quote)) if found >= 0 and citation.quote else None
    return f'<div class="ia-page">{highlight(text, span, open_at=True)}</div>'


def page_image_html(view: PageView, *, alt: str) -> str:
    """The rendered page with a box over each quoted word. Boxes are placed in percentages of
    the page, so they stay on their words at any width. The view opens scrolled to a point a
    little above the first box (`scroll-initial-target`: no script), so the quote is in view
    with the lines that lead to it."""
    page, boxes = view.page, view.placement.boxes
    image = base64.b64encode(page.image).decode("ascii")
    marks = "".join(
        f'<span class="ia-hl" style="left:{b.left:.4%};top:{b.top:.4%};'
        f'width:{b.right - b.left:.4%};height:{b.bottom - b.top:.4%}"></span>'
        for b in boxes
    )
    if boxes:
        marks += f'<span class="ia-open-at" style="top:{max(0, boxes[0].top - PAGE_CONTEXT):.4%}">'
        marks += "</span>"
    return (
        f'<div class="ia-pageview" data-page="{page.number}"><div class="ia-sheet">'
        f'<img src="data:image/webp;base64,{image}" alt="{esc(alt)}" width="{page.width}" '
        f'height="{page.height}">{marks}</div></div>'
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
