"""The ingest pipeline's plumbing: embedding passages of several documents together, and
writing to the store on a background thread, so the model is never idle or half-fed.

Measured on 2 cores: one `encode` call per document left the model waiting on small last
batches and on every Chroma write. Here a run of documents is embedded in one call of at least
`min_texts` passages (sentence-transformers sorts them by length, so little padding), while the
previous run is written to Chroma. Memory stays bounded: at most one run being embedded and
`depth` runs waiting to be written, whatever the size of the corpus.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


def embed_in_runs(
    items: Iterable[T],
    *,
    texts_of: Callable[[T], list[str]],
    embed: Callable[[list[str]], np.ndarray],
    min_texts: int,
) -> Iterator[tuple[T, np.ndarray]]:
    """Each item with the vectors of its texts, in order; texts of consecutive items are
    embedded together in calls of at least `min_texts` (fewer only at the end)."""
    run: list[tuple[T, list[str]]] = []
    size = 0
    for item in items:
        texts = texts_of(item)
        run.append((item, texts))
        size += len(texts)
        if size >= min_texts:
            yield from _embed_run(run, embed)
            run, size = [], 0
    yield from _embed_run(run, embed)


def _embed_run(run: list[tuple[T, list[str]]], embed) -> Iterator[tuple[T, np.ndarray]]:
    texts = [t for _, item_texts in run for t in item_texts]
    vectors = embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    start = 0
    for item, item_texts in run:
        yield item, vectors[start : start + len(item_texts)]
        start += len(item_texts)


class BackgroundWriter(Generic[T]):
    """Calls `write(item, vectors)` on one worker thread, in order, with a bounded queue.

    Use as a context manager; leaving it waits for every write. An error in a write stops
    the writer and is raised in the caller on its next `put` or on exit."""

    def __init__(self, write: Callable[[T, np.ndarray], None], *, depth: int = 2,
                 name: str = "writer"):
        self._write = write
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, daemon=True, name=name)

    def __enter__(self) -> BackgroundWriter[T]:
        self._thread.start()
        return self

    def put(self, item: T, vectors: np.ndarray) -> None:
        self._raise_if_failed()
        self._queue.put((item, vectors))

    def __exit__(self, *exc_info) -> None:
        self._queue.put(None)
        self._thread.join()
        if exc_info[0] is None:
            self._raise_if_failed()

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so the producer never blocks on a full queue
            try:
                self._write(*job)
            except BaseException as exc:  # re-raised in the caller's thread
                self._error = exc

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error
