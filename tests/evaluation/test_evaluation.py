"""Evaluation harness: scoring as pure functions on literals, and `assistant eval` end to end
over a small real index (real PDFs, real model, real Chroma)."""

from __future__ import annotations

import json

import pytest
from helpers.paths import copy_corpus

from assistant.core.answer import Answer, Citation
from assistant.evaluation import evaluate as ev
from assistant.evaluation import report as eval_report


def cite(source: str, text: str, number: int = 1) -> Citation:
    return Citation(
        id=number,
        source=source,
        page=1,
        quote=text,
        excerpt=text,
        start=0,
        end=len(text),
        score=0.5,
    )


def answer(*citations: Citation, answered: bool = True) -> Answer:
    return Answer("q", answered, "", list(citations), [])


GOLD = ev.GoldQuote("seeds/a.txt", "Work to protect children is not rigorous enough.")
ANSWERABLE = ev.Question("Q1", "q", True, ("seeds/a.txt", "b.pdf"), (GOLD,))
UNANSWERABLE = ev.Question("Q2", "q", False)


# --- normalisation and matching -------------------------------------------------------------


def test_normalise_words_folds_quotes_hyphenation_whitespace_and_case():
    assert ev.normalise_words(
        "The council\u2019s  \u201creable-\nment\u201d\tplan"
    ) == ev.normalise_words('the council\'s "reablement" plan')
    assert ev.normalise_words("community\u2010based care") == ev.normalise_words(
        "community-based care"
    )
    assert ev.normalise_words("a\u00adb c") == ["ab", "c"]


def test_file_key_ignores_folder_and_extension():
    assert ev.file_key("seeds/000_abc.txt") == ev.file_key("000_abc.txt") == "000_abc"
    assert ev.file_key("ofsted-kent-2022.pdf") == "ofsted-kent-2022"
    assert ev.file_key("ofsted-kent-2022.pdf") != ev.file_key("ofsted-kent-2024.pdf")


def test_quote_coverage_counts_repeated_words_and_has_a_threshold():
    gold = "one two three four five six seven eight nine ten"
    assert ev.quote_coverage(gold, "Before. One two three four five six seven eight nine ten.") == 1
    assert ev.quote_coverage(gold, "one two three four five six seven eight") == pytest.approx(0.8)
    assert ev.quote_coverage("the the cat", "the cat") == pytest.approx(2 / 3)
    assert ev.quote_coverage(gold, "") == 0


def test_document_hit_and_rank_use_the_first_gold_citation():
    cits = [cite("other.pdf", "x", 1), cite("b.pdf", "y", 2), cite("a.txt", "z", 3)]
    assert ev.document_hit(ANSWERABLE.files, cits)
    assert ev.first_gold_rank(ANSWERABLE.files, cits) == 2
    assert not ev.document_hit(ANSWERABLE.files, cits[:1])
    assert ev.first_gold_rank(ANSWERABLE.files, cits[:1]) is None


def test_quote_hit_needs_one_citation_from_the_quotes_own_file():
    text = "Work to protect children is not rigorous enough."
    assert ev.quote_hit([GOLD], [cite("a.txt", text)])
    assert not ev.quote_hit([GOLD], [cite("b.pdf", text)])  # right words, wrong document
    halves = [cite("a.txt", "Work to protect children"), cite("a.txt", "is not rigorous enough.")]
    assert not ev.quote_hit([GOLD], halves)  # one citation must carry it
    second = ev.GoldQuote("b.pdf", "Leaders know their services well.")
    both = [cite("a.txt", text), cite("b.pdf", "Leaders know their services well.")]
    assert ev.quote_hit([GOLD, second], both)
    assert not ev.quote_hit([GOLD, second], both[:1])


def test_score_explains_failures():
    good = ev.score(ANSWERABLE, answer(cite("a.txt", GOLD.text), cite("b.pdf", "x")), seconds=1)
    assert good.document_hit and good.quote_hit and good.abstention_ok and not good.failed
    assert good.rank == 1
    wrong = ev.score(ANSWERABLE, answer(cite("c.pdf", GOLD.text)), seconds=1)
    assert wrong.failed and not wrong.document_hit and "wrong document" in wrong.why
    partial = ev.score(ANSWERABLE, answer(cite("a.txt", "Work to protect")), seconds=1)
    assert partial.document_hit and not partial.quote_hit and "missing b" in partial.why
    assert "covered" in partial.why
    declined = ev.score(ANSWERABLE, answer(answered=False), seconds=1)
    assert not declined.abstention_ok and declined.why == "wrongly abstained"


