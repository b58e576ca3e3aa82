"""Hybrid retrieval, sentence selection, abstention and follow-ups.

Pure rules are tested with literals; behaviour is tested on the real model over a real Chroma
index of the sample corpus (the session's `corpus_assistant`).
"""

from dataclasses import replace

import pytest

from assistant.answering.compose import Chosen, compose
from assistant.answering.conversation import Turn
from assistant.answering.intent import Scope, admits, named_kinds, topic_of
from assistant.answering.intent import understand as understand_question
from assistant.answering.policy import AnswerPolicy
from assistant.answering.quantities import COUNT, SHARE, about
from assistant.answering.quantities import holds as holds_quantity
from assistant.answering.retrieval import Hit
from assistant.answering.selection import Candidate, is_statement, originals, select
from assistant.core.access import OPERATOR
from assistant.core.meta import DocumentMeta
from assistant.core.passage import Passage
from assistant.core.sentences import Span


def passage(text: str, *, doc: str = "d1", start: int = 0, **fields) -> Passage:
    return Passage(
        id=f"{doc}:00000",
        doc_id=doc,
        source=f"{doc}.pdf",
        page=1,
        ordinal=0,
        start=start,
        end=start + len(text),
        text=text,
        meta=DocumentMeta(title=doc.upper(), **fields),
    )


def in_scope(p: Passage, scope: Scope | None, *, kinds: set[str] | None = None) -> bool:
    intent = replace(understand_question("q", scope=scope or Scope()), kinds=frozenset(kinds or ()))
    return admits(intent, p.meta, p.text)


def candidate(p: Passage, sentence: str, score: float) -> Candidate:
    at = p.text.index(sentence) + p.start
    return Candidate(Hit(p, 0.03, 0.5), Span(at, at + len(sentence)), sentence, score=score)


# --- pure rules --------------------------------------------------------------------------


def test_question_kinds_are_named_only_when_specific():
    assert named_kinds("What did the area SEND inspection of Leeds find?") == {"area_send"}
    assert named_kinds("Between the 2018 inspection and the focused visits...") == {
        "focused_visit",
        "full_inspection",
    }
    assert named_kinds("What did the inspection say about caseloads?") == set()


def test_a_length_of_time_is_no_count():
    assert not holds_quantity(COUNT, "Children known to services for over nine months are seen.")
    assert holds_quantity(COUNT, "Nine children had been known to services for over a year.")


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("How many agency social workers does Liverpool employ?", {"agency", "social", "worker"}),
        ("What proportion of Kent's care leavers are in work?", {"care", "leaver", "work"}),
        ("How much did Devon spend on agency staff in 2024?", {"agency", "staff"}),
    ],
)
def test_a_quantity_question_knows_what_it_counts(question, thing):
    intent = understand_question(question)
    assert thing <= set(intent.counted)
    assert not {"liverpool", "kent", "devon", "2024"} & set(intent.counted), "placing words"


def test_a_number_of_another_thing_is_no_answer():
    children_in_care = understand_question("How many children were in care in Leeds in 2022?")
    assert about(children_in_care.counted, "There were 812 children in care in March 2022.")
    assert not about(children_in_care.counted, "420 children were on child protection plans.")
    dated = understand_question("When did inspectors visit Leeds to look at children in care?")
    assert dated.counted == (), "a date is of an event, whatever the sentence names"


def test_quantity_questions_need_the_right_kind_of_number():
    assert (
        understand_question("What percentage of social workers are agency staff?").quantity == SHARE
    )
    assert not holds_quantity(SHARE, "Inspection dates: 10 to 14 June 2024")
    assert holds_quantity(SHARE, "About 30% of social workers are agency staff.")
    assert understand_question("How many pupil referral units are there?").quantity == COUNT
    assert holds_quantity(COUNT, "The council commissions nine pupil referral units.")
    assert not holds_quantity(COUNT, "The visit took place in March 2023.")


def test_topic_drops_the_council_and_dates_but_keeps_the_subject():
    topic = topic_of(
        "What did Ofsted's May 2022 inspection of Kent say about homeless 16-year-olds?"
    )
    assert "Kent" not in topic and "2022" not in topic and "May" not in topic
    assert "homeless" in topic


