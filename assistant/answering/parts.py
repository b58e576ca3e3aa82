"""Questions with two asks ("what did the manager report about reoffending, and what happened to
the children held at Cookham Wood?"): each part answered on its own, each with its citations,
and a part the documents do not answer said so. Pure functions.

A part is found by how English joins two questions: a comma or semicolon, then "and" and a
question word or auxiliary opening the second ask. The second part is placed as the first is
(its council, dates and kind of document), since a reader does not repeat them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.core.answer import Answer, Citation

# ", and what ...", "; and how ...", " - and did ...": where a second question begins.
_SECOND_ASK = re.compile(
    r"(?:[,;]|\s[-–—])\s+and\s+(?=(?:what|how|why|which|who|whom|when|where|whether|did|does|do"
    r"|is|are|was|were|has|have|had|can|could|will|would)\b)",
    re.I,
)
MIN_WORDS = 4  # a shorter tail ("and why?") is one question, not two


def parts_of(question: str) -> list[str]:
    """The asks of a question, in order; the question itself when it asks one thing."""
    pieces = _SECOND_ASK.split(question.strip())
    if len(pieces) < 2 or any(len(p.split()) < MIN_WORDS for p in pieces):
        return [question]
    first = pieces[0].rstrip(" ,;?") + "?"
    return [first, *(p[0].upper() + p[1:] for p in pieces[1:])]


def combined(question: str, answers: list[Answer]) -> Answer:
    """One answer of the parts' answers: each answered part's text and citations, renumbered in
    order; each declined part named in a note with its reason. A question no part of which is
    answered is declined as its first part was."""
    answered = [a for a in answers if a.answered]
    if not answered:
        first = answers[0]
        return replace(first, question=question)
    citations: list[Citation] = []
    texts: list[str] = []
    notes: list[str] = []
    for part in answers:
        if not part.answered:
            reason = part.declined.message if part.declined else ""
            notes.append(f"The documents do not answer “{part.question}” {reason}".rstrip())
            continue
        offset = len(citations)
        citations += [replace(c, id=c.id + offset) for c in part.citations]
        texts.append(_renumbered(part.answer, offset))
        notes += part.notes
    return Answer(
        question,
        True,
        "\n\n".join(texts),
        citations,
        [],
        shape=answered[0].shape,
        notes=list(dict.fromkeys(notes)),
    )


def _renumbered(text: str, offset: int) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", text)
