"""Passages: the retrievable unit. A run of quotable units (sentences, list items, judgement
statements) of one section on one page, with exact offsets; each knows its section's headings.

Passages never cross a heading: a section's list stays together, and every passage can be put
in context ("Kent — ILACS inspection, 2026 › What needs to improve?") when it is embedded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.core.passage import Passage, Unit, UnitKind
from assistant.core.sentences import Span, estimate_tokens, split_sentences
from assistant.documents.acronyms import expansions_for, find_definitions
from assistant.documents.structure import Block, outline

if TYPE_CHECKING:  # the readers are ingest's: a question's process does not load them
    from assistant.documents.readers import Document

# Bump when passages are made differently: documents indexed in another layout are indexed
# again by the next ingest, unchanged files included.
LAYOUT_VERSION = 2  # 2: sections, units, context headers


def layout(*, max_tokens: int, contextual: bool) -> str:
    """How passages are cut and embedded, as recorded with each document."""
    return f"{LAYOUT_VERSION}:{max_tokens}:{'context' if contextual else 'plain'}"


def passages_of(document: Document, *, max_tokens: int) -> list[Passage]:
    """Split a cleaned document into passages, page by page, section by section."""
    whole = "\n".join(p.text for p in document.pages)
    definitions = find_definitions(whole)
    out: list[Passage] = []
    blocks_per_page = outline([p.text for p in document.pages])
    for page, blocks in zip(document.pages, blocks_per_page, strict=True):
        for section, units in _pack(page.text, blocks, max_tokens=max_tokens):
            start, end = units[0].start, units[-1].end
            text = page.text[start:end]
            out.append(
                Passage(
                    id=f"{document.doc_id}:{len(out):05d}",
                    doc_id=document.doc_id,
                    source=document.source,
                    page=page.number,
                    ordinal=len(out),
                    start=start,
                    end=end,
                    text=text,
                    meta=document.meta,
                    section=section,
                    units=tuple(units),
                    aka=expansions_for(text, definitions),
                )
            )
    return out


def units_of(text: str, block: Block, *, max_tokens: int) -> list[Unit]:
    """A block's quotable units: a paragraph's sentences, or the item or statement whole (cut
    at word boundaries if it alone is over the passage budget, as a table run-on can be)."""
    if block.kind == UnitKind.TEXT:
        body = text[block.start : block.end]
        spans = [Span(block.start + s.start, block.start + s.end) for s in split_sentences(body)]
        kind = UnitKind.SENTENCE
    else:
        spans, kind = [Span(block.start, block.end)], block.kind
    return [Unit(kind, s.start, s.end) for s in _cap_long(text, spans, max_tokens=max_tokens)]


def _pack(
    text: str, blocks: list[Block], *, max_tokens: int
) -> list[tuple[tuple[str, ...], list[Unit]]]:
    """Consecutive units of one section, up to ~max_tokens each, never splitting a unit; a
    heading opens a new passage, and a passage holding nothing but headings is dropped."""
    packed: list[tuple[tuple[str, ...], list[Unit]]] = []
    current: list[Unit] = []
    section: tuple[str, ...] = ()
    used = 0

    def close() -> None:
        if any(u.kind != UnitKind.HEADING for u in current):
            packed.append((section, list(current)))

    for block in blocks:
        if current and (block.opens or block.section != section):
            close()
            current, used = [], 0
        section = block.section
        for unit in units_of(text, block, max_tokens=max_tokens):
            cost = estimate_tokens(text[unit.start : unit.end])
            if current and used + cost > max_tokens:
                close()
                current, used = [], 0
            current.append(unit)
            used += cost
    if current:
        close()
    return packed


def _cap_long(text: str, spans: list[Span], *, max_tokens: int) -> list[Span]:
    out: list[Span] = []
    max_words = max(8, int(max_tokens / 1.3))
    for span in spans:
        if estimate_tokens(span.of(text)) <= max_tokens:
            out.append(span)
            continue
        words = [m.span() for m in re.finditer(r"\S+", span.of(text))]
        for i in range(0, len(words), max_words):
            chunk = words[i : i + max_words]
            out.append(Span(span.start + chunk[0][0], span.start + chunk[-1][1]))
    return out


def pack_sentences(text: str, *, max_tokens: int) -> list[Span]:
    """Passage spans over plain prose (one section, no structure): whole sentences packed up to
    ~max_tokens, an overlong one cut at word boundaries."""
    block = Block(UnitKind.TEXT, 0, len(text))
    return [
        Span(units[0].start, units[-1].end)
        for _, units in _pack(text, [block], max_tokens=max_tokens)
    ]
