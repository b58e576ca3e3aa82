"""Small real stores and what goes into them: settings for an index folder, a Store on it,
passages, vectors and document records made from literals.

Shared by the store tests and by the scripts they run in another process (which put tests/ on
their path first: `helpers.processes.SYS_PATH`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.core.passage import Passage
from assistant.core.record import DocumentRecord
from assistant.index.store import Store
from assistant.settings import Settings

DIMENSION = 384  # the bundled model's


def settings_at(index: Path) -> Settings:
    return Settings.from_env({}, index_dir=index)


def store_at(index: Path, clock=None) -> Store:
    """A Store on the index folder, created if need be; `clock` as Store takes it."""
    settings = settings_at(index)
    if clock is None:
        return Store(settings, model_name=settings.model, create=True)
    return Store(settings, model_name=settings.model, create=True, clock=clock)


def passages(doc_id: str, n: int = 1) -> list[Passage]:
    """`n` passages of `doc_id`.txt, with ids `doc_id:0`, `doc_id:1`, ..."""
    text = "The panel met monthly."
    return [
        Passage(f"{doc_id}:{i}", doc_id, f"{doc_id}.txt", None, i, 0, len(text), text)
        for i in range(n)
    ]


def unit_vector() -> np.ndarray:
    """One vector, (1, DIMENSION), of unit length and the same every time."""
    return np.ones((1, DIMENSION), dtype=np.float32) / np.sqrt(DIMENSION)


def vectors(n: int) -> np.ndarray:
    """`n` random unit vectors, the same for the same `n`."""
    drawn = np.random.default_rng(n).random((n, DIMENSION), dtype=np.float32)
    return drawn / np.linalg.norm(drawn, axis=1, keepdims=True)


def record(doc_id: str, passages: int = 3) -> DocumentRecord:
    return DocumentRecord(doc_id, f"{doc_id}.txt", "txt", 1, passages, "sha", 0.0)