def test_scope_is_matched_on_metadata_or_on_the_text_itself():
    kent = passage("Caseloads are high.", council="Kent", year=2022, doc_type="full_inspection")
    news = passage("Kent's social workers were praised in 2022.", doc="n1", doc_type="news_article")
    scope = Scope(("Kent",), (2022,))
    assert in_scope(kent, scope) and in_scope(news, scope)
    assert not in_scope(kent, Scope(("Norfolk",), ()))
    assert not in_scope(kent, Scope(("Kent",), (2019,)))
    assert not in_scope(kent, None, kinds={"focused_visit"})
    assert in_scope(news, None, kinds={"focused_visit"}), "news can report on any kind"
    shire = passage("In Derbyshire, caseloads rose again.", doc="n2", doc_type="news_article")
    city = passage("Derby's caseloads rose again.", doc="n3", doc_type="news_article")
    assert not in_scope(shire, Scope(("Derby",), ())) and in_scope(city, Scope(("Derby",), ()))


def test_headings_and_contact_blocks_are_not_quoted():
    assert not is_statement("Area SEND inspection of Lancashire")
    assert not is_statement("Contact us at www.example.gov.uk for a copy of this report today")
    assert not is_statement("What needs to improve in this area of social work practice?")
    assert is_statement("Lead inspector: Margaret Burke, Her Majesty’s Inspector")
    assert is_statement("Caseloads are manageable for most social workers.")


def test_selection_drops_near_duplicates_and_caps_each_document():
    a = passage(
        "Caseloads are too high in the assessment teams. "
        "Caseloads are too high in assessment teams."
    )
    b = passage("Supervision is regular and reflective in every team here.", doc="d2")
    cands = [
        candidate(a, "Caseloads are too high in the assessment teams.", 0.9),
        candidate(a, "Caseloads are too high in assessment teams.", 0.88),
        candidate(b, "Supervision is regular and reflective in every team here.", 0.7),
    ]
    chosen = select(cands, policy=AnswerPolicy())
    assert [c.text for c in chosen] == [
        "Caseloads are too high in the assessment teams.",
        "Supervision is regular and reflective in every team here.",
    ]
    assert select(cands, policy=AnswerPolicy(min_score=0.95)) == []
    assert [c.text for c in select(cands, policy=AnswerPolicy(), cap=1, limit=1)] == [
        "Caseloads are too high in the assessment teams."
    ]


def test_a_statement_several_documents_repeat_is_quoted_from_the_earliest():
    said = "The committee resolved, with a unanimous vote, to refer the matter to full council."
    paper = {"council": "Kent", "doc_type": "committee_paper"}
    to_cabinet = passage(said, doc="cabinet", published="2025-03-04", **paper)
    to_council = passage("Introduction. " + said, doc="council", published="2025-03-13", **paper)
    other = passage("Members debated the usage figures of the hubs at length.", doc="minutes")
    later, earlier = candidate(to_council, said, 0), candidate(to_cabinet, said, 0)
    later = replace(later, hit=replace(later.hit, similarity=0.7))
    earlier = replace(earlier, hit=replace(earlier.hit, similarity=0.4))
    debated = candidate(other, "Members debated the usage figures of the hubs at length.", 0)
    kept = originals([later, debated, earlier])
    assert [(c.doc_id, c.text) for c in kept] == [("cabinet", said), ("minutes", debated.text)]
    assert kept[0].hit.similarity == 0.7  # ranked as its best-placed copy
    assert kept[0].hit.passage.text[kept[0].span.start : kept[0].span.end] == said
    # Two inspection reports' identical lines are two statements, each of its own report.
    graded = "Overall effectiveness Good"
    reports = [
        passage(graded, doc=f"r{year}", published=f"{year}-05-01", doc_type="full_inspection")
        for year in (2018, 2024)
    ]
    assert len(originals([candidate(r, graded, 0) for r in reports])) == 2


