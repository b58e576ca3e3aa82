"""The canary, route by route, outside the chat page (the page's routes: tests/ui/): a restricted
copy of a real paper holding one unique sentence (`helpers.canary`). A reader outside its group
never meets the sentence, the copy's title or its file name; a reader in the group gets it
cited. Each test asks the same route as both, so it fails if that route stops filtering and
also if it stops reaching the paper at all."""

from __future__ import annotations

import json

import pytest
from helpers import canary
from helpers.processes import run_cli

from assistant.core.access import OPERATOR, Reader
from assistant.engine import Assistant
from assistant.evidence.briefing import to_docx, to_markdown
from assistant.insights.compare import compare
from assistant.insights.timeline import timeline
from assistant.settings import Settings

PUBLIC = Reader.public(who="a member of the public")
OUTSIDER = Reader.of(canary.OTHER_GROUP, who="an officer")
MEMBER = Reader.of(canary.GROUP, who="a cabinet member")


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("canary")
    corpus = canary.build(folder / "corpus")
    settings = Settings.from_env({}, index_dir=folder / "index")
    report = Assistant(settings).ingest([corpus])
    assert report.exit_code == 0 and report.files_indexed == 4, report.to_json()
    return settings


@pytest.fixture(scope="module")
def assistant(index):
    return Assistant(index, create=False)


def said(answer) -> str:
    """Everything an answer shows: its text, notes, decline, citations and closest passages."""
    return json.dumps(answer.to_json(), ensure_ascii=False)


