"""Follow-up questions: carry the councils and years of earlier turns into a question that
names none ("And what did they say about care leavers?" after a question about Kent)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.intent import Scope, scope_of

_FOLLOW_UP = re.compile(
    r"^\s*(and|also|what about|how about|so|then|but)\b"
    r"|\b(they|their|them|it|its|there|that council|the council|this council|same)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """A previous exchange: the question asked (and, optionally, its answer)."""

    question: str
    answer: object | None = None


@dataclass(frozen=True)
class Contextualised:
    """The question to retrieve with, and the scope it inherits from the conversation."""

    query: str
    scope: Scope


def contextualise(question: str, history: list[Turn] | None) -> Contextualised:
    """Add the most recent earlier scope to a follow-up that names no council or year itself."""
    own = scope_of(question)
    if own.councils or not history or not _FOLLOW_UP.search(question):
        return Contextualised(question, own)
    for turn in reversed(history):
        earlier = scope_of(turn.question)
        if earlier.councils:
            scope = Scope(earlier.councils, own.years or earlier.years)
            names = ", ".join(earlier.councils)
            return Contextualised(f"{question} ({names})", scope)
    return Contextualised(question, own)
