"""`Store.stamp()` reads a few small records whatever the size of the index, yet moves with every
write, after a writer killed mid-write (once the next ingest repairs), and when another process
rebuilds the index folder under a long-lived reader; a Store's own writes never reload it."""

from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np
import pytest
from helpers import hostile
from helpers.fake_clock import FakeClock
from helpers.processes import SYS_PATH, cli
from helpers.stores import passages, record, store_at, vectors

from assistant.index.keyword import KeywordIndex, keyword_folder
from assistant.index.store import SEARCH_EF


def test_stamp_moves_with_every_write_and_leaves_the_passages_metadata_alone(tmp_path):
    store = store_at(tmp_path / "idx")
    stamps = [store.stamp()]
    assert stamps[0].endswith(":0:0"), "an index without a generation yet reads as generation 0"
    store.add(passages("doc", 3), vectors(3))
    stamps.append(store.stamp())
    store.register(record("doc"))
    stamps.append(store.stamp())
    store.add(passages("doc", 3), vectors(3) * -1)  # the same ids again: no count changes
    stamps.append(store.stamp())
    store.remove_documents(["doc"])
    stamps.append(store.stamp())
    assert len(set(stamps)) == len(stamps), stamps
    assert store.stamp() == stamps[-1], "a stamp moves only with writes"

    stored = store._client.get_collection(store.settings.collection, embedding_function=None)
    assert stored.metadata == {
        "hnsw:space": "cosine",
        "hnsw:search_ef": SEARCH_EF,
        "embedding_model": store.model_name,
    }


# Run in a child process: write, then SIGKILL itself after the write but before the generation
# is renewed the second time (the worst moment), printing the stamp a reader would see then.
_KILLED_WRITER = """
import os, signal
from pathlib import Path
from helpers.stores import passages, record, store_at, vectors
from assistant.index.store import Store

store = store_at(Path({index!r}))
renew = Store._renew_generation

def killed_before_closing(self, *, writing):
    if not writing:
        print(self.stamp(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    renew(self, writing=writing)

if {write!r} == "register":
    store.add(passages("late", 3), vectors(3))
Store._renew_generation = killed_before_closing
if {write!r} == "add":
    store.add(passages("late", 3), vectors(3))
else:
    store.register(record("late"))
"""


@pytest.mark.parametrize("write", ["add", "register"])
def test_writer_killed_mid_write_cannot_leave_a_stale_stamp_past_repair(tmp_path, write):
    index = tmp_path / "idx"
    store = store_at(index)
    store.add(passages("kept", 3), vectors(3))
    store.register(record("kept"))
    before = store.stamp()

    script = SYS_PATH + _KILLED_WRITER.format(index=str(index), write=write)
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    during = child.stdout.strip()
    assert during and store.stamp() != before, "a write that was begun must move the stamp"

    assert store.repair() == (1 if write == "add" else 0)  # the next ingest starts with this
    repaired = store.stamp()
    assert repaired not in (before, during), "a stamp taken during the killed write still matches"
    store.repair()
    assert store.stamp() == repaired, "a repair with nothing to do must not move the stamp"


def test_long_lived_reader_follows_a_rebuild_by_another_process(tmp_path):
    """Chroma here would go on reading the deleted database file of the old index."""
    index = tmp_path / "idx"
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "old.txt").write_text("Old report. " + hostile.PROSE, encoding="utf-8")
    (new / "new.txt").write_text("New report. " + hostile.PROSE, encoding="utf-8")
    assert cli("ingest", str(old), "--index", str(index)).returncode == 0
    clock = FakeClock()
    store = store_at(index, clock)
    assert [r.source for r in store.records()] == ["old.txt"]
    before = store.stamp()
    opened = store._connection

    rebuilt = cli("ingest", "--rebuild", str(new), "--index", str(index))
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Within the period the store does not look: it reads on from the deleted file, which shows
    # the clock, not the time the rebuild took, decides when it follows.
    assert [r.source for r in store.records()] == ["old.txt"]
    clock.advance(1.0)  # the store looks for outside changes once a second
    assert [r.source for r in store.records()] == ["new.txt"]
    assert store._connection is not opened, "the folder was loaded again"
    assert store.stamp() != before
    keyword = KeywordIndex.load(keyword_folder(store.settings))
    assert keyword is not None and keyword.stamp == store.stamp()
    probe = np.ones(384, dtype=np.float32) / np.sqrt(384)
    assert {h.passage.source for h in store.query(probe, k=50)} == {"new.txt"}


def test_own_writes_never_make_the_store_reload(tmp_path):
    """Loading an index again costs its vector index: a Store's own writes are in the instance
    that made them, so the store it writes through goes on using it."""
    clock = FakeClock()
    store = store_at(tmp_path / "idx", clock)
    opened = store._connection
    store.add(passages("doc", 3), vectors(3))
    store.register(record("doc"))
    clock.advance(1.0)
    probe = np.ones(384, dtype=np.float32) / np.sqrt(384)
    assert {h.passage.id for h in store.query(probe, k=5)} == {"doc:0", "doc:1", "doc:2"}
    assert [r.source for r in store.records()] == ["doc.txt"]
    assert store._connection is opened


def test_a_keyword_index_tokenised_by_other_code_is_rebuilt(tmp_path):
    """The index records what its tokeniser makes of a probe text; one saved by a tokeniser
    that made something else (here: word pairs) is not used, and the next look rebuilds it."""
    import json

    from assistant.index.keyword import ensure_keyword_index

    store = store_at(tmp_path / "idx")
    store.add(passages("doc", 3), vectors(3))
    store.register(record("doc"))
    folder = keyword_folder(store.settings)
    built = ensure_keyword_index(store.settings, store)
    assert KeywordIndex.load(folder) is not None
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["tokens"] = meta["tokens"] + ["children service"]  # another tokeniser's output
    meta["vocab"] = {**meta["vocab"], "stale": len(meta["vocab"])}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert KeywordIndex.load(folder) is None
    rebuilt = ensure_keyword_index(store.settings, store)
    assert rebuilt.stamp == built.stamp and "stale" not in rebuilt._vocab
    assert KeywordIndex.load(folder) is not None
