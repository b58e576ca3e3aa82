"""Is a written sentence grounded in the quotes it cites? Pure functions over plain strings.

A summary sentence is kept only when everything checkable in it can be found in the quotes its
markers name: every number, month, council, judgement grade, proper name and negation, and
enough of its other content words (`COVERAGE`, measured: docs/summaries.md). Anything
else is a claim the quotes do not make, so the sentence is dropped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.core import councils
from assistant.core.text import MONTH_NAMES, STOP_WORDS, terms

# Share of a sentence's content words (stemmed) that must occur in its cited quotes. Measured
# with bench/summaries.py: see docs/summaries.md.
COVERAGE = 0.75

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A sentence ends at . ! or ? (after any closing quote and the markers that follow it) when
# what comes next does not continue it in lower case.
_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*(?=\s+[^a-z\s]|\s*$)")
# "Summary:" and the like, which models put before what they write; not part of a sentence.
_LABEL = re.compile(r"^(?:Summary|Quotes?|Answer)\s*:\s*", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_QUANTITY_WORDS = frozenset("hundred thousand million half third quarter twice double".split())
_NEGATIONS = frozenset("not no never none nor cannot without neither".split())
_GRADES = ("outstanding", "good", "inadequate", "requires improvement")
_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019-]*")
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019]t)?")
_MONTHS = frozenset(MONTH_NAMES)
# What comes before a word that opens a sentence or a quotation: nothing, or ': “' and the like.
_OPENING = re.compile(r"(?:^|[:.!?]\s*|[\"\u201c\u2018]|\s['\u2018])\s*$")
_SUFFIXES = ("ments", "ment", "ings", "ing", "ed", "ly", "es", "s")


@dataclass(frozen=True)
class Verdict:
    """The check of one sentence: kept, or dropped with the reason."""

    kept: bool
    reason: str = ""  # why it was dropped; "" when kept
    coverage: float = 0.0  # share of its content words found in the quotes it cites


def split_written(text: str) -> list[str]:
    """A model's reply as sentences, each with the markers written after it. Markdown
    emphasis, headings and list bullets are removed first; the words are left as written."""
    lines = [re.sub(r"^\s*(?:#+|[-*\u2022]|\d+[.)])\s+", "", line) for line in text.splitlines()]
    flat = " ".join(re.sub(r"\*\*|__", "", " ".join(lines)).split())
    flat = _LABEL.sub("", flat)
    out, start = [], 0
    for m in _END.finditer(flat):
        out.append(flat[start : m.end()].strip())
        start = m.end()
    if flat[start:].strip():
        out.append(flat[start:].strip())
    return [_LABEL.sub("", s) for s in out if s]


def markers_of(sentence: str) -> tuple[int, ...]:
    """The quote numbers a sentence cites, in order, each once: "[1][3]", "[1, 3]"."""
    numbers = (int(n) for group in _MARKERS.findall(sentence) for n in re.split(r"[,;]", group))
    return tuple(dict.fromkeys(numbers))


def without_markers(sentence: str) -> str:
    """The sentence's words alone: markers removed, no space left before punctuation."""
    bare = _MARKERS.sub("", sentence)
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(bare.split())).strip()


def check(sentence: str, quotes: Mapping[int, str], *, threshold: float = COVERAGE) -> Verdict:
    """Check `sentence` (with its markers) against `quotes`, the text of each numbered quote
    as the writer saw it (its document's title, then the quote)."""
    markers = markers_of(sentence)
    if not markers:
        return Verdict(False, "no marker: it does not say which quote it rests on")
    unknown = [m for m in markers if m not in quotes]
    if unknown:
        return Verdict(False, f"cites [{unknown[0]}], which is not one of the quotes")
    body = without_markers(sentence)
    evidence = "\n".join(quotes[m] for m in markers)
    for kind, missing in _missing_facts(body, evidence):
        if missing:
            return Verdict(False, f"{kind} not in the quotes it cites: {', '.join(missing)}")
    coverage = content_coverage(body, evidence)
    if coverage is None:
        return Verdict(False, "nothing to check: no content words")
    if coverage < threshold:
        return Verdict(
            False, f"only {coverage:.0%} of its content words are in the quotes", coverage
        )
    return Verdict(True, "", coverage)


def _missing_facts(body: str, evidence: str) -> list[tuple[str, list[str]]]:
    """Each kind of fact that must be found word for word, with what of it is missing."""
    months, named, grades = months_in(evidence), councils.named(evidence), grades_in(evidence)
    return [
        ("number", sorted(numbers_in(body) - numbers_in(evidence))),
        ("date", [m for m in months_in(body) if m not in months]),
        ("council", [c for c in councils.named(body) if c not in named]),
        ("judgement", [g for g in grades_in(body) if g not in grades]),
        ("name", [n for n in names_in(body) if not _has_word(evidence, n)]),
        ("negation", sorted(negations_in(body)) if not negations_in(evidence) else []),
    ]


def numbers_in(text: str) -> set[str]:
    """Numbers written in digits or as words (one to twenty), as digit strings: "1,200" and
    "1200" are one number; quantity words ("half", "hundred") are kept as words."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for word in _WORD.findall(text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
        elif word in _QUANTITY_WORDS:
            found.add(word)
    return found


def months_in(text: str) -> list[str]:
    """Month names, capitalised as dates are ("May", not the verb "may")."""
    return [w for w in _CAPITALISED.findall(text) if w in _MONTHS]


def grades_in(text: str) -> list[str]:
    low = text.lower()
    return [g for g in _GRADES if re.search(rf"\b{g}\b", low)]


def negations_in(text: str) -> set[str]:
    found = {w for w in _WORD.findall(text.lower()) if w in _NEGATIONS or w.endswith("n't")}
    return found | ({"n't"} if re.search(r"n['\u2019]t\b", text.lower()) else set())


def names_in(text: str) -> list[str]:
    """Capitalised words other than those opening the sentence or a quotation in it (which
    any sentence capitalises), plus opening words in capitals ("SEND", "PAs"): names the quotes
    must contain."""
    out = []
    for m in _CAPITALISED.finditer(text):
        word = m.group(0).rstrip("'\u2019-")
        acronym = sum(c.isupper() for c in word) >= 2
        opening = _OPENING.search(text[: m.start()]) is not None
        if (opening and not acronym) or word in _MONTHS:
            continue
        if word.lower() in STOP_WORDS and not acronym:
            continue
        out.append(word)
    return list(dict.fromkeys(out))


def content_coverage(body: str, evidence: str) -> float | None:
    """Share of the body's content words (stemmed, digits aside) found in the evidence; None
    when the body has none."""
    wanted = [_stem(t) for t in terms(body) if not t.isdigit() and t not in _NUMBER_WORDS]
    if not wanted:
        return None
    have = {_stem(t) for t in terms(evidence)}
    return sum(w in have for w in wanted) / len(wanted)


def _stem(word: str) -> str:
    # Crude on purpose: "improved", "improving" and "improvement" must meet; both sides are
    # cut the same way, so an over-cut stem can only match another form of the same word.
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 5 else word


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None