def test_answer_keeps_reading_order_and_merges_adjacent_sentences():
    p = passage(
        "First finding here today. Second finding follows it. Unrelated closing remark here."
    )
    cands = [
        candidate(p, "Second finding follows it.", 0.9),
        candidate(p, "First finding here today.", 0.8),
    ]
    answer = compose("q", Chosen((tuple(cands),)))
    assert len(answer.citations) == 1
    citation = answer.citations[0]
    assert citation.quote == "First finding here today. Second finding follows it."
    assert p.text[citation.start - p.start : citation.end - p.start] == citation.quote
    assert answer.answer == "D1: First finding here today. Second finding follows it. [1]"


# --- on the real model and store -----------------------------------------------------------


def test_hybrid_retrieval_finds_what_only_keywords_find(corpus_assistant):
    retriever = corpus_assistant.retriever
    # A service's own name: the small embedding model does not know it, the keywords do.
    question = "Which councils use the Signs of Safety model?"
    vector = corpus_assistant.embedder.embed_query(question)
    dense_ids = {h.passage.id for h in corpus_assistant.store.query(vector, k=5)}
    hits = retriever.search(question, k=5, reader=OPERATOR)
    assert "signs of safety" in hits[0].passage.text.lower()
    assert hits[0].keyword > 0 and hits[0].passage.id not in dense_ids, "found by keywords alone"


def test_defined_acronyms_connect_question_and_passage(corpus_assistant):
    answer = corpus_assistant.ask("How high are personal advisers' caseloads in Liverpool?")
    assert answer.answered
    assert any("PAs" in c.quote and "over 40" in c.quote for c in answer.citations)


def test_declines_when_the_question_names_what_no_document_covers(corpus_assistant):
    for question in (
        "What overall grade did Ofsted give Cornwall Council's children's services?",
        "What did the monitoring visit to Devon find about care leavers?",
        "What did Ofsted find when it inspected Shropshire's children's services in 2031?",
        "What percentage of Kent's social workers were agency staff?",
    ):
        answer = corpus_assistant.ask(question)
        assert answer.answered is False, (question, answer.answer)
        assert answer.related, "the closest passages are still offered"


def test_answers_span_the_documents_a_question_compares(corpus_assistant):
    answer = corpus_assistant.ask("Compare management oversight in Kent and Norfolk.")
    councils = {c.meta.council for c in answer.citations}
    assert {"Kent", "Norfolk"} <= councils
    assert councils <= {"Kent", "Norfolk"}


def test_follow_up_question_inherits_the_council(corpus_assistant):
    history = [Turn("What did inspectors say about Kent's services for care leavers?")]
    follow_up = corpus_assistant.ask("And what did they say about caseloads?", history=history)
    assert follow_up.answered
    assert {c.meta.council for c in follow_up.citations} == {"Kent"}
    alone = corpus_assistant.ask("And what did they say about caseloads?")
    assert alone.answered and alone.citations, "without the history it is answered anyway"
    assert {c.meta.council for c in alone.citations} != {"Kent"}


def test_a_list_is_composed_as_its_heading_and_one_line_an_item():
    text = "What needs to improve?\nThe quality of plans.\nSupervision of staff."
    p = Passage(
        "d1:00000", "d1", "d1.pdf", 3, 0, 0, len(text), text,
        meta=DocumentMeta(title="Kent — ILACS inspection, 2026"),
        section=("What needs to improve?",),
    )  # fmt: skip
    items = [
        Candidate(Hit(p, 0.0, 0.5), Span(23, 44), "The quality of plans.", kind="item"),
        Candidate(Hit(p, 0.0, 0.5), Span(45, 66), "Supervision of staff.", kind="item"),
    ]
    answer = compose("What needs to improve?", Chosen((tuple(reversed(items)),), "list"))
    assert answer.answer.splitlines() == [
        "Kent — ILACS inspection, 2026 — What needs to improve?",
        "- The quality of plans. [1]",
        "- Supervision of staff. [2]",
    ]
    assert [c.unit for c in answer.citations] == ["item", "item"] and answer.shape == "list"
    assert all(text[c.start : c.end] == c.quote for c in answer.citations)
