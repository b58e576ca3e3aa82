"""The optional summary without a model: checking a literal reply, the prompt, the exports, and
the real command line with no model set (nothing imported, nothing contacted), a dead endpoint
and a hung one (both fall back to the extractive answer with one line on stderr)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import docx
import pytest
from helpers.llm_server import garbled_server, silent_listener
from helpers.paths import ROOT
from helpers.servers import free_port
from streamlit.testing.v1 import AppTest

from assistant.core.answer import Answer, Citation, Summary
from assistant.core.meta import DocumentMeta
from assistant.evidence.briefing import to_docx, to_markdown
from assistant.summary.summarise import checked, prompt_for, quotes_of
from ui import render

QUESTION = "How high are personal advisers' caseloads in Liverpool?"


def _citation(number: int, quote: str) -> Citation:
    return Citation(
        id=number,
        source="ofsted-ilacs-liverpool-2023.pdf",
        page=8,
        quote=quote,
        excerpt=quote,
        start=0,
        end=len(quote),
        score=0.8,
        meta=DocumentMeta(title="Liverpool \u2014 ILACS inspection, 2023", council="Liverpool"),
    )


CITATIONS = [
    _citation(1, "PAs are thwarted by high caseloads, sometimes over 40."),
    _citation(2, "Although caseloads have reduced, they are still too high."),
]


def test_a_literal_reply_is_split_checked_and_only_passing_sentences_shown():
    reply = (
        "Summary: In Liverpool, PAs have high caseloads, sometimes over 40 [1]. "
        "Caseloads have reduced but are still too high [2]. "
        "Caseloads have reduced but are still too high [2]. "
        "Caseloads are sometimes over 60 [1]. "
        "PAs are thwarted by high caseloads [1]. "
        "Leaders plan to hire more staff."
    )
    summary = checked(reply, quotes_of(CITATIONS), model="test-model")
    assert [s.kept for s in summary.sentences] == [True, True, False, False, False, False]
    reasons = [s.reason for s in summary.dropped]
    assert "repeats" in reasons[0] and "number" in reasons[1]
    assert "beyond the four" in reasons[2] and "beyond the four" in reasons[3]
    assert summary.text == (
        "In Liverpool, PAs have high caseloads, sometimes over 40. [1] "
        "Caseloads have reduced but are still too high. [2]"
    )
    data = summary.to_json()
    assert data["model"] == "test-model" and len(data["sentences"]) == 6
    assert data["sentences"][3] == {
        "text": "Caseloads are sometimes over 60.",
        "markers": [1],
        "kept": False,
        "reason": "number not in the quotes it cites: 60",
        "coverage": 0.0,
    }


def test_the_prompt_holds_the_question_and_the_numbered_quotes_only():
    prompt = prompt_for(QUESTION, CITATIONS)
    assert QUESTION in prompt
    for c in CITATIONS:
        assert f"[{c.id}] Liverpool \u2014 ILACS inspection, 2023: \u201c{c.quote}\u201d" in prompt
    assert "ofsted-ilacs-liverpool-2023.pdf" not in prompt  # no excerpts, files or pages


def _answer_with_summary() -> Answer:
    text = " ".join(f"{c.quote} [{c.id}]" for c in CITATIONS)
    answer = Answer(QUESTION, True, text, list(CITATIONS), [])
    answer.summary = checked(
        "PAs have caseloads sometimes over 40 [1]. Caseloads are 90 [2].",
        quotes_of(CITATIONS),
        model="gemma-3-270m",
    )
    return answer


def test_briefings_carry_the_summary_labelled_above_the_quotes():
    answer = _answer_with_summary()
    md = to_markdown([answer])
    label = answer.summary.label
    assert label.startswith("Summary written by gemma-3-270m from the quotes below")
    assert "PAs have caseloads sometimes over 40. \\[1\\]" not in md  # markers are not escaped
    assert "PAs have caseloads sometimes over 40. [1]" in md
    assert "Caseloads are 90" not in md  # dropped by the check
    assert md.index("gemma-3-270m") < md.index("**References**")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(to_docx([answer]))).paragraphs]
    assert label in paragraphs
    assert paragraphs[paragraphs.index(label) + 1] == answer.summary.text


def test_an_answer_without_a_kept_sentence_exports_no_summary():
    answer = _answer_with_summary()
    answer.summary = Summary("gemma-3-270m", tuple(answer.summary.dropped))
    assert "gemma-3-270m" not in to_markdown([answer])


PROBE = """
import json, socket, sys
attempts = []
_connect = socket.socket.connect
def connect(self, address):
    attempts.append(repr(address))
    return _connect(self, address)
