"""Whether a council paper marks itself exempt: "not for publication" under Schedule 12A of the
Local Government Act 1972.

A council may withhold a committee paper whose information is exempt (a person's affairs, a
contract's terms, legal advice). Such a paper says so where papers are classified: a label in
its title block or page header ("NOT FOR PUBLICATION", "Part 2 – Exempt"), a front-matter field
("Classification: Restricted"), or a sentence that makes the paper its subject ("This report
contains exempt information by virtue of paragraph 3 ..."). The product restricts a paper so
marked to a configured group, so a wrong answer either hides a public paper or shows a private
one.

Public papers use the same words about something else, so a mention is not a marking: a record
of decision's form reads "For publication [Do not include information which is exempt ...]",
minutes record that the public were excluded for a later item, an agenda heads its "Exempt
items", a report lists its exempt appendix. Only the front of the paper is read, and a phrase
counts only in the shape of a classification, never as words in a sentence about other things.

Pages are the reader's cleaned pages (`readers.read_document`). Cleaning drops a line repeated
at the edge of most pages, so a marking printed only as a running header on every page of a
long paper is gone before it gets here; a marking on the front page survives.
"""

from __future__ import annotations

import re

MAX_MARKING = 160
FRONT_PAGES = 2  # a cover sheet and the report's first page
TITLE_LINES = 12  # a paper's title block: Kent's cover fields end by about line 10
EDGE_LINES = 3  # page headers and footers

_WORD = (
    r"(?:private\s+and\s+confidential|not\s+for\s+publication"
    r"|exempt(?:\s+(?:information|from\s+publication|report|minutes))?"
    r"|restricted|confidential|part\s*(?:2|ii|two)(?:\s+report)?)"
)
_SEP_CHAR = r"[\s\-–—:/,()\[\]|.]"
_SEP = _SEP_CHAR + "+"
_WORDS = rf"{_WORD}(?:{_SEP}{_WORD})*"
_CITE_START = (
    r"(?:by\s+virtue|under|pursuant|paragraphs?(?:\(s\))?\s+\d|as\s+defined|in\s+accordance)\b"
)

# A label is nothing but marking words, or marking words followed by the statute they rely on:
# "Confidential information about children ..." and "Part 2: Seashells" are prose and headings.
_LABEL = re.compile(rf"^[\W_]*(?P<mark>{_WORDS})(?={_SEP_CHAR}*(?:$|{_CITE_START}))", re.I)
_FIELD = re.compile(
    rf"\b(?:security\s+)?(?:classification|status|protective\s+marking)\s*:\s*(?P<mark>{_WORDS})\b",
    re.I,
)
# Forms ask the question and print the answer: only a "Yes" marks the paper.
_ANSWER = re.compile(
    r"^[^?:]{0,80}\b(?:exempt|confidential|restricted|not\s+for\s+publication)\b[^?:]{0,60}[?:]"
    r"\s*yes\b",
    re.I,
)
_STATEMENT = re.compile(
    r"\bthis\s+(?:report|paper|document|decision|record|submission|briefing\s+note)\b"
    r"(?P<verb>[^.;]{0,60}?)\b(?:exempt|not\s+for\s+publication|restricted|confidential)\b",
    re.I,
)
_VERB = re.compile(r"\b(?:is|are|was|be|been|contains?|includes?|marked|classified)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|no|non|never)\b|n't\b", re.I)
_CITATION_LINE = re.compile(r"^[\W_]*by\s+virtue\s+of\s+paragraphs?(?:\(s\))?\s+\d", re.I)
_CITATION = re.compile(
    rf"[^.;\n]{{0,25}}?{_CITE_START}[^.;\n]{{0,140}}?(?:schedule\s+12a|section\s+100[a-i]|act,?\s+1972)"
    r"(?:\s+(?:of|to)\s+the\s+local\s+government\s+act,?\s+1972)?",
    re.I,
)
# What else exempt wording is about: the public leaving for an item, an appendix, a form's note.
_ELSEWHERE = re.compile(
    r"\b(?:exclu(?:de|ded|sion)|items?|appendix|appendices|annex(?:es)?"
    r"|attachments?|enclosures?|background\s+papers?|do\s+not\s+include)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!])\s+(?=[A-Z])")
# A form's bracketed guidance to its author ("[Do not include information which is exempt ...]")
# is not the paper's content: the words either side of it are read apart.
_INSTRUCTION = re.compile(r"\[[^\]]{25,}\]")


def exempt_marking(pages: list[str]) -> str:
    """The paper's own exempt marking as printed (verbatim, at most ~160 characters), or ''."""
    for line, is_label_place in _front_lines(pages):
        for sentence in _SENTENCE_END.split(line):
            for part in _INSTRUCTION.split(sentence):
                marking = _marking_in(part.strip(), is_label_place)
                if marking:
                    return marking
    return ""


def _front_lines(pages: list[str]):
    """Lines where a paper classifies itself, each with whether a bare label may stand there."""
    for number, page in enumerate(pages):
        lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
        for index, line in enumerate(lines):
            at_edge = index < EDGE_LINES or index >= len(lines) - EDGE_LINES
            in_title = number == 0 and index < TITLE_LINES
            if number < FRONT_PAGES or at_edge:
                # Mid-page, a bare "NOT FOR PUBLICATION" heads an agenda's section, not the paper.
                yield line, at_edge or in_title


def _marking_in(sentence: str, is_label_place: bool) -> str:
    if _ELSEWHERE.search(sentence):
        return ""
    field = _FIELD.search(sentence)
    if field:
        return _excerpt(sentence, field.start(), field.end())
    answer = _ANSWER.search(sentence)
    if answer:
        return _excerpt(sentence, answer.start(), answer.end())
    label = _LABEL.search(sentence) if is_label_place else None
    if label and not re.fullmatch(r"part\s*(?:2|ii|two)", label["mark"], re.I):
        return _excerpt(sentence, label.start("mark"), label.end("mark"))
    if _CITATION_LINE.search(sentence):
        return _excerpt(sentence, 0, len(sentence))
    return _statement(sentence)


def _statement(sentence: str) -> str:
    for found in _STATEMENT.finditer(sentence):
        verb = found["verb"]
        if _VERB.search(verb) and not _NEGATED.search(verb):
            return _excerpt(sentence, found.start(), found.end())
    return ""


def _excerpt(text: str, start: int, end: int) -> str:
    """The marking, with the statute it cites when that follows, cut at a word to fit."""
    citation = _CITATION.match(text, end)
    if citation:
        end = citation.end()
    while text[end : end + 1] in (")", "]") and _opened(text[start:end]):
        end += 1
    excerpt = text[start:end].strip(" \t-–—:,")
    if len(excerpt) > MAX_MARKING:
        excerpt = excerpt[:MAX_MARKING].rsplit(" ", 1)[0]
    return excerpt


def _opened(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")
