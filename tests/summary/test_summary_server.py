"""Summaries written by a real model: llama-cpp-python's OpenAI-compatible server running the
Gemma 3 270M GGUF on a loopback port. A model this small writes poorly, which is what makes it a
test of the check: whatever it writes, no sentence that is shown may fail it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from helpers.llm_server import MODEL_ALIAS, llama_server
from helpers.paths import ROOT
from helpers.processes import cli
from streamlit.testing.v1 import AppTest

from assistant.engine import Assistant
from assistant.summary.grounding import check
from assistant.summary.summarise import quotes_of

pytestmark = [pytest.mark.llm, pytest.mark.slow]

QUESTIONS = [
    "How high are personal advisers' caseloads in Liverpool?",
    "What did inspectors say about management oversight in Kent?",
    "How well are homeless 16- and 17-year-olds helped in Kent?",
    "How well are children in care supported in Norfolk?",
]
TIMEOUT = "300"  # seconds: generous, since the tests share two cores with the embedder


@pytest.fixture(scope="module")
def llm_url(tmp_path_factory):
    with llama_server(tmp_path_factory.mktemp("llm") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def summarising(corpus_index, llm_url):
    settings = replace(
        corpus_index, llm_url=llm_url, llm_model=MODEL_ALIAS, llm_timeout=float(TIMEOUT)
    )
    return Assistant(settings, create=False)


def test_every_sentence_shown_passes_the_check_and_cites_real_quotes(summarising, corpus_assistant):
    written = 0
    for question in QUESTIONS:
        answer = summarising.ask(question)
        plain = corpus_assistant.ask(question)
        assert answer.answer == plain.answer and answer.citations == plain.citations
        summary = answer.summary
        assert summary is not None and summary.error == "", summary
        assert summary.model == MODEL_ALIAS
        written += len(summary.sentences)
        quotes, ids = quotes_of(answer.citations), {c.id for c in answer.citations}
        for sentence in summary.kept:
            assert sentence.markers and set(sentence.markers) <= ids, sentence
            assert check(sentence.shown(), quotes).kept, sentence
        assert all(s.reason for s in summary.dropped)
        assert summary.text == " ".join(s.shown() for s in summary.kept)
    assert written, "the model wrote nothing to check"


def test_cli_json_carries_every_sentence_with_its_verdict(corpus_index, llm_url):
    env = {
        "ASSISTANT_LLM_URL": llm_url,
        "ASSISTANT_LLM_MODEL": MODEL_ALIAS,
        "ASSISTANT_LLM_TIMEOUT": TIMEOUT,
    }
    result = cli("ask", QUESTIONS[0], "--json", "--index", str(corpus_index.index_dir), env=env)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["model"] == MODEL_ALIAS and summary["error"] == ""
    assert summary["sentences"]
    for s in summary["sentences"]:
        assert set(s) == {"text", "markers", "kept", "reason", "coverage"}
        assert s["kept"] == (s["reason"] == "")
    assert bool(summary["label"]) == bool(summary["text"])


def test_chat_shows_the_summary_labelled_or_says_why_not(corpus_index, llm_url, monkeypatch):
    monkeypatch.setenv("ASSISTANT_INDEX", str(corpus_index.index_dir))
    monkeypatch.setenv("ASSISTANT_LLM_URL", llm_url)
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", MODEL_ALIAS)
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", TIMEOUT)
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=900).run()
    at.chat_input[0].set_value(QUESTIONS[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    summary = at.session_state["turns"][-1].summary
    shown = [h.value for h in at.get("html") if 'class="ia-summary"' in h.value]
    if summary.text:
        assert len(shown) == 1 and f"Summary written by {MODEL_ALIAS}" in shown[0]
    else:
        assert not shown
        assert any("none of the sentences" in c.value for c in at.caption)


def test_the_model_never_receives_a_paper_its_reader_may_not_see(llm_url, tmp_path):
    from helpers import canary
    from helpers.recording_proxy import recording_proxy

    from assistant.core.access import Reader
    from assistant.settings import Settings

    question = "What did the placement review find about unregistered placements?"
    corpus = canary.build(tmp_path / "corpus")
    upstream = llm_url.removesuffix("/v1")
    with recording_proxy(upstream) as (proxy, sent):
        settings = Settings.from_env({}, index_dir=tmp_path / "index")
        settings = replace(
            settings, llm_url=proxy + "/v1", llm_model=MODEL_ALIAS, llm_timeout=float(TIMEOUT)
        )
        assistant = Assistant(settings)
        assert assistant.ingest([corpus]).exit_code == 0
        public = assistant.ask(question, reader=Reader.public())
        assert public.answered and public.summary is not None and len(sent) == 1
        assert not canary.leaks(sent[0].decode("utf-8"), asked=question)
        assert not canary.leaks(json.dumps(public.to_json(), ensure_ascii=False), asked=question)
        member = assistant.ask(question, reader=Reader.of(canary.GROUP))
        assert member.summary is not None and len(sent) == 2
        assert canary.SENTENCE in json.loads(sent[1])["messages"][-1]["content"]
