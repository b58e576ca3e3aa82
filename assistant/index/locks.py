"""One ingest per index at a time: a second one fails fast with a clear message.

Embedded, the lock is an `flock` on a file in the index folder, which the kernel releases when
its holder dies. On a Chroma server shared by several machines a local lock cannot see the
others, so a lease on the server is taken as well (chroma.LeaseRecord). Its holder renews it
every `BEAT_S`; one not renewed for `STALE_S` (an ingest that was killed) is broken by the next
ingest. Without it two machines' ingests would interleave, and one's `repair()` could delete
the other's passages stored but not yet registered.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.index.chroma import IndexUnavailable, LeaseRecord
from assistant.settings import Settings

BEAT_S = 20.0
STALE_S = 300.0  # generous: the machines' clocks are compared
_LEASE_SUFFIX = "__ingest_lease"


class IngestBusy(Exception):
    """Another ingest holds the index lock."""


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Hold the index's ingest lock (and, on a server, its lease) for the block."""
    with _local_lock(settings.index_dir):
        if not settings.chroma_url:
            yield
            return
        with server_lease(settings, name=settings.collection + _LEASE_SUFFIX):
            yield


@contextlib.contextmanager
def _local_lock(index_dir: Path) -> Iterator[None]:
    import fcntl

    path = index_dir / "ingest.lock"
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise IndexUnavailable(
            f"cannot use the index folder {index_dir}: {exc.strerror or exc}"
        ) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IngestBusy(
                f"another ingest ({holder}) is writing to {index_dir}; wait for it to finish"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def server_lease(
    settings: Settings, *, name: str, beat_s: float = BEAT_S, stale_s: float = STALE_S
) -> Iterator[None]:
    """Hold the lease `name` on the Chroma server, renewed on a thread, for the block."""
    record = LeaseRecord(settings, name)
    holder = f"pid {os.getpid()} on {socket.gethostname()}"
    _take(record, holder=holder, stale_s=stale_s, where=settings.chroma_url)
    stop = threading.Event()
    beating = threading.Thread(
        target=_renew, args=(record, holder, stop, beat_s), daemon=True, name="ingest-lease"
    )
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()
        with contextlib.suppress(IndexUnavailable):  # unreachable: the lease goes stale
            if (record.read() or {}).get("holder") == holder:
                record.release()


def _take(record: LeaseRecord, *, holder: str, stale_s: float, where: str | None) -> None:
    if record.claim(holder):
        return
    held = record.read()
    if held is not None and time.time() - float(held.get("beat", 0)) < stale_s:
        raise IngestBusy(
            f"another ingest ({held.get('holder', 'another machine')}) is writing to the "
            f"index on {where}; wait for it to finish"
        )
    # Left by an ingest that was killed (or freed meanwhile): take it over.
    record.release()
    if not record.claim(holder):
        raise IngestBusy(f"another ingest took the index on {where} just now; try again")


def _renew(record: LeaseRecord, holder: str, stop: threading.Event, beat_s: float) -> None:
    while not stop.wait(beat_s):
        try:
            held = record.read()
            if held is None or held.get("holder") != holder:
                return  # broken as stale by another machine: nothing left to renew
            record.beat(holder)
        except Exception:  # a missed beat is retried; STALE_S allows many
            continue
