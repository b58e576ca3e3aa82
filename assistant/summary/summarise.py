"""An optional written summary of an extractive answer, checked sentence by sentence.

When ASSISTANT_LLM_URL is set, a model sees the question and the answer's numbered quotes (each
with its document's title) and nothing else, and writes one to four sentences ending in the
markers of the quotes they rest on. Each sentence is checked against those quotes
(`grounding.check`); one that fails is dropped, with the reason kept for `--json`. The verbatim
quotes are always the answer: the summary is shown above them, labelled, or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from assistant.core.answer import Answer, Summary, SummarySentence
from assistant.core.text import one_line
from assistant.summary.grounding import Verdict, check, markers_of, split_written, without_markers
from assistant.summary.writer import SummaryUnavailable, write

if TYPE_CHECKING:
    from assistant.settings import Settings

MAX_SENTENCES = 4
INSTRUCTIONS = (
    "Summarise the numbered quotes in one to four short sentences, using only what the quotes"
    " say. End each sentence with the numbers of the quotes it uses."
)
# One worked example: small models follow a shown format far better than a described one. Its
# council is invented, so a sentence copied from it fails the check.
EXAMPLE = (
    "Question: How manageable are caseloads?\nQuotes:\n"
    "[1] Example Council \u2014 inspection, 2020: \u201cSocial workers\u2019 caseloads are"
    " manageable, at around 18 children each.\u201d\n"
    "[2] Example Council \u2014 inspection, 2020: \u201cManagers review every child\u2019s plan"
    " each month.\u201d\n"
    "Summary: Social workers have manageable caseloads of around 18 children [1]. Managers"
    " review each child\u2019s plan every month [2]."
)


def summarise(answer: Answer, *, settings: Settings) -> Summary | None:
    """The checked summary of `answer`, or None when no model is set
    or there is nothing to summarise. Never raises for a slow or absent model."""
    if not settings.llm_url or not answer.answered or not answer.citations:
        return None
    started = time.perf_counter()
    try:
        reply = write(prompt_for(answer.question, answer.citations), settings=settings)
    except SummaryUnavailable as exc:
        name = settings.llm_model or settings.llm_url
        return Summary(name, error=str(exc), seconds=time.perf_counter() - started)
    summary = checked(reply.text, quotes_of(answer.citations), model=reply.model)
    return Summary(summary.model, summary.sentences, seconds=time.perf_counter() - started)


def checked(reply: str, quotes: Mapping[int, str], *, model: str) -> Summary:
    """Split the model's reply into sentences and check each; the first four count."""
    sentences, seen = [], set()
    for number, sentence in enumerate(split_written(reply)):
        body = without_markers(sentence)
        if number >= MAX_SENTENCES:
            verdict = Verdict(False, "beyond the four sentences asked for")
        elif body.lower() in seen:
            verdict = Verdict(False, "repeats an earlier sentence")
        else:
            verdict = check(sentence, quotes)
        seen.add(body.lower())
        markers = markers_of(sentence)
        sentences.append(
            SummarySentence(body, markers, verdict.kept, verdict.reason, verdict.coverage)
        )
    return Summary(model, tuple(sentences))


def quote_text(citation) -> str:
    """A quote as the model sees it, and as its sentences are checked: title, then quote."""
    return f"{one_line(citation.title or citation.source)}: \u201c{one_line(citation.quote)}\u201d"


def quotes_of(citations: Sequence) -> dict[int, str]:
    return {c.id: quote_text(c) for c in citations}


def prompt_for(question: str, citations: Sequence) -> str:
    """The whole of what the model is shown: instructions, a worked example, the question and
    the numbered quotes."""
    quotes = "\n".join(f"[{c.id}] {quote_text(c)}" for c in citations)
    return (
        f"{INSTRUCTIONS}\n\n{EXAMPLE}\n\n"
        f"Question: {one_line(question)}\nQuotes:\n{quotes}\nSummary:"
    )
