"""Chroma connections: the only module that imports chromadb.

An embedded `PersistentClient` in the index folder by default, or an `HttpClient` when
`Settings.chroma_url` names a Chroma server. `Connections` holds this process's embedded
instances (one per folder, loaded again when another process changed or rebuilt it);
`is_rebuilt` tells which Chroma errors mean the index was made again under us. `store.py` builds
the passages and registry on top; `LeaseRecord` is the server-side half of the ingest lock.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from assistant.offline import offline_environment
from assistant.settings import Settings


class IndexUnavailable(Exception):
    """The index folder or server cannot be used; the message says what to do."""


class IndexMissing(IndexUnavailable):
    """No index where the settings point: only `ingest` creates one."""


def missing(settings: Settings) -> IndexMissing:
    if settings.chroma_url:
        where = f"collection '{settings.collection}' on {settings.chroma_url}"
    else:
        where = f"index at {settings.index_dir}"
    return IndexMissing(f"no {where} — run `assistant ingest FOLDER` first")


def database_path(settings: Settings):
    """The embedded index's database file (its presence means an index was made there)."""
    return settings.index_dir / "chroma" / "chroma.sqlite3"


FileId = tuple[int, int]  # (device, inode): which file a path names, replaced or not


def database_file(settings: Settings) -> FileId | None:
    """Which file the embedded database is now (None: on a server, or no file yet).
    `ingest --rebuild` in another process deletes the folder and makes a new one, while an
    instance here goes on reading the deleted file without an error."""
    if settings.chroma_url:
        return None
    try:
        found = os.stat(database_path(settings))
    except OSError:
        return None
    return found.st_dev, found.st_ino


@dataclass(eq=False)
class Connection:
    """A client and, embedded, the database file its instance opened. A new one (compared by
    identity) is made each time an embedded folder is loaded again; every Store on the folder
    shares it, and with it what store.py knows of the instance."""

    client: Any
    database: FileId | None = None
    holds: object = None  # the state of the index the instance holds (None: not known yet)
    writing: int = 0  # writes under way through it


# Chroma keeps its instances in one process-wide cache, which `clear_system_cache()` empties for
# every folder and which a client reads while it is made: both are done under this lock.
_SYSTEMS_LOCK = threading.RLock()


class Connections:
    """This process's connections: one embedded instance per index folder, shared by every Store
    on it. Chroma shares one instance per folder anyway, so Stores must load it again together:
    a Store that finds a newer Connection here than its own reopens its collections on it."""

    def __init__(self) -> None:
        self._embedded: dict[str, Connection] = {}

    def connect(self, settings: Settings, *, reload: bool = False) -> Connection:
        """The folder's instance (loaded again from disk when `reload`, or when its database
        file was replaced since it was opened), or a new client for a server."""
        if settings.chroma_url:
            return Connection(_server_client(settings))
        key = _folder(settings)
        with _SYSTEMS_LOCK:
            held = self._embedded.get(key)
            now = database_file(settings)
            if held is not None and not reload and not _replaced(held.database, now):
                return held
            self._embedded[key] = _load(settings, now)
            return self._embedded[key]

    def current(self, settings: Settings) -> Connection | None:
        """The folder's instance as this process holds it now (None: none, or on a server)."""
        with _SYSTEMS_LOCK:
            return self._embedded.get(_folder(settings))

    def forget(self, settings: Settings) -> None:
        """Drop the folder's instance before the folder is deleted: Stores still open here load
        the new one when next used (instances they still hold are not stopped under them)."""
        with _SYSTEMS_LOCK:
            self._embedded.pop(_folder(settings), None)


SHARED = Connections()  # the one every Store uses unless given another


def _folder(settings: Settings) -> str:
    return str(settings.index_dir / "chroma")


def _replaced(opened: FileId | None, now: FileId | None) -> bool:
    """The database file differs from the one opened (a missing file is not yet a new one)."""
    return opened is not None and now is not None and opened != now


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _load(settings: Settings, database: FileId | None) -> Connection:
    """A new embedded instance, read from disk: another process's writes since the last load are
    in its vector index (an instance loaded before never sees them)."""
    offline_environment()  # telemetry off by environment too, before chromadb reads it
    import chromadb

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    # Without this Chroma would hand back the instance it already holds for the folder.
    _clear_chroma_cache()
    client = chromadb.PersistentClient(path=_folder(settings), settings=_chroma_settings())
    return Connection(client, database or database_file(settings))


def _clear_chroma_cache() -> None:
    # `clear_system_cache()` is Chroma's public way to "create new systems for an existing path"
    # (its docstring says for tests; there is no per-folder one). It forgets the cache without
    # stopping what is in it: clients made before keep their instances and work on, so a Store
    # or thread still reading on the old one is not cut off, and Python frees it when the last
    # lets go. `client.close()`, the other public way, would stop the instance under them.
    from chromadb.api.shared_system_client import SharedSystemClient

    with _SYSTEMS_LOCK:
        SharedSystemClient.clear_system_cache()


