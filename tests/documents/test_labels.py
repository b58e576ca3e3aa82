"""Access labels on real PDFs: a sidecar's `access`, folder rules and the paper's own exempt
marking, in that order; `assistant sources` says why; relabelling re-embeds nothing."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
from helpers import canary
from helpers.paths import CORPUS
from helpers.processes import run_cli

from assistant.core.access import Reader
from assistant.engine import Assistant
from assistant.settings import Settings, SettingsError

PAPER = "ofsted-fv-kent-2024.pdf"
MARKINGS = (
    "NOT FOR PUBLICATION",
    "EXEMPT INFORMATION - NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of "
    "Schedule 12A of the Local Government Act 1972",
    "Classification: Restricted",
)


def labels(assistant: Assistant) -> dict[str, tuple[str, str]]:
    return {r.source: (r.meta.access, r.meta.access_basis) for r in assistant.sources()}


def ingest(folder, settings: Settings) -> tuple[Assistant, object]:
    assistant = Assistant(settings)
    report = assistant.ingest([folder])
    assert report.exit_code == 0, report.to_json()
    return assistant, report


@pytest.mark.parametrize("marking", MARKINGS)
def test_a_paper_marked_exempt_on_every_page_is_restricted_saying_why(tmp_path, marking):
    corpus = tmp_path / "papers"
    corpus.mkdir()
    canary.stamp(CORPUS / PAPER, corpus / "marked.pdf", marking)
    shutil.copy(CORPUS / PAPER, corpus / PAPER)
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assistant, _ = ingest(corpus, settings)
    access, why = labels(assistant)["marked.pdf"]
    assert access == settings.exempt_access and why.startswith("marked")
    assert marking.split(" by virtue")[0] in why
    assert labels(assistant)[PAPER] == ("public", "")
    listed = run_cli("sources", index=settings.index_dir)
    assert f"members (marked “{marking[:19]}" in listed.stdout


def test_a_rule_labels_a_folder_and_a_sidecar_wins_over_rule_and_marking(tmp_path):
    corpus = tmp_path / "papers"
    (corpus / "exempt").mkdir(parents=True)
    canary.stamp(CORPUS / PAPER, corpus / "exempt" / "marked.pdf", MARKINGS[0])
    shutil.copy(CORPUS / PAPER, corpus / "exempt" / PAPER)
    (corpus / "exempt" / f"{PAPER}.meta.json").write_text('{"access": "public"}')
    rules = (("*exempt/*", "cabinet,officers"),)
    settings = Settings.from_env({}, index_dir=tmp_path / "index", access_rules=rules)
    assistant, _ = ingest(corpus, settings)
    assert labels(assistant)["exempt/marked.pdf"] == ("cabinet,officers", "folder rule *exempt/*")
    access, why = labels(assistant)[f"exempt/{PAPER}"]
    assert access == "public" and why == f"set by {PAPER}.meta.json"


def test_with_the_exempt_restriction_off_a_marked_paper_is_public(tmp_path):
    corpus = tmp_path / "papers"
    corpus.mkdir()
    canary.stamp(CORPUS / PAPER, corpus / "marked.pdf", MARKINGS[0])
    settings = Settings.from_env({"ASSISTANT_EXEMPT_ACCESS": "public"}, index_dir=tmp_path / "i")
    assistant, _ = ingest(corpus, settings)
    assert labels(assistant)["marked.pdf"] == ("public", "")
    assert assistant.sources()[0].meta.marking == MARKINGS[0]


def test_relabelling_re_embeds_nothing_and_readers_see_the_change_at_once(tmp_path):
    corpus = canary.build(tmp_path / "corpus")
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assistant, _ = ingest(corpus, settings)
    source = f"restricted/{canary.FILE}"
    public = Reader.public()
    assert assistant.record_for(source, public) is None
    before = _vectors(assistant, source)
    sidecar = corpus / "restricted" / f"{canary.FILE}.meta.json"
    sidecar.write_text(json.dumps({"title": canary.TITLE, "access": "public"}))
    embedded: list[str] = []
    real = assistant.embedder.embed_passages

    def counted(texts):  # the real encoder, counting what it is given
        embedded.extend(texts)
        return real(texts)

    assistant.embedder.embed_passages = counted
    report = assistant.ingest([corpus])
    assert (report.relabelled, report.files_indexed, report.passages) == (1, 0, 0)
    assert embedded == []
    assert assistant.record_for(source, public) is not None
    answer = assistant.ask(canary.QUESTIONS[0], reader=public)
    assert any(canary.SENTENCE in c.quote for c in answer.citations)
    assert (_vectors(assistant, source) == before).all()


def test_an_index_made_before_labels_is_labelled_by_the_next_ingest(tmp_path):
    corpus = canary.build(tmp_path / "corpus")
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assistant, _ = ingest(corpus, settings)
    unlabelled = [
        replace(r, meta=replace(r.meta, access="", access_basis="")) for r in assistant.sources()
    ]
    assistant.store.relabel(unlabelled)
    assistant.retriever.invalidate()
    assert assistant.sources(Reader.public()) == []  # unlabelled: the operator's only
    report = assistant.ingest([corpus])
    assert report.relabelled == 4 and report.files_indexed == 0
    assert len(assistant.sources(Reader.public())) == 3


def test_a_bad_access_in_a_sidecar_is_one_line_and_keeps_the_last_label(tmp_path):
    corpus = canary.build(tmp_path / "corpus")
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assistant, _ = ingest(corpus, settings)
    sidecar = corpus / "restricted" / f"{canary.FILE}.meta.json"
    sidecar.write_text(json.dumps({"access": "cabinet; DROP"}))
    report = assistant.ingest([corpus])
    [skipped] = report.failed
    assert skipped.path == f"restricted/{canary.FILE}" and "cabinet; DROP" in skipped.reason
    assert "\n" not in skipped.reason
    assert labels(assistant)[skipped.path][0] == canary.GROUP


@pytest.mark.parametrize(
    "value",
    ["*/exempt/*", "=cabinet", "*/exempt/*=", "*/exempt/*=cab inet", "a=b;c"],
)
def test_a_bad_folder_rule_is_one_line_naming_the_setting(value):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"ASSISTANT_ACCESS_RULES": value})
    message = str(raised.value)
    assert message.startswith("ASSISTANT_ACCESS_RULES") and "\n" not in message


def _vectors(assistant: Assistant, source: str):
    import numpy as np

    got = assistant.store.passages.get(where={"source": source}, include=["embeddings"])
    order = np.argsort(got["ids"])
    return np.asarray(got["embeddings"])[order]
