"""chroma.py on real Chroma folders: which errors mean "the index was rebuilt under us", and
loading an embedded folder again gives a fresh view through Chroma's public API."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import servers
from helpers.fake_clock import FakeClock
from helpers.processes import SYS_PATH, cli
from helpers.stores import passages, settings_at, unit_vector

from assistant.index.chroma import Connections, IndexUnavailable, is_rebuilt, is_storage_error
from assistant.index.store import Store
from assistant.settings import Settings

NAME = "probe-collection"


def _collection(connection, name: str = NAME):
    return connection.client.get_or_create_collection(
        name, metadata={"hnsw:space": "cosine"}, embedding_function=None
    )


def _add(collection, ids: list[str], axis: int) -> None:
    vectors = np.zeros((len(ids), 4), dtype=np.float32)
    vectors[:, axis] = 1.0
    collection.upsert(ids=ids, embeddings=vectors, documents=ids)


def _raised(call) -> BaseException:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - the point is to look at what Chroma raises
        return exc
    raise AssertionError("expected Chroma to raise")


# --- which errors are "rebuilt" ---------------------------------------------------------------


def test_a_collection_deleted_under_its_handle_is_rebuilt(tmp_path):
    connection = Connections().connect(settings_at(tmp_path / "idx"))
    collection = _collection(connection)
    _add(collection, ["a"], 0)
    connection.client.delete_collection(NAME)
    _collection(connection)  # made again: a new id
    for call in (collection.count, lambda: collection.get(ids=["a"])):
        exc = _raised(call)
        assert is_storage_error(exc) and is_rebuilt(exc), repr(exc)


def test_a_write_to_a_database_file_that_was_replaced_is_rebuilt(tmp_path):
    settings = settings_at(tmp_path / "idx")
    collection = _collection(Connections().connect(settings))
    _add(collection, ["a"], 0)
    shutil.rmtree(tmp_path / "idx" / "chroma")  # what `ingest --rebuild` elsewhere does
    _add(_collection(Connections().connect(settings)), ["b"], 1)

    # Whether reads go on from the deleted file for a while depends on SQLite's timing; a write
    # through the old collection either lands or fails with an error meaning "rebuilt".
    try:
        _add(collection, ["c"], 2)
    except BaseException as exc:  # noqa: BLE001 - pyo3 panics are BaseExceptions
        assert is_storage_error(exc) and is_rebuilt(exc), repr(exc)


_OTHER_PROCESS_ADDS = """
import numpy as np
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path={path!r}, settings=Settings(anonymized_telemetry=False))
client.get_collection({name!r}, embedding_function=None).upsert(
    ids=["theirs"], embeddings=np.array([[0.0, 0.0, 0.0, 1.0]], dtype=np.float32), documents=["t"]
)
"""


def _other_process_adds(index: Path) -> None:
    script = _OTHER_PROCESS_ADDS.format(path=str(index / "chroma"), name=NAME)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)


def test_a_collection_read_empty_then_written_by_another_process_is_rebuilt(tmp_path):
    collection = _collection(Connections().connect(settings_at(tmp_path / "idx")))
    assert collection.query(query_embeddings=[[1.0, 0, 0, 0]], n_results=1)["ids"] == [[]]
    _other_process_adds(tmp_path / "idx")
    exc = _raised(lambda: collection.query(query_embeddings=[[1.0, 0, 0, 0]], n_results=1))
    assert is_storage_error(exc) and is_rebuilt(exc), repr(exc)


def test_a_damaged_database_is_not_rebuilt(tmp_path):
    settings = settings_at(tmp_path / "idx")
    _add(_collection(Connections().connect(settings)), ["a"], 0)
    (tmp_path / "idx" / "chroma" / "chroma.sqlite3").write_bytes(b"not a database " * 400)
    exc = _raised(lambda: _collection(Connections().connect(settings, reload=True)))
    assert is_storage_error(exc) and not is_rebuilt(exc), repr(exc)


def test_an_unreachable_server_and_our_own_bugs_are_not_rebuilt(tmp_path):
    port = servers.free_port()
    settings = Settings.from_env({}, index_dir=tmp_path, chroma_url=f"http://127.0.0.1:{port}")
    assert not is_rebuilt(_raised(lambda: Connections().connect(settings)))
    assert not is_rebuilt(KeyError("Collection [x] does not exist"))


# --- connections ------------------------------------------------------------------------------


def test_one_instance_per_folder_and_a_reload_sees_another_process_writes(tmp_path):
    settings = settings_at(tmp_path / "idx")
    connections = Connections()
    first = connections.connect(settings)
    assert connections.connect(settings) is first is connections.current(settings)
    _add(_collection(first), [f"ours-{i}" for i in range(20)], 0)
    _collection(first).query(query_embeddings=[[0, 0, 0, 1.0]], n_results=1)  # index loaded

    _other_process_adds(tmp_path / "idx")
    probe = [[0.0, 0.0, 0.0, 1.0]]
    # Why reloading exists: an instance never sees the vectors another process added.
    assert _collection(first).query(query_embeddings=probe, n_results=1)["ids"] != [["theirs"]]

    fresh = connections.connect(settings, reload=True)
    assert fresh is not first and connections.current(settings) is fresh
    assert _collection(fresh).query(query_embeddings=probe, n_results=1)["ids"] == [["theirs"]]
    assert _collection(first).count() == 21, "the old instance was not stopped under its users"


def test_a_replaced_database_file_is_loaded_again_and_a_forgotten_folder_too(tmp_path):
    settings = settings_at(tmp_path / "idx")
    connections = Connections()
    first = connections.connect(settings)
    _add(_collection(first), ["old"], 0)
    shutil.rmtree(tmp_path / "idx" / "chroma")
    _add(_collection(Connections().connect(settings)), ["new"], 1)

    again = connections.connect(settings)
    assert again is not first
    assert _collection(again).get()["ids"] == ["new"]
    connections.forget(settings)
    assert connections.current(settings) is None
    assert connections.connect(settings) is not again


# --- the store on top -------------------------------------------------------------------------


def test_a_write_after_another_process_rebuilt_the_folder_lands_in_the_new_one(tmp_path):
    """The store has not looked yet (its clock stands still): the write fails on the deleted
    file, and is retried once on the folder as it is now."""
    settings = settings_at(tmp_path / "idx")
    store = Store(settings, model_name=settings.model, create=True, clock=FakeClock())
    store.add(passages("old"), unit_vector())
    rebuilt = cli("ingest", "--rebuild", str(tmp_path / "none"), "--index", str(tmp_path / "idx"))
    assert "Traceback" not in rebuilt.stderr, rebuilt.stderr
    assert (tmp_path / "idx" / "chroma" / "chroma.sqlite3").exists()
    store.add(passages("late"), unit_vector())

    reader = Store(settings, model_name=settings.model)
    assert [p.id for batch in reader.iter_passages() for p in batch] == ["late:0"]


class CountedConnections(Connections):
    def __init__(self) -> None:
        super().__init__()
        self.reloads = 0

    def connect(self, settings: Settings, *, reload: bool = False):
        self.reloads += reload
        return super().connect(settings, reload=reload)


def test_a_database_damaged_under_an_open_store_fails_at_once_with_the_way_out(tmp_path):
    settings = settings_at(tmp_path / "idx")
    connections = CountedConnections()
    store = Store(
        settings, model_name=settings.model, create=True, clock=FakeClock(), connections=connections
    )
    store.add(passages("doc"), unit_vector())
    database = tmp_path / "idx" / "chroma" / "chroma.sqlite3"
    with database.open("r+b") as handle:  # the same file, overwritten: no rebuild
        handle.write(b"not a database " * 400)
    with pytest.raises(IndexUnavailable, match="--rebuild"):
        store.records()
    assert connections.reloads == 0, "a damaged index is not reloaded and retried"


_OTHER_PROCESS_STORES = """
from pathlib import Path
from helpers.stores import passages, settings_at, unit_vector
from assistant.index.store import Store

