"""HTML for the chat page: answers with citation markers, and source cards with the quote marked.

Everything that comes from a document is HTML-escaped first; only then is our own markup added,
so a report containing `<script>` or `<img onerror=...>` is shown as text and never run.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from assistant.citations import Answer, Citation

_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$])")

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
.ia-flag { color: #8a6100; font-size: 0.8em; font-weight: 600; text-transform: uppercase; }
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


def highlight(excerpt: str, span: tuple[int, int] | None) -> str:
    """The excerpt, escaped, with `excerpt[start:end]` wrapped in <mark>."""
    if span is None:
        return esc(excerpt)
    start, end = span
    return f"{esc(excerpt[:start])}<mark>{esc(excerpt[start:end])}</mark>{esc(excerpt[end:])}"


def quote_span(citation: Citation) -> tuple[int, int] | None:
    """Where the quote is in the excerpt: the recorded offsets, else a search, else None."""
    start, end = citation.quote_in_excerpt
    if 0 <= start < end <= len(citation.excerpt) and citation.excerpt[start:end] == citation.quote:
        return start, end
    found = citation.excerpt.find(citation.quote)
    return (found, found + len(citation.quote)) if found >= 0 and citation.quote else None


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
    """One source card: number, title, metadata, and the excerpt with the cited sentence marked."""
    flag = '<div class="ia-flag">Closest passage, not an answer</div>' if related else ""
    excerpt = (
        esc(citation.excerpt) if related else highlight(citation.excerpt, quote_span(citation))
    )
    number = "" if related else f'<span class="ia-num">[{citation.id}]</span>'
    classes = "ia-card related" if related else "ia-card"
    return (
        f'<div class="{classes}" id="ia-source-{citation.id}">{flag}'
        f'<div class="ia-head">{number}{esc(citation.title or citation.source)}</div>'
        f'<div class="ia-meta">{esc(meta_line(citation))}</div>'
        f'<div class="ia-excerpt">{excerpt}</div></div>'
    )


def when(timestamp: float) -> str:
    """A UTC timestamp as a short, readable date and time."""
    if not timestamp:
        return "never"
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%d %b %Y, %H:%M UTC")


def page_html(text: str, citation: Citation) -> str:
    """A whole page of the original, escaped, with the cited quote marked where it stands."""
    span = (citation.start, citation.end)
    if text[citation.start : citation.end] != citation.quote:
        found = text.find(citation.quote)
        span = (found, found + len(citation.quote)) if found >= 0 and citation.quote else None
    return f'<div class="ia-page">{highlight(text, span)}</div>'


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
