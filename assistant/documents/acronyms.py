"""Acronyms a document defines ("personal advisers (PAs)"), so a passage that only says "PAs"
is still found by a question about personal advisers. Pure functions.

Inspection reports define each acronym once and use it for the rest of the report; without this,
neither BM25 nor a small embedding model connects the two.
"""

from __future__ import annotations

import re

# Found from the "(ACRONYM)" outwards: a pattern that starts with the words before it tries a
# match at every word of the text (15 ms a pool report, more than all the rest of its parsing).
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")
_WORDS_BEFORE = re.compile(r"(?:[\w’'\-]+[ ]){1,7}$")
_REACH = 400  # characters before "(" searched for the up to seven words
_SMALL = {"of", "for", "and", "the", "in", "to", "on", "with", "a", "an", "at", "by"}


def _initials(words: list[str]) -> str:
    out = []
    for word in words:
        for part in re.split(r"[-]", word):
            if part and part.lower() not in _SMALL:
                out.append(part[0].lower())
    return "".join(out)


def find_definitions(text: str) -> dict[str, str]:
    """Map each acronym defined in `text` to its long form, e.g. {"PAs": "personal advisers"}."""
    found: dict[str, str] = {}
    for m in _ACRONYM.finditer(text):
        acronym = m.group(1)
        letters = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
        if not letters.isupper() or len(letters) < 2:
            continue
        before = _WORDS_BEFORE.search(text, max(0, m.start() - _REACH), m.start())
        if before is None:
            continue
        words = before.group().split()
        # The long form is the shortest run of preceding words whose initials spell the acronym.
        for n in range(1, len(words) + 1):
            tail = words[-n:]
            if _initials(tail) == letters.lower():
                found.setdefault(acronym, " ".join(tail).strip(" ,;:"))
                break
    return found


def expansions_for(text: str, definitions: dict[str, str]) -> str:
    """The long forms of the acronyms used in `text` and not spelled out in it ("; "-joined)."""
    used = []
    for acronym, long_form in definitions.items():
        if re.search(rf"\b{re.escape(acronym)}\b", text) and long_form.lower() not in text.lower():
            used.append(long_form)
    return "; ".join(sorted(set(used)))
