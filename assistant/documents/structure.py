"""The structure of a report, read from its cleaned text: headings and the sections under them,
list items, and judgement statements (grade-table rows, graded headings, headline verdicts).

Inspection reports and letters are built the same way every time: a grade table, then sections
under short headings ("What needs to improve?", "Main findings"), each holding paragraphs or a
list of items. After cleaning, each paragraph, list item and table cell is one line, so the
structure can be read line by line: a heading is a short line that does not end a sentence; an
item starts with a bullet; a judgement names a graded area with its grade. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.judgements import grade_only, is_graded_heading, is_row_label, states_judgement
from assistant.core.passage import UnitKind
from assistant.core.sentences import split_sentences

_BULLET = re.compile(r"([•●▪◦■□◼➢►\-–*]|\uf0b7|\uf0a7)\s+")
_NUMBERED = re.compile(r"(\d{1,2}|[a-h])[.)]\s+")
_FOOTNOTE = re.compile(r"(?<=[?a-z])\d{1,2}$")  # "What needs to improve?1"
_LETTER_OPENING = re.compile(r"Dear\s+\S")
_ENDS_SENTENCE = tuple(".,;:!\"'”’")
_DANGLING = frozenset("a an the of to in on for and or with by at from as that which".split())
MAX_HEADING_WORDS = 14
MAX_ITEM_WORDS = 60  # longer bulleted or numbered lines are paragraphs, not list items
MAX_DEPTH = 3


@dataclass(frozen=True)
class Block:
    """A line of a page as the report means it. `page_text[start:end]` is the block's text
    (a list item without its bullet; a table row may span its label and grade lines)."""

    kind: UnitKind  # not SENTENCE
    start: int
    end: int
    section: tuple[str, ...] = ()  # the headings it sits under; a heading's ends with itself
    opens: bool = False  # it heads its section (a heading, or a graded heading)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def outline(pages: list[str]) -> list[list[Block]]:
    """The blocks of each page, in order; sections carry over from one page to the next."""
    reader = _Reader()
    return [reader.page(text, first=number == 0) for number, text in enumerate(pages)]


def heading_text(line: str) -> str:
    """A heading as it is shown in a section path: footnote markers dropped."""
    return _FOOTNOTE.sub("", line.strip())


def is_heading(line: str, *, last_on_page: bool = False) -> bool:
    """A short line that does not end a sentence: a section heading (or the report's title)."""
    text = heading_text(line)
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > 120 or last_on_page:
        return False
    if not text[0].isupper() or text.endswith(_ENDS_SENTENCE) or grade_only(text):
        return False
    if ": " in text and not states_judgement(text):  # "Lead inspector: ...", "Decision No: 24"
        return False
    if words[-1].lower() in _DANGLING or text[-1].isdigit():  # a broken line, a contents entry
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text.replace(" ", "")) and (len(words) > 1 or len(text) >= 6)