def _server_client(settings: Settings):
    offline_environment()
    import chromadb

    url = urlparse(settings.chroma_url)
    with _SYSTEMS_LOCK:
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            settings=_chroma_settings(),
        )


def unavailable(settings: Settings, exc: BaseException) -> IndexUnavailable:
    where = settings.chroma_url or settings.index_dir
    return IndexUnavailable(
        f"cannot use the index at {where} ({exc.__class__.__name__}: {str(exc)[:300]}). "
        "If the folder is damaged or from an incompatible version, run "
        "`assistant ingest --rebuild PATH...` to build it afresh."
    )


_STORAGE_MODULES = {"chromadb", "pyo3_runtime", "httpx", "httpcore", "sqlite3"}


def is_storage_error(exc: BaseException) -> bool:
    """Raised by the index itself (Chroma, its Rust core's panics, the disk, the network), as
    opposed to a bug in our own arguments, which should surface as it is."""
    if isinstance(exc, IndexUnavailable | KeyboardInterrupt | SystemExit | GeneratorExit):
        return False
    return isinstance(exc, OSError) or type(exc).__module__.split(".")[0] in _STORAGE_MODULES


def is_rebuilt(exc: BaseException) -> bool:
    """Chroma's error means the index was made again (or anew) under an instance that had loaded
    it: opening it again and retrying succeeds. Nothing else is retried: a damaged index or an
    unreachable server fails again the same way, and is reported at once."""
    from chromadb import errors

    message = str(exc)
    return any(
        isinstance(exc, getattr(errors, kind)) and pattern.search(message)
        for kind, pattern in _REBUILT
    )


# Found by provoking each case on chromadb 1.5.9 (tests/index/test_chroma_connections.py again).
_REBUILT = [
    # A collection deleted and made again (a new id) by another process or on a server: every
    # call on the old one, embedded or over HTTP ("Collection [<id>] does not exist.").
    ("NotFoundError", re.compile(r"Collection \[[^\]]+\] does not exist")),
    # The database file deleted under the instance (`ingest --rebuild` elsewhere): reads go on
    # from the deleted file, but SQLite refuses writes (SQLITE_READONLY_DBMOVED)...
    ("InternalError", re.compile(r"\(code: 1032\)")),
    # ...or a connection the instance opened since reads the new file, which lacks the old
    # collection's segments.
    ("InternalError", re.compile(r"Missing metadata segment")),
    # The collection was empty when the instance read it, and another process has written its
    # vector index to disk since.
    ("InternalError", re.compile(r"hnsw segment reader: Nothing found on disk")),
]


def delete_collections(settings: Settings, names: list[str]) -> None:
    """Delete the named collections on the server, those already gone included."""
    try:
        server = _server_client(settings)
        for name in names:
            try:
                server.delete_collection(name)
            except Exception as exc:
                if not _is_missing(server, name, exc):
                    raise
    except Exception as exc:
        raise unavailable(settings, exc) from exc


def _is_missing(server, name: str, exc: BaseException) -> bool:
    if not is_storage_error(exc):
        return False
    return name not in {c.name for c in server.list_collections()}


class LeaseRecord:
    """A lease kept as a small collection on the Chroma server: creating a collection whose
    name exists fails on the server, so one claim wins. Its metadata names the holder and the
    time of its last heartbeat. (Chroma offers no lock of its own.)"""

    def __init__(self, settings: Settings, name: str):
        self.settings = settings
        self.name = name
        try:
            self._client = _server_client(settings)
        except Exception as exc:
            raise unavailable(settings, exc) from exc

    def claim(self, holder: str) -> bool:
        """Take the lease; False when someone holds it."""
        try:
            self._client.create_collection(
                self.name, metadata=self._meta(holder), embedding_function=None
            )
            return True
        except Exception as exc:
            if self.read() is None:  # not a clash with a holder: the server failed
                raise unavailable(self.settings, exc) from exc
            return False

    def read(self) -> dict | None:
        """The holder's metadata (`holder`, `beat`: seconds since the epoch), or None if free."""
        try:
            lease = self._client.get_collection(self.name, embedding_function=None)
            return dict(lease.metadata or {})
        except Exception as exc:
            if _is_missing(self._client, self.name, exc):
                return None
            raise unavailable(self.settings, exc) from exc

    def beat(self, holder: str) -> None:
        self._client.get_collection(self.name, embedding_function=None).modify(
            metadata=self._meta(holder)
        )

    def release(self) -> None:
        try:
            self._client.delete_collection(self.name)
        except Exception as exc:
            if not _is_missing(self._client, self.name, exc):
                raise unavailable(self.settings, exc) from exc

    @staticmethod
    def _meta(holder: str) -> dict:
        return {"holder": holder, "beat": time.time()}
