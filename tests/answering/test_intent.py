"""Question understanding, quantities, boilerplate and the decline rules: pure functions, tested
with literal questions, sentences and document records."""

from __future__ import annotations

import pytest

from assistant.answering import declines, quantities
from assistant.answering.intent import Shape, Spread, topic_of, understand
from assistant.core.answer import DeclineRule
from assistant.core.meta import DocumentMeta, months_covered, years_covered
from assistant.core.record import DocumentRecord
from assistant.index import boilerplate
from assistant.index.catalogue import Catalogue


@pytest.mark.parametrize(
    ("question", "shape", "spread"),
    [
        ("What needs to improve in Kent's services for care leavers?", Shape.LIST, Spread.ANYWHERE),
        (
            "Which areas for priority action was Southampton given in 2021?",
            Shape.LIST,
            Spread.ANYWHERE,
        ),
        ("What was seen as needing to improve in Leeds?", Shape.LIST, Spread.ANYWHERE),
        ("What overall judgement did Norfolk get in 2023?", Shape.JUDGEMENT, Spread.ANYWHERE),
        (
            "Which councils were rated inadequate for care leavers?",
            Shape.JUDGEMENT,
            Spread.ANYWHERE,
        ),
        ("Why were Tameside care leavers getting eviction notices?", Shape.REASON, Spread.ANYWHERE),
        ("What has been behind the improvement in Walsall?", Shape.REASON, Spread.ANYWHERE),
        ("Has Norfolk improved since its last inspection?", Shape.FACT, Spread.OVER_TIME),
        ("Show me an example of strong return home interviews.", Shape.EXAMPLES, Spread.ACROSS),
        ("Compare the front door in Leeds and in Bradford.", Shape.FACT, Spread.PER_COUNCIL),
        ("Has early help in Norfolk recovered since the 2019 visit?", Shape.FACT, Spread.OVER_TIME),
        (
            "How did Birmingham's judgement change between 2016 and 2023?",
            Shape.JUDGEMENT,
            Spread.OVER_TIME,
        ),
        ("How well are children in care supported in Norfolk?", Shape.FACT, Spread.ANYWHERE),
    ],
)
def test_the_shape_of_answer_a_question_asks_for(question, shape, spread, asks):
    intent = understand(question, asks=asks)
    assert (intent.shape, intent.spread) == (shape, spread)


@pytest.mark.parametrize(
    ("question", "latest"),
    [
        ("What did Norfolk's most recent inspection say about caseloads?", True),
        ("What grade did Leeds get at its last Ofsted inspection?", True),
        ("Have caseloads in Norfolk improved since the last inspection?", False),
        ("What did inspectors say about caseloads in Leeds, and since the last visit?", False),
    ],
)
def test_the_last_inspection_of_a_change_is_the_point_compared_with(question, latest):
    """A change is read across the council's reports, so "since the last inspection" does not
    narrow the answer to the latest one."""
    assert understand(question).latest is latest


def test_why_wins_over_the_list_words_it_mentions():
    intent = understand("Why was Rotherham told to draw up a priority action plan?")
    assert intent.shape == Shape.REASON


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many children were on child protection plans in Barking and Dagenham?", "count"),
        ("What percentage of Devon's social workers were agency staff?", "share"),
        ("How much extra funding did Kent put into social work posts?", "money"),
        ("How much does Norfolk County Council spend on children's social care?", "money"),
        ("How often do personal advisers in Leeds see care leavers?", "frequency"),
        ("What hours is Norfolk's children's advice and duty service open?", "time"),
        ("On what dates did Ofsted visit Shropshire in 2024?", "date"),
        ("How long did children wait for an assessment?", "duration"),
        ("What did inspectors say about caseloads?", ""),
    ],
)
def test_the_kind_of_quantity_asked_for(question, kind):
    assert quantities.asked(question) == kind
    assert understand(question).shape == (Shape.QUANTITY if kind else understand(question).shape)


def test_sentences_hold_a_quantity_of_the_kind_asked():
    assert quantities.holds("count", "There are 420 children on child protection plans.")
    assert not quantities.holds("count", "The visit took place on 4 March 2023.")
    assert not quantities.holds("count", "Manageable caseloads (enabler 2, national framework).")
    assert quantities.holds("share", "Agency staff make up 16% of social workers.")
    assert not quantities.holds("share", "A majority of workers said that they felt supported.")
    assert quantities.holds("money", "An additional £1.4 million a year was allocated.")
    assert quantities.holds("frequency", "The fostering panel meets every month.")
    assert quantities.holds("frequency", "Most care leavers are seen at least every eight weeks.")
    assert quantities.holds("time", "The service is open from 8 am to 8 pm.")
    assert quantities.holds("date", "The visit took place on 30 and 31 July 2024.")
    assert not quantities.holds("date", "Visits are purposeful and regular.")


def test_what_a_question_names():
    intent = understand("List the recommendations Leeds was given when inspected in May 2025.")
    assert intent.councils == ("Leeds",) and intent.years == (2025,)
    assert intent.months == ((2025, 5),)
    assert intent.cue.startswith("List the recommendations")
    graded = understand("Which councils were judged inadequate for care leavers?")
    assert (graded.grade, graded.area) == ("Inadequate", "care_leavers")
    assert understand("Give me an example of good practice").grade == ""  # "good" is no grade here
    assert understand("What grade did Poole get?").councils == ("Poole",)  # a capital mid-question
    assert understand("Reading the reports, what stands out?").councils == ()


def test_the_topic_drops_what_places_the_question_and_reads_cleanly():
    topic = topic_of(
        "After the focused visit on care leavers in Leeds in March 2023, what was seen as"
        " needing to get better?"
    )
    assert "Leeds" not in topic and "2023" not in topic and " in," not in topic
    assert topic.endswith("what was seen as needing to get better?")
    assert topic_of(
        "Why had more children come into care in Rotherham by the 2017 inspection?"
    ) == ("Why had more children come into care?")


