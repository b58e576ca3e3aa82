"""The summary check on literal sentences: what must pass, and each way a sentence must fail."""

from __future__ import annotations

import pytest

from assistant.summary.grounding import check, markers_of, split_written, without_markers

QUOTES = {
    1: "Liverpool \u2014 ILACS inspection, 2023: \u201cPAs are thwarted in their endeavours to"
    " meet the needs of their young people due to high caseloads, sometimes over 40.\u201d",
    2: "Liverpool \u2014 ILACS inspection, 2023: \u201cAlthough caseloads have reduced, they are"
    " still too high, and staff are unable to deliver the quality of practice they aspire"
    " to.\u201d",
    3: "Kent \u2014 ILACS inspection, 2022: \u201cThis led, in April 2022, to an additional"
    " \u00a31.4 million a year being allocated to increase the number of social work posts.\u201d",
    4: "Norfolk \u2014 ILACS inspection, 2023: \u201cThe overall effectiveness of children's"
    " services is good.\u201d",
}


@pytest.mark.parametrize(
    "sentence",
    [
        "PAs in Liverpool have high caseloads, sometimes over 40 [1].",
        "Caseloads have reduced but are still too high. [2]",
        "Caseloads in Liverpool are high, sometimes over 40, and still too high for staff to"
        " deliver the practice they aspire to [1][2].",
        "In April 2022 Kent allocated an additional \u00a31.4 million a year to increase social"
        " work posts [3].",
        "Norfolk's children's services are good [4].",
        "Staff are unable to deliver the quality of practice they aspire to [1, 2].",
    ],
)
def test_grounded_sentences_pass(sentence):
    verdict = check(sentence, QUOTES)
    assert verdict.kept, verdict.reason
    assert verdict.coverage >= 0.75


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("PAs in Liverpool have high caseloads, sometimes over 45 [1].", "number"),
        (
            "Kent allocated an additional \u00a32.4 million a year to social work posts [3].",
            "number",
        ),
        ("Caseloads have reduced for three years but are still too high [2].", "number"),
        ("In Liverpool and Sefton, caseloads are still too high [2].", "council"),
        ("Caseloads are still too high in Knowsley [2].", "council"),
        ("In May 2022 Kent allocated an additional \u00a31.4 million a year [3].", "date"),
        ("Norfolk's children's services are outstanding [4].", "judgement"),
        ("Caseloads are still too high, Councillor Smith said [2].", "name"),
        ("Caseloads have not reduced and are still too high [2].", "negation"),
        ("PAs in Liverpool have high caseloads, sometimes over 40.", "no marker"),
        ("Caseloads are still too high [5].", "not one of the quotes"),
        (
            "Caseloads are still too high because recruitment budgets were cut by leaders [2].",
            "content words",
        ),
        ("Over 40 [1].", "nothing to check"),
    ],
)
def test_ungrounded_sentences_fail_with_the_reason(sentence, reason):
    verdict = check(sentence, QUOTES)
    assert not verdict.kept
    assert reason in verdict.reason


def test_a_fact_must_be_in_the_quotes_the_sentence_cites_not_just_any_quote():
    # "over 40" is in quote 1, not quote 2: citing only [2] is not enough
    assert not check("Caseloads are still too high, sometimes over 40 [2].", QUOTES).kept
    assert check("Caseloads are still too high, sometimes over 40 [1][2].", QUOTES).kept


def test_number_words_and_digits_are_one_number():
    quotes = {1: "Report: \u201cThree social workers left the team in 2021.\u201d"}
    assert check("3 social workers left the team in 2021 [1].", quotes).kept
    assert not check("Four social workers left the team in 2021 [1].", quotes).kept


def test_split_written_keeps_markers_with_their_sentence():
    reply = (
        "**Summary:** Caseloads are high. [1][2] Staff cannot deliver good practice [2].\n"
        "- Kent added \u00a31.4 million [3]. 1.5 is not a sentence end"
    )
    assert split_written(reply) == [
        "Caseloads are high. [1][2]",
        "Staff cannot deliver good practice [2].",
        "Kent added \u00a31.4 million [3].",
        "1.5 is not a sentence end",
    ]


def test_markers_in_any_written_form():
    assert markers_of("High [1][3].") == (1, 3)
    assert markers_of("High [1, 3] and [3; 4].") == (1, 3, 4)
    assert markers_of("High.") == ()
    assert without_markers("Caseloads are high [1] .") == "Caseloads are high."
