"""Chroma connections: the only module that imports chromadb.

An embedded `PersistentClient` in the index folder by default, or an `HttpClient` when
`Settings.chroma_url` names a Chroma server. `store.py` builds the passages and registry on top;
`LeaseRecord` is the server-side half of the ingest lock (see locks.py).
"""

from __future__ import annotations

import time

from .settings import Settings


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


def client(settings: Settings, *, fresh: bool = False):
    """A client for the configured index; `fresh` loads an embedded folder from disk again."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    path = str(settings.index_dir / "chroma")
    if fresh:
        forget_cached_system(path)
    return chromadb.PersistentClient(path=path, settings=chroma_settings)


def forget_cached_system(path: str) -> None:
    # Chroma keeps one embedded instance per folder for the whole process, and its vector index
    # never sees passages that another process (an ingest) added after it was loaded. Dropping
    # the cache entry -- without stopping the instance, which other Store objects may still
    # use -- makes the next client load the folder afresh.
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)


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


def delete_collections(settings: Settings, names: list[str]) -> None:
    """Delete the named collections on the server, those already gone included."""
    try:
        server = client(settings)
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
            self._client = client(settings)
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