def cites_canary(answer) -> bool:
    return any(canary.SENTENCE in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", canary.QUESTIONS)
def test_the_question_in_any_wording_finds_the_canary_only_for_its_group(assistant, question):
    for outsider in (PUBLIC, OUTSIDER):
        answer = assistant.ask(question, reader=outsider)
        assert not canary.leaks(said(answer), asked=question), (outsider, answer.answer)
    assert cites_canary(assistant.ask(question, reader=MEMBER))
    assert cites_canary(assistant.ask(question, reader=OPERATOR))


def test_a_word_only_the_restricted_paper_holds_is_unknown_as_a_word_no_paper_holds(assistant):
    # Invisible, not hidden: the decline must be the one a word found nowhere gets, or its
    # wording would tell the public that some paper holds it.
    for word in ("Wexcombe", "Zorbulant"):
        question = f"What did the {word} placement review find?"
        answer = assistant.ask(question, reader=PUBLIC)
        assert f"No indexed document mentions {word}" in answer.answer, answer.answer
    member = assistant.ask("What did the Wexcombe placement review find?", reader=MEMBER)
    assert "No indexed document mentions" not in member.answer


def test_a_question_about_the_papers_council_declines_as_if_it_held_nothing(assistant):
    question = f"What did inspectors find in {canary.COUNCIL}?"
    answer = assistant.ask(question, reader=PUBLIC)
    assert not answer.answered and answer.declined is not None
    assert f"No indexed document is about {canary.COUNCIL}" in answer.answer
    assert not canary.leaks(said(answer), asked=question)
    member = assistant.ask(question, reader=MEMBER)
    assert member.answered and canary.TITLE in said(member)


def test_a_decline_names_only_the_papers_its_reader_may_see(assistant):
    # A year nothing is from: the decline lists what is indexed for the council.
    question = f"What did the 2012 inspection of {canary.COUNCIL} say about leaving care?"
    member = assistant.ask(question, reader=MEMBER)
    assert not member.answered and "focused visit 2021" in member.answer
    public = assistant.ask(question, reader=PUBLIC)
    assert not public.answered and "focused visit 2021" not in public.answer
    assert not canary.leaks(said(public), asked=question)


def test_closest_passages_of_a_decline_never_hold_the_canary(assistant):
    question = "Which cluster had seventeen unregistered placements, and who chaired the panel?"
    public = assistant.ask(question, reader=PUBLIC)
    assert not canary.leaks(said(public), asked=question)
    member = assistant.ask(question, reader=MEMBER)
    shown = member.citations + member.related
    assert any(canary.SENTENCE in c.quote or canary.SENTENCE in c.excerpt for c in shown)


def test_a_follow_up_finds_nothing_through_the_earlier_turn(assistant):
    first = assistant.ask(f"What did the focused visit to {canary.COUNCIL} find?", reader=PUBLIC)
    follow = "And what did its placement review find about unregistered placements?"
    answer = assistant.ask(follow, history=[_turn(first)], reader=PUBLIC)
    assert not canary.leaks(said(answer), asked=follow)
    first = assistant.ask(f"What did the focused visit to {canary.COUNCIL} find?", reader=MEMBER)
    assert cites_canary(assistant.ask(follow, history=[_turn(first)], reader=MEMBER))


def test_a_filter_on_the_papers_own_fields_finds_nothing(assistant):
    from assistant.core.filters import parse_where

    for where in (["council=Norfolk"], ["year=2021"], ["source=" + _source()]):
        answer = assistant.ask(canary.QUESTIONS[0], where=parse_where(where), reader=PUBLIC)
        assert not canary.leaks(said(answer), asked=canary.QUESTIONS[0]), where
        member = assistant.ask(canary.QUESTIONS[0], where=parse_where(where), reader=MEMBER)
        assert cites_canary(member), where


def test_sources_and_the_guard_on_files_show_only_what_the_reader_may_see(assistant):
    public = assistant.sources(PUBLIC)
    assert len(public) == 3 and not canary.leaks(json.dumps([r.source for r in public]))
    assert not canary.leaks(" ".join(r.title for r in public))
    assert assistant.record_for(_source(), PUBLIC) is None
    assert assistant.record_for(_source(), OUTSIDER) is None
    assert assistant.record_for(_source(), MEMBER).title == canary.TITLE
    assert {r.source for r in assistant.sources(MEMBER)} > {r.source for r in public}


def test_timeline_lists_the_paper_only_for_its_group(assistant):
    assert not timeline(assistant.sources(PUBLIC), canary.COUNCIL).entries
    entries = timeline(assistant.sources(MEMBER), canary.COUNCIL).entries
    assert [e.title for e in entries] == [canary.TITLE]


def test_compare_finds_the_canary_only_for_its_group(assistant):
    topic = "unregistered placements in the Harrowgate cluster"
    public = compare(assistant, topic, reader=PUBLIC)
    assert canary.COUNCIL not in [row.group for row in public.rows]
    assert not canary.leaks(json.dumps(public.to_json(), ensure_ascii=False), asked=topic)
    member = compare(assistant, topic, reader=MEMBER)
    norfolk = next(row for row in member.rows if row.group == canary.COUNCIL)
    assert norfolk.citation is not None and canary.SENTENCE in norfolk.citation.quote


def test_both_briefings_hold_only_the_readers_answers(assistant):
    for reader, leaked in ((PUBLIC, False), (MEMBER, True)):
        answers = [assistant.ask(q, reader=reader) for q in canary.QUESTIONS[:2]]
        markdown = to_markdown(answers)
        word = _docx_text(to_docx(answers))
        assert bool(canary.leaks(markdown, asked=" ".join(canary.QUESTIONS))) is leaked
        assert (canary.SENTENCE in word) is leaked


def test_the_llama_index_retriever_and_query_engine_take_the_groups(assistant):
    llama = pytest.importorskip("assistant.llama_index")
    question = canary.QUESTIONS[1]
    for groups, leaked in (("public", False), (canary.OTHER_GROUP, False), (canary.GROUP, True)):
        nodes = llama.AssistantRetriever(assistant, groups=groups).retrieve(question)
        text = " ".join(n.node.get_content() + json.dumps(n.node.metadata) for n in nodes)
        assert bool(canary.leaks(text, asked=question)) is leaked, groups
        engine = llama.AssistantQueryEngine(assistant=assistant, groups=groups)
        response = engine.query(question)
        shown = str(response) + " ".join(n.node.get_content() for n in response.source_nodes)
        assert bool(canary.leaks(shown, asked=question)) is leaked, groups


def test_the_command_line_answers_as_the_operator_unless_told_who(index):
    question = canary.QUESTIONS[0]
    narrowed = run_cli("ask", question, "--as", "public", index=index.index_dir)
    assert narrowed.returncode == 0 and not canary.leaks(narrowed.stdout, asked=question)
    listed = run_cli("sources", "--as", "public", index=index.index_dir)
    assert listed.returncode == 0 and not canary.leaks(listed.stdout)
    assert "3 documents" in listed.stdout
    operator = run_cli("ask", question, index=index.index_dir)
    assert canary.SENTENCE in operator.stdout
    listed = run_cli("sources", index=index.index_dir)
    assert canary.FILE in listed.stdout and f"{canary.GROUP} (set by" in listed.stdout


def test_a_bad_group_name_is_one_line_naming_it(index):
    done = run_cli("ask", "anything", "--as", "cabinet;drop", index=index.index_dir)
    assert done.returncode != 0
    assert "cabinet;drop" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def _turn(answer):
    from assistant.answering.conversation import Turn

    return Turn(answer.question, answer)


def _source() -> str:
    return f"restricted/{canary.FILE}"


def _docx_text(data: bytes) -> str:
    import io

    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_a_paper_restricted_while_a_reader_looks_away_is_not_returned(tmp_path):
    """Another process relabels a public paper while this one's view of the index is stale (its
    retriever looks at the index only when the clock says): the public reader's next question
    must not find the paper through the vector search or the stale keyword index."""
    from helpers.fake_clock import FakeClock

    from assistant.answering.retrieval import Retriever

    corpus = canary.build(tmp_path / "corpus")
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assert Assistant(settings).ingest([corpus]).exit_code == 0
    sidecar = corpus / "restricted" / f"{canary.FILE}.meta.json"
    sidecar.write_text(json.dumps({"title": canary.TITLE, "access": "public"}))
    assert Assistant(settings).ingest([corpus]).relabelled == 1
    watching = Assistant(settings, create=False)
    watching.retriever = Retriever(
        settings,
        embedder=watching.embedder,
        store=watching.store,
        policy=watching.policy,
        clock=FakeClock(),  # never moves: the stamp is looked at once, then kept
    )
    assert cites_canary(watching.ask(canary.QUESTIONS[0], reader=PUBLIC))  # public now
    sidecar.write_text(json.dumps({"title": canary.TITLE, "access": canary.GROUP}))
    assert Assistant(settings).ingest([corpus]).relabelled == 1  # another process
    for question in canary.QUESTIONS:
        answer = watching.ask(question, reader=PUBLIC)
        assert not canary.leaks(said(answer), asked=question), answer.answer
    assert cites_canary(watching.ask(canary.QUESTIONS[0], reader=MEMBER))
