"""Questions with two asks: split where English joins two questions, each part answered and
cited, a part the documents do not answer named."""

from __future__ import annotations

import pytest

from assistant.answering.parts import combined, parts_of
from assistant.core.answer import Answer, Citation, Decline, DeclineRule


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Which area was weakest in Devon, and what were they told to do?",
            ["Which area was weakest in Devon?", "What were they told to do?"],
        ),
        (
            "How did the panel deal with the proposal - and did anyone vote against it?",
            ["How did the panel deal with the proposal?", "Did anyone vote against it?"],
        ),
        (
            "What did inspectors find about care leavers; and how have things changed since?",
            ["What did inspectors find about care leavers?", "How have things changed since?"],
        ),
    ],
)
def test_a_question_with_two_asks_has_two_parts(question, parts):
    assert parts_of(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "What did inspectors say, and why?",  # too short to be a question of its own
        "What needs to improve in Kent and Norfolk?",  # one ask about two councils
        "How are care leavers and children in care supported?",
    ],
)
def test_one_ask_stays_one(question):
    assert parts_of(question) == [question]


def _answer(question, *quotes, declined=None):
    citations = [
        Citation(id=i, source="a.pdf", page=1, quote=q, excerpt=q, start=0, end=len(q), score=1)
        for i, q in enumerate(quotes, 1)
    ]
    text = " ".join(f"{q} [{c.id}]" for q, c in zip(quotes, citations, strict=True))
    return Answer(question, declined is None, text, citations, [], declined=declined)


def test_the_parts_answers_are_renumbered_in_order_and_a_missing_part_is_named():
    first = _answer("Which area was weakest?", "Care leavers: inadequate.", "Plans are weak.")
    second = _answer("What were they told to do?", "Improve plans.")
    missing = _answer(
        "Who chaired it?", declined=Decline(DeclineRule.NOT_SIMILAR, "Nothing is close enough.")
    )
    whole = combined("Q", [first, second, missing])
    assert whole.answered and [c.id for c in whole.citations] == [1, 2, 3]
    assert whole.answer.endswith("Improve plans. [3]")
    assert whole.notes == ["The documents do not answer “Who chaired it?” Nothing is close enough."]
    nothing = combined("Q", [missing, missing])
    assert not nothing.answered and nothing.declined.rule == DeclineRule.NOT_SIMILAR


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "What needs to improve in Havering, and how was Havering judged overall?",
        "What has Havering got to put right - and what grade did it get?",
    ],
)
def test_each_part_is_answered_and_cited(corpus_assistant, question):
    answer = corpus_assistant.ask(question)
    units = [c.unit for c in answer.citations]
    assert "item" in units and "judgement" in units
    assert units.index("item") < units.index("judgement"), "the parts in the order asked"
    assert {c.source for c in answer.citations} == {"ofsted-ilacs-havering-2024.pdf"}