socket.socket.connect = connect
from assistant.cli import main
main(["ask", sys.argv[1], "--json", "--index", sys.argv[2]])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("llama_index", "openai"))
print(json.dumps({"loaded": loaded, "connects": attempts}))
"""


def probe(index, **env) -> tuple[dict, dict, str]:
    """`assistant ask --json` in a fresh process: the answer, what it imported and connected
    to, and its stderr."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_LLM")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, QUESTION, str(index)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**environ, **env},
    )
    assert result.returncode == 0, result.stderr
    answer, report = (json.loads(line) for line in result.stdout.splitlines())
    return answer, report, result.stderr


@pytest.fixture(scope="module")
def plain_probe(corpus_index):
    """`probe` with no model configured: the answer every other probe is compared with."""
    return probe(corpus_index.index_dir)


def test_without_a_model_nothing_is_imported_or_contacted(plain_probe):
    answer, report, stderr = plain_probe
    assert answer["answered"] and answer["citations"]
    assert answer["summary"] is None
    assert report == {"loaded": [], "connects": []}
    assert stderr == ""


def test_a_dead_endpoint_costs_one_line_and_the_answer_stays(corpus_index, plain_probe):
    plain, _, _ = plain_probe
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    answer, report, stderr = probe(corpus_index.index_dir, ASSISTANT_LLM_URL=url)
    assert stderr.splitlines() == [
        f"assistant: No summary: the summary model at {url} cannot be reached"
    ]
    assert answer["citations"] == plain["citations"] and answer["answer"] == plain["answer"]
    assert answer["summary"]["error"] and answer["summary"]["text"] == ""
    assert answer["summary"]["sentences"] == []


def test_a_model_slower_than_the_timeout_costs_one_line(corpus_index):
    with silent_listener() as url:
        answer, _, stderr = probe(
            corpus_index.index_dir, ASSISTANT_LLM_URL=url, ASSISTANT_LLM_TIMEOUT="1"
        )
    assert stderr.splitlines() == [
        f"assistant: No summary: the summary model at {url} did not answer within 1 s"
    ]
    assert answer["answered"] and answer["citations"] and answer["summary"]["text"] == ""


def test_a_reply_that_is_no_completion_costs_one_line(corpus_index):
    with garbled_server() as url:
        answer, _, stderr = probe(corpus_index.index_dir, ASSISTANT_LLM_URL=url)
    [line] = stderr.splitlines()
    assert line.startswith(f"assistant: No summary: the summary model at {url} sent a reply")
    assert answer["answered"] and answer["citations"] and answer["summary"]["text"] == ""


@pytest.mark.slow
def test_chat_says_in_a_caption_when_the_model_cannot_be_reached(corpus_index, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/v1"
    monkeypatch.setenv("ASSISTANT_INDEX", str(corpus_index.index_dir))
    monkeypatch.setenv("ASSISTANT_LLM_URL", url)
    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=300).run()
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception, [e.value for e in at.exception]
    answer = at.session_state["turns"][-1]
    assert answer.answered and answer.citations
    said = f"No summary: the summary model at {url} cannot be reached"
    assert render.md_literal(said) in [c.value for c in at.caption]
    assert not [h.value for h in at.get("html") if 'class="ia-summary"' in h.value]
