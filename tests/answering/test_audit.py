"""The audit log on the real canary corpus: one JSON line per question (who, when, groups, the
question, the documents cited), appended, whole lines even when readers ask at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime

from helpers import canary

from assistant.core.access import Reader
from assistant.engine import Assistant
from assistant.settings import Settings


def test_each_question_is_one_line_saying_who_asked_and_what_was_cited(tmp_path):
    corpus = canary.build(tmp_path / "corpus")
    log = tmp_path / "logs" / "audit.jsonl"
    log.parent.mkdir()
    log.write_text('{"earlier": "line"}\n')  # append-only: what was there stays
    settings = Settings.from_env({"ASSISTANT_AUDIT_LOG": str(log)}, index_dir=tmp_path / "index")
    assistant = Assistant(settings)
    assert assistant.ingest([corpus]).exit_code == 0
    member = Reader.of(canary.GROUP, who="cllr@example.org")
    public = Reader.public()
    asked = [(q, r) for q in canary.QUESTIONS for r in (member, public)] * 3
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda qr: assistant.ask(qr[0], reader=qr[1]), asked))
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"earlier": "line"}' and len(lines) == 1 + len(asked)
    entries = [json.loads(line) for line in lines[1:]]
    by_member = [e for e in entries if e["who"] == "cllr@example.org"]
    assert len(by_member) == len(asked) // 2
    assert all(e["groups"] == [canary.GROUP] for e in by_member)
    assert all(f"restricted/{canary.FILE}" in e["cited"] for e in by_member)
    by_public = [e for e in entries if e["who"] == "signed out"]
    assert all(
        e["groups"] == [] and not canary.leaks(json.dumps(e), asked=e["question"])
        for e in by_public
    )
    assert sorted(e["question"] for e in entries) == sorted(q for q, _ in asked)
    assert all(datetime.fromisoformat(e["at"]).tzinfo is not None for e in entries)
    assert {e["answered"] for e in by_member} == {True} and len(answers) == len(asked)


def test_without_the_setting_nothing_is_written(tmp_path):
    corpus = canary.build(tmp_path / "corpus")
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assistant = Assistant(settings)
    assistant.ingest([corpus])
    assistant.ask(canary.QUESTIONS[0])
    assert settings.audit_log is None
    assert not list(tmp_path.rglob("*.jsonl"))
    later = replace(settings, audit_log=tmp_path / "audit.jsonl")
    Assistant(later, create=False).ask(canary.QUESTIONS[0])
    assert json.loads(later.audit_log.read_text())["who"] == "operator"