settings = settings_at(Path({index!r}))
store = Store(settings, model_name=settings.model)
store.add(passages("theirs"), unit_vector())
"""


def _other_process_stores(index: Path) -> None:
    script = SYS_PATH + _OTHER_PROCESS_STORES.format(index=str(index))
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)


def test_a_store_that_read_an_empty_index_answers_after_another_process_wrote(tmp_path):
    """The UI opened during the first ingest: its clock stands still, so it has not looked, and
    the query on its out-of-date instance fails once, then succeeds on the index loaded again."""
    settings = settings_at(tmp_path / "idx")
    store = Store(settings, model_name=settings.model, create=True, clock=FakeClock())
    assert store.query(unit_vector()[0], k=3) == []
    _other_process_stores(tmp_path / "idx")
    assert [h.passage.id for h in store.query(unit_vector()[0], k=3)] == ["theirs:0"]


def test_a_store_joining_an_out_of_date_instance_loads_it_again_at_its_first_query(tmp_path):
    """A new Store shares the instance an older Store here loaded; that instance may predate
    another process's writes, and the new Store must not take it as current."""
    settings = settings_at(tmp_path / "idx")
    older = Store(settings, model_name=settings.model, create=True, clock=FakeClock())
    older.add(passages("ours"), unit_vector())
    assert [h.passage.id for h in older.query(unit_vector()[0], k=3)] == ["ours:0"]
    _other_process_stores(tmp_path / "idx")

    newer = Store(settings, model_name=settings.model, clock=FakeClock())
    assert {h.passage.id for h in newer.query(unit_vector()[0], k=3)} == {"ours:0", "theirs:0"}
    assert {h.passage.id for h in older.query(unit_vector()[0], k=3)} == {"ours:0", "theirs:0"}, (
        "the older Store follows the instance the newer one loaded"
    )
