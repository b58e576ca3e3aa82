"""Where a quote stands on a page: the page's characters with their boxes in, the boxes of the
quoted words out, or nothing when the words cannot be placed.

A citation quotes the *cleaned* text (wrapped lines re-joined, hyphens mended, running headers
dropped, whitespace normalised), while a PDF's characters come as printed: broken across lines,
hyphenated, with ligatures and curly quotes. Both sides are therefore folded to a stream of
letters and digits only (see `fold`), which every one of those differences leaves unchanged, and
the quote is looked for in the page's stream. A match means the same words in the same order;
where the page holds the quote more than once, the words around the quote decide, and a tie is
reported as not placed rather than guessed.

Pure functions over plain values: no PDF library here (`page_images` reads real pages).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

CONTEXT_CHARS = 80  # folded characters of context either side that decide between repeats


@dataclass(frozen=True)
class Box:
    """A rectangle as fractions of the rendered page, origin at the top left."""

    left: float
    top: float
    right: float
    bottom: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class PageChar:
    """One character as the PDF reports it; `box` is None for characters the text extractor
    generated (spaces and line breaks that are not printed)."""

    text: str
    box: Box | None


@dataclass(frozen=True)
class Placement:
    """The quote's words on the page (one box per word piece), or why they could not be placed."""

    boxes: tuple[Box, ...] = ()
    reason: str = ""

    @property
    def placed(self) -> bool:
        return bool(self.boxes)


def fold(text: str) -> str:
    """Letters and digits only, lower case, ligatures expanded, accents dropped: what a cleaned
    quote and its printed page have in common."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


def locate(
    chars: Sequence[PageChar], quote: str, *, before: str = "", after: str = ""
) -> Placement:
    """The boxes of `quote` on a page of `chars`. `before` and `after` are the cleaned text
    around the quote (its passage), used only to choose between repeats of the same words."""
    wanted = fold(quote)
    if not wanted:
        return Placement(reason="the quote has no words to look for")
    stream, owners = _folded_stream(chars)
    starts = _occurrences(stream, wanted)
    if not starts:
        return Placement(reason="the quoted words were not found on the page")
    start = _choose(stream, starts, len(wanted), fold(before), fold(after))
    if start is None:
        return Placement(reason="the quoted words occur more than once on the page")
    first, last = owners[start], owners[start + len(wanted) - 1]
    first, last = _widen_to_punctuation(chars, first, last, quote)
    return Placement(boxes=tuple(word_boxes(chars[first : last + 1])))


def _folded_stream(chars: Sequence[PageChar]) -> tuple[str, list[int]]:
    """The page folded, and for each folded character the index of the page character it
    came from (a ligature gives two or three folded characters with one owner)."""
    pieces: list[str] = []
    owners: list[int] = []
    for index, char in enumerate(chars):
        folded = fold(char.text)
        pieces.append(folded)
        owners.extend([index] * len(folded))
    return "".join(pieces), owners


def _occurrences(stream: str, wanted: str) -> list[int]:
    found, at = [], stream.find(wanted)
    while at >= 0:
        found.append(at)
        at = stream.find(wanted, at + 1)
    return found


def _choose(stream: str, starts: list[int], length: int, before: str, after: str) -> int | None:
    """The one occurrence whose neighbours agree best with the quote's own; None on a tie."""
    if len(starts) == 1:
        return starts[0]
    before, after = before[-CONTEXT_CHARS:], after[:CONTEXT_CHARS]
    scores = {
        start: _common_suffix(stream[:start], before)
        + _common_prefix(stream[start + length :], after)
        for start in starts
    }
    best = max(scores.values())
    winners = [start for start, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _widen_to_punctuation(
    chars: Sequence[PageChar], first: int, last: int, quote: str
) -> tuple[int, int]:
    """Take in the printed punctuation the quote itself starts or ends with (a full stop, a
    closing quotation mark), which folding left out of the match."""
    stripped = quote.strip()
    if stripped and not stripped[-1].isalnum():
        while last + 1 < len(chars) and _is_punctuation(chars[last + 1]):
            last += 1
    if stripped and not stripped[0].isalnum():
        while first > 0 and _is_punctuation(chars[first - 1]):
            first -= 1
    return first, last


def _is_punctuation(char: PageChar) -> bool:
    return char.box is not None and not char.text.isspace() and not fold(char.text)


def word_boxes(chars: Sequence[PageChar]) -> list[Box]:
    """One box per printed word piece: runs of characters between spaces, split where the
    text moves to another line (a hyphenated word gives one box on each line)."""
    boxes: list[Box] = []
    current: Box | None = None
    for char in chars:
        printed = char.box is not None and not char.text.isspace()
        if current is not None and not (printed and _same_line(current, char.box)):
            boxes.append(current)
            current = None
        if printed:
            current = char.box if current is None else current.union(char.box)
    if current is not None:
        boxes.append(current)
    return boxes


def _same_line(word: Box, char: Box) -> bool:
    """The character continues the word's line: it overlaps vertically and does not go back."""
    overlap = min(word.bottom, char.bottom) - max(word.top, char.top)
    return overlap > 0.5 * min(word.height, char.height) and char.left >= word.left