def test_score_unanswerable_checks_only_abstention():
    ok = ev.score(UNANSWERABLE, answer(answered=False), seconds=0.1)
    assert ok.abstention_ok and ok.document_hit is None and ok.quote_hit is None and not ok.failed
    bad = ev.score(UNANSWERABLE, answer(cite("a.txt", "x")), seconds=0.1)
    assert bad.failed and "unanswerable" in bad.why


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert ev.percentile(values, 50) == 10
    assert ev.percentile(values, 95) == 19
    assert ev.percentile([3.0], 95) == 3
    assert ev.percentile([], 50) == 0


def test_summarise_aggregates_over_answerable_and_unanswerable():
    outcomes = [
        ev.score(ANSWERABLE, answer(cite("x.pdf", "x"), cite("a.txt", GOLD.text)), seconds=1),
        ev.score(ANSWERABLE, answer(cite("x.pdf", "x")), seconds=2),
        ev.score(UNANSWERABLE, answer(answered=False), seconds=3),
        ev.score(UNANSWERABLE, answer(cite("x.pdf", "x")), seconds=4),
    ]
    s = ev.summarise(outcomes)
    assert (s.answerable, s.unanswerable) == (2, 2)
    assert s.document_hit == 0.5 and s.quote_hit == 0.5
    assert s.mrr == pytest.approx(0.25)  # 1/2 and 0
    assert s.answered_answerable == 2 and s.abstained_unanswerable == 1
    assert (s.p50_seconds, s.p95_seconds) == (2, 4)


def test_load_questions_reads_jsonl_and_names_a_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    good = {
        "id": "A",
        "question": "q?",
        "answerable": True,
        "files": ["seeds/a.txt"],
        "quotes": [{"file": "seeds/a.txt", "text": "t"}],
    }
    path.write_text(
        json.dumps(good)
        + "\n\n"
        + json.dumps({"id": "B", "question": "r?", "answerable": False})
        + "\n"
    )
    questions = ev.load_questions(path)
    assert [q.id for q in questions] == ["A", "B"]
    assert questions[0].quotes == (ev.GoldQuote("seeds/a.txt", "t"),)
    assert questions[1].files == () and not questions[1].answerable
    path.write_text(json.dumps(good) + '\n{"id": "C"}\n')
    with pytest.raises(ValueError, match=":2:"):
        ev.load_questions(path)


def test_render_puts_systems_side_by_side_and_lists_failures():
    reports = [
        ev.SystemReport(name, ev.summarise(outs), outs)
        for name, outs in [
            ("assistant", [ev.score(UNANSWERABLE, answer(answered=False), seconds=1)]),
            ("dense", [ev.score(UNANSWERABLE, answer(cite("x.pdf", "x")), seconds=1)]),
        ]
    ]
    text = eval_report.render(reports)
    header = text.splitlines()[0]
    assert "assistant" in header and "dense" in header
    failures = text.split("Failures:")[1].splitlines()
    assert any(line.startswith("Q2") and "dense" in line for line in failures)
    assert not any("assistant" in line for line in failures)


def test_quote_only_hit_counts_the_quoted_words_not_the_excerpt_around_them():
    framed = Citation(
        id=1,
        source="seeds/a.txt",
        page=1,
        quote="Inspection dates: 1 to 5 May.",
        excerpt=f"Inspection dates: 1 to 5 May. {GOLD.text}",
        start=0,
        end=10,
        score=0.5,
    )
    outcome = ev.score(ANSWERABLE, answer(framed), seconds=0.1)
    assert outcome.quote_hit and not outcome.quote_only_hit
    quoted = ev.score(ANSWERABLE, answer(cite("a.txt", GOLD.text)), seconds=0.1)
    assert quoted.quote_hit and quoted.quote_only_hit
    assert ev.summarise([outcome, quoted]).quote_only_hit == 0.5


def _reworded(question: ev.Question, suffix: str) -> ev.Question:
    return ev.Question(
        f"{question.id}-{suffix}",
        "reworded",
        question.answerable,
        question.files,
        question.quotes,
        split="check",
        paraphrase_of=question.id,
    )


def test_paraphrase_consistency_needs_every_wording_of_a_question_to_succeed():
    original = ev.Question("Q1", "q", True, ("seeds/a.txt",), (GOLD,), split="check")
    unanswerable = ev.Question("Q2", "q", False, split="check")
    good, miss = answer(cite("a.txt", GOLD.text)), answer(cite("x.pdf", "x"))
    outcomes = [
        ev.score(original, good, seconds=0.1),
        ev.score(_reworded(original, "p1"), good, seconds=0.1),
        ev.score(_reworded(original, "p2"), miss, seconds=0.1),  # one wording fails
        ev.score(unanswerable, answer(answered=False), seconds=0.1),
        ev.score(_reworded(unanswerable, "p1"), answer(answered=False), seconds=0.1),
    ]
    figures = ev.summarise(outcomes)
    assert (figures.groups, figures.consistent_groups) == (2, 1)
    assert figures.consistency == 0.5
    assert ev.summarise(outcomes[:1]).consistency is None  # no paraphrase, no group


