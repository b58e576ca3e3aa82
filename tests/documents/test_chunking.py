"""Sentences, passages, acronyms and fusion: pure functions, tested with literals."""

from assistant.core.sentences import Span, estimate_tokens, split_sentences
from assistant.documents.acronyms import expansions_for, find_definitions
from assistant.documents.cleaning import join_wrapped_lines, strip_web_boilerplate
from assistant.documents.passages import pack_sentences
from assistant.index.fusion import Ranked, reciprocal_rank_fusion


def texts(text, spans):
    return [s.of(text) for s in spans]


def test_sentences_split_on_terminal_punctuation_and_newlines():
    text = "Caseloads are high. Managers know this!\nWhat needs to improve\nSupervision is regular."
    assert texts(text, split_sentences(text)) == [
        "Caseloads are high.",
        "Managers know this!",
        "What needs to improve",
        "Supervision is regular.",
    ]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Visits, e.g. home visits, are timely. Cllr. Smith met J. Jones on 4 Jan. 2023 at noon."
    assert texts(text, split_sentences(text)) == [
        "Visits, e.g. home visits, are timely.",
        "Cllr. Smith met J. Jones on 4 Jan. 2023 at noon.",
    ]


def test_sentence_spans_are_exact_offsets():
    text = "  First one.   Second “quoted” one.”  Third?"
    for span in split_sentences(text):
        assert text[span.start : span.end] == span.of(text)
        assert not span.of(text)[0].isspace() and not span.of(text)[-1].isspace()


def test_passages_keep_whole_sentences_within_budget():
    sentence = "Social workers visit children regularly and know them well. "
    text = sentence * 40
    spans = pack_sentences(text, max_tokens=60)
    assert len(spans) > 1
    for span in spans:
        assert span.of(text).endswith("well.")
        assert estimate_tokens(span.of(text)) <= 60 + estimate_tokens(sentence)
    # the passages cover every sentence exactly once, in order
    assert " ".join(s.of(text) for s in spans) == text.strip()


def test_overlong_sentence_is_cut_at_word_boundaries():
    text = " ".join(f"cell{i}" for i in range(500))
    spans = pack_sentences(text, max_tokens=50)
    assert len(spans) > 5
    assert all(s.of(text).split()[0].startswith("cell") for s in spans)


def test_wrapped_pdf_lines_are_joined_but_headings_and_bullets_kept():
    raw = (
        "Leaders have a good understanding of the quality of practice and where it needs\n"
        "to improve across the service.\n"
        "What needs to improve?\n"
        "• The quality of plans.\n"
        "• Supervision."
    )
    assert join_wrapped_lines(raw).split("\n") == [
        "Leaders have a good understanding of the quality of practice and where it needs"
        " to improve across the service.",
        "What needs to improve?",
        "• The quality of plans.",
        "• Supervision.",
    ]


def test_web_boilerplate_is_cut():
    article = (
        "Inspectors praised the service.\nCredit: Photo Agency\nCaseloads fell.\n"
        "Leave a reply\nGreat article!\n"
    )
    assert strip_web_boilerplate(article) == "Inspectors praised the service.\nCaseloads fell."


def test_acronym_definitions_are_found_and_expanded():
    text = (
        "Personal advisers (PAs) know young people. The multi-agency safeguarding hub (MASH) works."
    )
    definitions = find_definitions(text)
    assert definitions == {"PAs": "Personal advisers", "MASH": "multi-agency safeguarding hub"}
    assert expansions_for("PAs have caseloads over 40.", definitions) == "Personal advisers"
    assert expansions_for("Personal advisers (PAs) are kind.", definitions) == ""


def test_acronym_definitions_at_the_edges():
    text = (
        "(IRO) alone. Children who are looked after in the city meet independent reviewing "
        "officers (IROs) often, then a (B) and the local authority designated officer(LADO) "
        "and care leavers (CL)."
    )
    # The long form is found among the seven words before the bracket; "(B)" is too short,
    # "officer(LADO)" has no space before its bracket, and "(IRO)" opens the text.
    assert find_definitions(text) == {
        "IROs": "independent reviewing officers",
        "CL": "care leavers",
    }


def test_normalise_drops_control_and_format_characters_but_keeps_lines():
    from assistant.documents.cleaning import normalise

    text = "Soft\u00adhyphen\x07 bell\u200b zero\ufeffwidth\r\nnext\tline\u00a0nbsp\x00"
    assert normalise(text) == "Softhyphen bell zerowidth\nnext line nbsp"  # tabs: spaces


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = reciprocal_rank_fusion(
        {
            "dense": [Ranked("a", 0, 0.9), Ranked("b", 1, 0.8)],
            "keyword": [Ranked("b", 0, 12.0), Ranked("c", 1, 3.0)],
        }
    )
    assert [f.id for f in fused] == ["b", "a", "c"]
    assert fused[0].score > fused[1].score > fused[2].score
    assert Span(0, 3).of("abcdef") == "abc"