class _Reader:
    """Walks the pages of one document, keeping the current section path."""

    def __init__(self) -> None:
        self.path: tuple[str, ...] = ()
        self.after_heading = False

    def page(self, text: str, *, first: bool) -> list[Block]:
        lines = _lines(text)
        opening = _letter_opening(lines) if first else 0
        blocks = [Block(UnitKind.TEXT, ln.start, ln.end, ()) for ln in lines[:opening]]
        i = opening
        while i < len(lines):
            block, used = self._block(lines, i)
            blocks.append(block)
            i += used
        return _numbered_lists(blocks, text)

    def _block(self, lines: list[_Line], i: int) -> tuple[Block, int]:
        line, following = lines[i], lines[i + 1] if i + 1 < len(lines) else None
        if is_row_label(line.text) and following and grade_only(following.text):
            return self._body(UnitKind.JUDGEMENT, line.start, following.end), 2
        if states_judgement(line.text):
            if is_graded_heading(line.text):  # "...children in care: outstanding" opens a section
                self._enter(heading_text(line.text))
                return Block(UnitKind.JUDGEMENT, line.start, line.end, self.path, opens=True), 1
            return self._body(UnitKind.JUDGEMENT, line.start, line.end), 1
        bullet = _BULLET.match(line.text)
        if bullet:
            end, used = line.end, 1
            while i + used < len(lines) and lines[i + used].text.startswith("("):
                end, used = lines[i + used].end, used + 1  # "(outcome 4, national framework)"
            # A bulleted paragraph (letters of 2020-21 bullet every finding) is prose.
            long = len(line.text.split()) > MAX_ITEM_WORDS
            return self._body(
                UnitKind.TEXT if long else UnitKind.ITEM, line.start + bullet.end(), end
            ), used
        if _opens_section(lines, i):
            self._enter(heading_text(line.text))
            return Block(UnitKind.HEADING, line.start, line.end, self.path, opens=True), 1
        return self._body(UnitKind.TEXT, line.start, line.end), 1

    def _body(self, kind: str, start: int, end: int) -> Block:
        self.after_heading = False
        return Block(kind, start, end, self.path)

    def _enter(self, heading: str) -> None:
        # A heading straight after another is its sub-heading; after body text, a new section.
        parent = self.path[-(MAX_DEPTH - 1) :] if self.after_heading else ()
        self.path = (*parent, heading)
        self.after_heading = True


def _opens_section(lines: list[_Line], i: int) -> bool:
    """A heading-like line followed by body text, directly or under one sub-heading: a run of
    short lines (an address block, a table) holds no headings."""
    if not is_heading(lines[i].text, last_on_page=i + 1 >= len(lines)):
        return False
    after = lines[i + 1 : i + 3]
    if _is_body(after[0].text):
        return True
    return len(after) == 2 and is_heading(after[0].text) and _is_body(after[1].text)


def _is_body(line: str) -> bool:
    """Paragraph text, a list item or a judgement: what a section holds."""
    if _BULLET.match(line) or states_judgement(line) or is_row_label(line):
        return True
    return len(line.split()) >= 8 or line.rstrip().endswith(_ENDS_SENTENCE)


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for part in text.split("\n"):
        stripped = part.strip()
        if stripped:
            start = pos + part.index(stripped[0])
            out.append(_Line(start, start + len(stripped), stripped))
        pos += len(part) + 1
    return out


def _letter_opening(lines: list[_Line]) -> int:
    """Lines before a letter's "Dear ..." line (its date and addresses) hold no headings."""
    for i, line in enumerate(lines[:30]):
        if _LETTER_OPENING.match(line.text):
            return i + 1
    return 0


def _numbered_lists(blocks: list[Block], text: str) -> list[Block]:
    """Numbered lines are list items when two or more follow each other, from 1 (or a), most
    of one sentence: a report's numbered paragraphs run to several sentences, are broken by
    unnumbered ones, and are numbered through the whole report."""
    out = list(blocks)
    i = 0
    while i < len(out):
        run = _numbered_run(out, i, text)
        if not run:
            i += 1
            continue
        first = _NUMBERED.match(text, out[i].start)
        if first and first.group(1) in ("1", "a") and len(run) > 1 and _list_like(run, text):
            for j, b in enumerate(run, i):
                marker = _NUMBERED.match(text, b.start)
                out[j] = Block(UnitKind.ITEM, marker.end(), b.end, b.section, b.opens)
        i += len(run)
    return out


def _list_like(run: list[Block], text: str) -> bool:
    """Items are one short sentence each; numbered paragraphs are several sentences."""
    single = 0
    for b in run:
        body = text[b.start : b.end]
        if len(body.split()) > MAX_ITEM_WORDS:
            return False
        single += len(split_sentences(body)) <= 2  # the number itself splits off as "1."
    return single >= 0.75 * len(run)


def _numbered_run(blocks: list[Block], i: int, text: str) -> list[Block]:
    run = []
    for b in blocks[i:]:
        if (
            b.kind != UnitKind.TEXT
            or not _NUMBERED.match(text, b.start)
            or b.section != blocks[i].section
        ):
            break
        run.append(b)
    return run