def test_boilerplate_is_wording_many_documents_share():
    counter = boilerplate.Counter()
    shared = "Ofsted is the Office for Standards in Education."
    for doc in "abcd":
        counter.add(doc, [shared, f"Finding only {doc} makes."])
    counter.add("a", [shared.upper()])  # the same words twice in one document count once
    common = counter.common()
    assert boilerplate.sentence_key("ofsted is the office for standards in education") in common
    assert boilerplate.sentence_key("Finding only a makes.") not in common
    assert boilerplate.min_documents(39) == 3 and boilerplate.min_documents(800) == 16


# --- the catalogue and the decline rules, on literal document records -----------------------


def record(doc_id: str, council: str, doc_type: str, published: str, **meta) -> DocumentRecord:
    year = int(published[:4]) if published else 0
    details = DocumentMeta(
        council=council, doc_type=doc_type, published=published, year=year, **meta
    )
    return DocumentRecord(doc_id, f"{doc_id}.pdf", "pdf", 1, 1, "", 0.0, details)


CATALOGUE = Catalogue.of(
    [
        record("hav", "Havering", "full_inspection", "2024-02-05", overall_judgement="Inadequate"),
        record(
            "kent22",
            "Kent",
            "full_inspection",
            "2022-07-05",
            inspection_start="2022-05-09",
            inspection_end="2022-05-20",
            overall_judgement="Outstanding",
        ),
        record("kent24", "Kent", "focused_visit", "2024-02-27"),
        record("news", "Walsall", "news_article", ""),
    ]
)


def test_the_years_and_months_a_report_is_from():
    meta = CATALOGUE.of_council("Kent")[0].meta
    assert years_covered(meta) == {2022}
    assert months_covered(meta) == {(2022, 5), (2022, 7)}
    december = DocumentMeta(
        inspection_start="2024-12-02",
        inspection_end="2024-12-06",
        published="2025-01-28",
        year=2025,
    )
    assert years_covered(december) == {2024, 2025}


def test_a_council_the_index_does_not_hold_is_declined_by_name():
    scoped = declines.check_scope(understand("What did Ofsted say about Cornwall?"), CATALOGUE)
    assert scoped.decline.rule == DeclineRule.COUNCIL_NOT_INDEXED
    assert scoped.decline.message == "No indexed document is about Cornwall."


def test_a_held_and_an_unheld_council_answer_for_the_held_one_with_a_note():
    scoped = declines.check_scope(understand("Compare caseloads in Kent and Surrey."), CATALOGUE)
    assert scoped.decline is None and scoped.intent.councils == ("Kent",)
    assert scoped.notes == ("Surrey is not in the index; this answer is for Kent.",)


def test_no_document_of_the_kind_or_year_named():
    visit = declines.check_scope(
        understand("What did the 2021 focused visit to Havering find?"), CATALOGUE
    )
    assert visit.decline.rule == DeclineRule.NO_MATCHING_DOCUMENT
    assert "focused visit" in visit.decline.message and "2021" in visit.decline.message
    assert "indexed for Havering: inspection 2024" in visit.decline.message
    # An inspection in May 2022, published in July: "the 2022 inspection" is held.
    assert (
        declines.check_scope(understand("What did Kent's 2022 inspection find?"), CATALOGUE).decline
        is None
    )


def test_a_premise_the_reports_contradict():
    why = understand("Why was Kent judged inadequate?")
    decline = declines.contradicted_premise(declines.check_scope(why, CATALOGUE).intent, CATALOGUE)
    assert decline.rule == DeclineRule.CONTRADICTED_PREMISE and "Outstanding" in decline.message
    held = understand("Why was Havering judged inadequate?")
    assert declines.contradicted_premise(held, CATALOGUE) is None
    assert (
        declines.contradicted_premise(understand("Was Kent judged inadequate?"), CATALOGUE) is None
    )


def test_no_quantity_and_nothing_close_enough_say_what_is_missing():
    share = declines.no_answer(
        understand("What percentage of Kent's social workers are agency staff?")
    )
    assert share.rule == DeclineRule.NO_QUANTITY
    assert share.message == "No indexed document about Kent gives a percentage or share for this."
    assert declines.no_answer(understand("What about the weather?")).rule == DeclineRule.NOT_SIMILAR
    assert understand("What about the weather?").shape == Shape.FACT


def test_still_asks_what_remains_not_how_things_changed():
    # "still" is what a list of work left asks as often as a change does: it decides nothing.
    assert understand("What does Havering still have to fix?").spread == Spread.ANYWHERE
    assert understand("Has Havering improved since the last inspection?").spread == (
        Spread.OVER_TIME
    )


def test_a_month_is_ruled_out_only_when_every_documents_months_are_known():
    from assistant.core.passage import Passage
    from assistant.index.keyword import KeywordIndex

    text = "Caseloads in Kent were discussed with the panel."
    passages = [Passage(f"{d}:0", d, f"{d}.pdf", 1, 0, 0, len(text), text) for d in ("k", "p")]
    keywords = KeywordIndex.build([passages], stamp="test")
    dated = Catalogue.of([record("k", "Kent", "focused_visit", "2024-02-27")])
    question = understand("What did Kent's papers say about caseloads in June 2024?")
    ruled_out = declines.check_scope(question, dated, keywords).decline
    assert ruled_out.rule == DeclineRule.NO_MATCHING_DOCUMENT
    undated = Catalogue.of([*dated.records, record("p", "Kent", "committee_paper", "2024")])
    assert declines.check_scope(question, undated, keywords).decline is None, "any month of 2024"