def test_report_shows_paraphrases_beside_the_questions_as_written():
    original = ev.Question("Q1", "q", True, ("seeds/a.txt",), (GOLD,), type="why", split="check")
    outcomes = [
        ev.score(original, answer(cite("a.txt", GOLD.text)), seconds=0.1),
        ev.score(_reworded(original, "p1"), answer(cite("x.pdf", "x")), seconds=0.1),
    ]
    report = ev.SystemReport("assistant", ev.summarise(outcomes), outcomes)
    assert eval_report.columns(report) == ["check", "paraphrases:check"]
    text = eval_report.render([report])
    header, *rows = text.splitlines()
    assert "assistant:check" in header and "assistant:para:check" in header
    quote_row = next(r for r in rows if r.startswith("quote hit  "))
    assert quote_row.split()[2:5] == ["0.500", "1.000", "0.000"]  # all, as written, paraphrased
    assert "0.00 (0/1)" in next(r for r in rows if r.startswith("paraphrase consistency"))


def test_unknown_baseline_is_refused():
    with pytest.raises(ValueError, match="unknown baseline"):
        ev.systems_for(object(), k=3, baselines=["sparse"])


# --- end to end: `assistant eval` over a small real index ----------------------------------

PDFS = ["ofsted-fv-kent-2024.pdf", "ofsted-fv-rotherham-2024.pdf"]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    from assistant.engine import Assistant
    from assistant.settings import Settings

    root = copy_corpus(PDFS, tmp_path_factory.mktemp("eval-docs"))
    settings = Settings.from_env({}, index_dir=tmp_path_factory.mktemp("eval-index"))
    assistant = Assistant(settings)
    assert assistant.ingest([root]).exit_code == 0
    return settings, assistant


@pytest.mark.slow
def test_assistant_eval_end_to_end(small_index, tmp_path, capsys):
    from assistant import cli

    settings, assistant = small_index
    # A gold quote taken from the index itself: a long sentence of the Rotherham report, asked
    # back as the question, so plain vector search must find its passage.
    passages = [p for batch in assistant.store.iter_passages() for p in batch]
    passage = max((p for p in passages if "rotherham" in p.source), key=lambda p: len(p.text))
    span = max(passage.sentences(), key=lambda s: s.end - s.start)
    sentence = passage.text[span.start - passage.start : span.end - passage.start]
    questions = tmp_path / "questions.jsonl"
    rows = [
        {
            "id": "E1",
            "question": sentence,
            "answerable": True,
            "files": [passage.source],
            "quotes": [{"file": passage.source, "text": sentence}],
        },
        {
            "id": "E2",
            "question": "What is the recipe for a Victoria sponge cake?",
            "answerable": False,
            "files": [],
            "quotes": [],
        },
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")

    argv = [
        "eval",
        str(questions),
        "--index",
        str(settings.index_dir),
        "-k",
        "4",
        "--baseline",
        "dense",
        "--baseline",
        "bm25",
        "--baseline",
        "hybrid",
    ]
    assert cli.main(argv + ["--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    systems = {s["name"]: s for s in result["systems"]}
    assert list(systems) == ["assistant", "dense", "bm25", "hybrid"]
    for report in systems.values():
        assert [q["id"] for q in report["questions"]] == ["E1", "E2"]
        assert all(q["seconds"] > 0 for q in report["questions"])
        assert report["summary"]["answerable"] == 1 and report["summary"]["unanswerable"] == 1
    dense = {q["id"]: q for q in systems["dense"]["questions"]}
    assert dense["E1"]["document_hit"] and dense["E1"]["quote_hit"] and dense["E1"]["rank"] == 1
    assert dense["E2"]["answered"] and not dense["E2"]["abstention_ok"]  # baselines never abstain
    assert systems["dense"]["summary"]["abstained_unanswerable"] == 0
    hybrid = {q["id"]: q for q in systems["hybrid"]["questions"]}
    assert hybrid["E1"]["quote_hit"] and hybrid["E2"]["answered"]

    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert "assistant" in text.splitlines()[0] and "bm25" in text.splitlines()[0]
    assert "E2" in text.split("Failures:")[1]  # the dense baseline answered it


def test_assistant_eval_reports_a_bad_question_file(tmp_path, capsys):
    from assistant import cli

    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert cli.main(["eval", str(bad), "--index", str(tmp_path / "index")]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
