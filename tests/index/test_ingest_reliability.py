"""Reliable ingest on real files: incremental sync, replacement, prune/remove, crash repair after a
real `kill -9`, one writer at a time, queries during an ingest, and damaged index folders."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from helpers import hostile
from helpers.fake_clock import FakeClock
from helpers.paths import copy_corpus

from assistant.answering.retrieval import Retriever
from assistant.core.access import OPERATOR
from assistant.index.chroma import IndexUnavailable
from assistant.index.ingest import ingest
from assistant.index.keyword import KeywordIndex, keyword_folder
from assistant.index.locks import IngestBusy, ingest_lock
from assistant.index.store import Store
from assistant.settings import Settings
from assistant.vectors.embedder import Embedder

SMALL_PDFS = [  # the four shortest sample reports (4-5 pages each)
    "ofsted-fv-kent-2024.pdf",
    "ofsted-fv-north-northamptonshire-2024.pdf",
    "ofsted-fv-rotherham-2024.pdf",
    "ofsted-fv-norfolk-2021.pdf",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(Settings().model)


def settings_for(index: Path) -> Settings:
    return Settings.from_env({}, index_dir=index)


def run_ingest(folder: Path, index: Path, embedder: Embedder, **options):
    settings = settings_for(index)
    store = Store(settings, model_name=settings.model, create=True)
    return ingest([folder], settings=settings, embedder=embedder, store=store, **options), store


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """The real command line in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_docs(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class CountingEmbedder:
    """The real embedder, counting the passages it is asked to embed."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.embedded = 0

    def embed_passages(self, texts):  # what ingest embeds with
        self.embedded += len(texts)
        return self.inner.embed_passages(texts)

    def __getattr__(self, name):
        return getattr(self.inner, name)


# --- what an index holds, for comparing two of them ------------------------------------------


@dataclass
class Snapshot:
    documents: dict[str, tuple[str, int]]  # source -> (sha256, passages)
    passages: dict[str, tuple[str, str]]  # passage id -> (doc_id, text)
    ids_in_order: list[str]
    registered_doc_ids: set[str]
    store_stamp: str
    keyword_stamp: str | None
    keyword_ids: set[str]
    dense_ids: set[str]


def snapshot(index: Path) -> Snapshot:
    settings = settings_for(index)
    store = Store(settings, model_name=settings.model)
    records = store.records()
    ids, passages = [], {}
    for batch in store.iter_passages():
        for p in batch:
            ids.append(p.id)
            passages[p.id] = (p.doc_id, p.text)
    keyword = KeywordIndex.load(keyword_folder(settings))
    probe = np.ones(384, dtype=np.float32) / np.sqrt(384)
    dense = store.query(probe, k=max(1, len(ids) + 10)) if ids else []
    return Snapshot(
        documents={r.source: (r.sha256, r.passages) for r in records},
        passages=passages,
        ids_in_order=ids,
        registered_doc_ids={r.doc_id for r in records},
        store_stamp=store.stamp(),
        keyword_stamp=keyword.stamp if keyword else None,
        keyword_ids=set(keyword.ids) if keyword else set(),
        dense_ids={h.passage.id for h in dense},
    )


def assert_consistent(snap: Snapshot) -> None:
    """No duplicates, no orphans, registry counts true, keyword and vector index in step."""
    assert len(snap.ids_in_order) == len(set(snap.ids_in_order)), "duplicate passage ids"
    orphans = {doc for doc, _ in snap.passages.values()} - snap.registered_doc_ids
    assert not orphans, f"passages of unregistered documents: {orphans}"
    per_doc: dict[str, int] = {}
    for doc, _ in snap.passages.values():
        per_doc[doc] = per_doc.get(doc, 0) + 1
    assert sorted(per_doc.values()) == sorted(n for _, n in snap.documents.values())
    assert snap.keyword_stamp == snap.store_stamp, "keyword index out of step with the store"
    assert snap.keyword_ids == set(snap.passages)
    assert snap.dense_ids == set(snap.passages), "vector index out of step with the store"


# --- incremental sync ------------------------------------------------------------------------


def test_unchanged_folder_embeds_nothing_and_changed_file_is_replaced(tmp_path, embedder):
    folder = write_docs(
        tmp_path / "docs",
        {
            "a.txt": "Alpha report. " + hostile.PROSE,
            "b.txt": "Bravo report. The fostering panel met monthly.\n\n"
            + "\n\n".join([hostile.PROSE] * 8),
        },
    )
    counting = CountingEmbedder(embedder)
    first, _ = run_ingest(folder, tmp_path / "idx", counting)
    assert (first.files_indexed, first.exit_code) == (2, 0)
    embedded_first = counting.embedded
    assert embedded_first == first.passages > 0

    again, _ = run_ingest(folder, tmp_path / "idx", counting)
    assert (again.files_indexed, again.files_unchanged) == (0, 2)
    assert counting.embedded == embedded_first, "an unchanged folder was re-embedded"

    before = snapshot(tmp_path / "idx")
    (folder / "b.txt").write_text(
        "Bravo report, revised. Adoption timeliness improved.", encoding="utf-8"
    )
    changed, _ = run_ingest(folder, tmp_path / "idx", counting)
    assert (changed.files_indexed, changed.files_unchanged) == (1, 1)
    after = snapshot(tmp_path / "idx")
    assert_consistent(after)
    texts = " ".join(t for _, t in after.passages.values())
    assert "Adoption timeliness improved" in texts
    assert "fostering panel" not in texts, "old passages of a changed file survived"
    assert after.documents["b.txt"][1] < before.documents["b.txt"][1]
    assert after.documents["a.txt"] == before.documents["a.txt"]


def test_editing_a_metadata_sidecar_reingests_its_file(tmp_path, embedder):
    from assistant.documents import describe as metadata

    folder = write_docs(
        tmp_path / "docs", {"a.txt": "Alpha. " + hostile.PROSE, "b.txt": "Bravo. " + hostile.PROSE}
    )
    sidecar = folder / "a.txt.meta.json"
    sidecar.write_text(json.dumps({"council": "Kent"}), encoding="utf-8")
    run_ingest(folder, tmp_path / "idx", embedder, describe=metadata.describe)
    sidecar.write_text(json.dumps({"council": "Norfolk"}), encoding="utf-8")
    report, store = run_ingest(folder, tmp_path / "idx", embedder, describe=metadata.describe)
    assert (report.files_indexed, report.files_unchanged) == (1, 1)
    record = next(r for r in store.records() if r.source == "a.txt")
    assert record.meta.council == "Norfolk"


def test_prune_removes_deleted_files_but_not_when_the_folder_is_missing(tmp_path, embedder):
    folder = write_docs(
        tmp_path / "docs",
        {"keep.txt": "Kept. " + hostile.PROSE, "gone.txt": "Gone soon. " + hostile.PROSE},
    )
    run_ingest(folder, tmp_path / "idx", embedder)
    (folder / "gone.txt").unlink()

    plain, _ = run_ingest(folder, tmp_path / "idx", embedder)  # without --prune: kept
    assert plain.files_removed == 0 and "gone.txt" in snapshot(tmp_path / "idx").documents

    pruned, _ = run_ingest(folder, tmp_path / "idx", embedder, prune=True)
    assert pruned.files_removed == 1
    snap = snapshot(tmp_path / "idx")
    assert set(snap.documents) == {"keep.txt"}
    assert_consistent(snap)

    # An unmounted share looks like a missing folder: pruning must not empty the index.
    missing, _ = run_ingest(tmp_path / "not-mounted", tmp_path / "idx", embedder, prune=True)
    assert missing.files_removed == 0 and missing.notes
    assert set(snapshot(tmp_path / "idx").documents) == {"keep.txt"}


def test_remove_command_by_path_source_and_folder(tmp_path, embedder):
    folder = tmp_path / "share"
    write_docs(
        folder / "2024", {"one.txt": "One. " + hostile.PROSE, "two.txt": "Two. " + hostile.PROSE}
    )
    hostile.odd_names(folder / "odd")
    run_ingest(folder, tmp_path / "idx", embedder)
    index = str(tmp_path / "idx")

    by_path = cli("remove", str(folder / "2024" / "one.txt"), "--index", index)
    assert by_path.returncode == 0, by_path.stderr
    assert "2024/one.txt" in by_path.stdout
    by_source = cli("remove", "--index", index, "--", "odd/-leading-dash.txt")
    assert by_source.returncode == 0, by_source.stderr
    by_folder = cli("remove", str(folder / "odd"), "--index", index, "--json")
    assert by_folder.returncode == 0, by_folder.stderr
    assert len(json.loads(by_folder.stdout)["removed"]) == len(hostile.ODD_NAMES) - 1
    unknown = cli("remove", "no-such-report.pdf", "--index", index)
    assert unknown.returncode == 1 and "not in the index" in unknown.stderr

    snap = snapshot(tmp_path / "idx")
    assert set(snap.documents) == {"2024/two.txt"}
    assert_consistent(snap)


# --- crash safety ----------------------------------------------------------------------------


def test_interrupted_write_is_repaired_to_equal_a_clean_ingest(tmp_path, embedder):
    """A crash after a document's passages were stored but before it was registered."""
    folder = copy_corpus(SMALL_PDFS[:2], tmp_path / "docs")
    run_ingest(folder, tmp_path / "clean", embedder)
    clean = snapshot(tmp_path / "clean")

    report, store = run_ingest(folder, tmp_path / "crashed", embedder)
    record = store.records()[0]
    store.documents.delete(ids=[record.doc_id])  # as if killed just before register()
    assert record.doc_id not in {r.doc_id for r in store.records()}

    rerun, _ = run_ingest(folder, tmp_path / "crashed", embedder)
    assert rerun.repaired == 1 and rerun.files_indexed == 1
    repaired = snapshot(tmp_path / "crashed")
    assert_consistent(repaired)
    assert repaired.documents == clean.documents
    assert repaired.passages == clean.passages


def _holds_lock(index: Path, pid: int) -> bool:
    lock = index / "ingest.lock"
    return lock.exists() and lock.read_text(encoding="utf-8").strip() == f"pid {pid}"


def _wait_until_stopped(pid: int) -> None:
    """SIGSTOP is delivered asynchronously: wait until the kernel reports the process stopped."""
    for _ in range(500):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("T", "t"):
            return
        time.sleep(0.01)
    raise AssertionError("the ingest did not stop")


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun_equals_clean_ingest(tmp_path, embedder):
    folder = copy_corpus(SMALL_PDFS, tmp_path / "docs")
    index = tmp_path / "killed"
    child = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(index)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 900
        store = None
        while child.poll() is None and time.monotonic() < deadline:
            if store is None and _holds_lock(index, child.pid):  # its store exists by now
                store = Store(settings_for(index), model_name=Settings().model)
            if store is not None and store.count() > 0:
                os.kill(child.pid, signal.SIGSTOP)  # freeze it amid its first writes
                _wait_until_stopped(child.pid)
                break
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL, "the ingest ended before it was killed"
    finally:
        if child.poll() is None:
            child.kill()
    assert store is not None and store.count() > 0, "killed before any passage was written"

    rerun = cli("ingest", str(folder), "--index", str(index), "--json")
    assert rerun.returncode == 0, rerun.stderr
    repair = json.loads(rerun.stdout)
    # The killed run had not finished: the rerun had work to do, and did all of it.
    assert repair["files_indexed"] >= 1
    assert repair["files_indexed"] + repair["files_unchanged"] == len(SMALL_PDFS)

    run_ingest(folder, tmp_path / "clean", embedder)
    clean, recovered = snapshot(tmp_path / "clean"), snapshot(index)
    assert_consistent(recovered)
    assert recovered.documents == clean.documents
    assert len(recovered.passages) == len(clean.passages)
    assert recovered.passages == clean.passages


# --- concurrency -----------------------------------------------------------------------------


def test_second_ingest_stops_and_queries_keep_working_during_an_ingest(tmp_path, embedder):
    index = tmp_path / "idx"
    run_ingest(
        write_docs(tmp_path / "seed", {"seed.txt": "Seed paper. " + hostile.PROSE}), index, embedder
    )
    folder = copy_corpus(SMALL_PDFS[:2], tmp_path / "docs")
    settings = settings_for(index)
    first_done, release = threading.Event(), threading.Event()
    result: dict = {}

    def progress(name, passages):
        first_done.set()
        release.wait(timeout=600)  # hold the ingest (and its lock) open while we probe

    def writer():
        store = Store(settings, model_name=settings.model, create=True)
        result["report"] = ingest(
            [folder], settings=settings, embedder=embedder, store=store, progress=progress
        )

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert first_done.wait(timeout=600)
        second = cli("ingest", str(folder), "--index", str(index))
        assert second.returncode == 1
        assert "another ingest" in second.stderr and f"pid {os.getpid()}" in second.stderr
        assert "Traceback" not in second.stderr
        with pytest.raises(IngestBusy), ingest_lock(settings_for(index)):
            pass

        ask = cli(
            "ask", "How quickly do social workers see children?", "--json", "--index", str(index)
        )
        assert ask.returncode == 0, ask.stderr
        asked = json.loads(ask.stdout)
        sources = cli("sources", "--json", "--index", str(index))
        assert sources.returncode == 0 and "seed.txt" in sources.stdout
        registered = {r["source"] for r in json.loads(sources.stdout)}
        # Mid-ingest, answers come only from documents already registered, whole.
        cited = {c["source"] for c in asked["citations"] + asked["related"]}
        assert cited and cited <= registered, (cited, registered)
        assert thread.is_alive(), "the ingest finished before the probes ran"
    finally:
        release.set()
        thread.join(timeout=600)
    assert result["report"].exit_code == 0
    assert_consistent(snapshot(index))


def test_long_lived_reader_sees_documents_another_process_ingested(tmp_path, embedder):
    """The UI keeps one store open for hours; a weekly ingest runs in another process."""
    index = tmp_path / "idx"
    run_ingest(
        write_docs(tmp_path / "seed", {"seed.txt": "Seed paper. " + hostile.PROSE}), index, embedder
    )
    settings = settings_for(index)
    clock = FakeClock()
    store = Store(settings, model_name=settings.model, clock=clock)
    retriever = Retriever(settings, embedder=embedder, store=store, clock=clock)
    question = "What did the harbour master report about lighthouse maintenance?"
    assert all(h.passage.source == "seed.txt" for h in retriever.search(question, reader=OPERATOR))
    opened = store._connection

    new = write_docs(
        tmp_path / "new",
        {
            "harbour.txt": (
                "Harbour master's report. Lighthouse maintenance was completed on schedule, "
                "and the harbour master reported that the lamp, lens and fog signal were all in "
                "good order."
            )
        },
    )
    result = cli("ingest", str(new), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert retriever.keyword_index().search("lighthouse", k=5) == [], "looked within 2 s"

    clock.advance(1.0)  # the store looks for outside changes once a second
    dense = retriever.store.query(embedder.embed_query(question), k=5)
    assert dense and dense[0].passage.source == "harbour.txt"
    assert store._connection is not opened, "another process's ingest: the index was reloaded"
    clock.advance(1.0)  # the keyword index, every 2 s
    assert retriever.keyword_index().search("lighthouse", k=5)
    assert retriever.search(question, reader=OPERATOR)[0].passage.source == "harbour.txt"


# --- damaged index ---------------------------------------------------------------------------


@pytest.fixture
def small_index(tmp_path, embedder) -> tuple[Path, Path]:
    folder = write_docs(tmp_path / "docs", {"a.txt": "Alpha. " + hostile.PROSE})
    run_ingest(folder, tmp_path / "idx", embedder)
    return folder, tmp_path / "idx"


def _damage_sqlite(index: Path) -> None:
    (index / "chroma" / "chroma.sqlite3").write_bytes(b"not a database " * 400)


def _damage_truncate(index: Path) -> None:
    """A half-finished copy of the index folder (a sync tool interrupted, a full disk)."""
    database = index / "chroma" / "chroma.sqlite3"
    with database.open("r+b") as handle:
        handle.truncate(database.stat().st_size // 3)


def _damage_replace_with_file(index: Path) -> None:
    shutil.rmtree(index / "chroma")
    (index / "chroma").write_text("oops", encoding="utf-8")


@pytest.mark.parametrize("damage", [_damage_sqlite, _damage_truncate, _damage_replace_with_file])
def test_damaged_index_gives_clear_message_and_rebuild_repairs(small_index, damage):
    folder, index = small_index
    damage(index)
    asked = cli("ask", "Are plans for care leavers good?", "--index", str(index))
    assert asked.returncode == 1
    assert "Traceback" not in asked.stderr
    assert "--rebuild" in asked.stderr and str(index) in asked.stderr

    rebuilt = cli("ingest", "--rebuild", str(folder), "--index", str(index), "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["files_indexed"] == 1
    assert cli("ask", "Are plans for care leavers good?", "--index", str(index)).returncode == 0
    assert_consistent(snapshot(index))


def test_index_built_with_another_model_is_refused_with_a_way_out(small_index):
    _, index = small_index
    settings = Settings.from_env({}, index_dir=index, model="some-org/other-model")
    with pytest.raises(IndexUnavailable, match="--rebuild"):
        Store(settings, model_name=settings.model)
    env = {**os.environ, "ASSISTANT_MODEL": "some-org/other-model"}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "sources", "--index", str(index)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1 and "other-model" in result.stderr
    assert "Traceback" not in result.stderr
