"""Exported graphs kept between processes: one folder per model, named by the hash of the model
folder's files, so a changed model is exported again and an unchanged one never is.

Hashing the bundled model's files (90 MB) takes ~0.1 s, a tenth of a cold question, so the hash
is remembered against the folder's listing (names, sizes, modification times): a question
process reads the listing, not the weights, and hashes them again only when the listing changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from assistant.vectors.encoder import FACTS

FORMAT = 1  # part of every hash: bump it when the export changes, and every graph is made again
_REFUSED = "refused.txt"  # why this model's graph is not used (torch encodes it instead)


@dataclass(frozen=True)
class CachedGraph:
    """Where one model's exported graph is (or will be) kept."""

    folder: Path

    @property
    def ready(self) -> bool:
        return (self.folder / FACTS).is_file()

    @property
    def refused(self) -> str | None:
        try:
            return (self.folder / _REFUSED).read_text()
        except OSError:
            return None


def cached_graph(model: Path, *, cache: Path) -> CachedGraph | None:
    """The cache entry of a model folder; None when `model` is not a folder (a name that only
    sentence-transformers can resolve has no files to hash)."""
    if not model.is_dir():
        return None
    return CachedGraph(cache / folder_hash(model, memo=cache / "hashes"))


def folder_hash(model: Path, *, memo: Path) -> str:
    """The SHA-256 of every file in `model` (names and contents), remembered per listing."""
    files = sorted(p for p in model.rglob("*") if p.is_file())
    listing = [(str(p.relative_to(model)), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    key = hashlib.sha256(json.dumps([str(model.resolve()), listing]).encode()).hexdigest()
    remembered = memo / key
    try:
        return remembered.read_text()
    except OSError:
        pass
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for path in files:
        digest.update(str(path.relative_to(model)).encode() + b"\0")
        with path.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    value = digest.hexdigest()[:40]
    with suppress(OSError):  # a read-only cache: hashed again next time, nothing exported
        _write_atomically(remembered, value)
    return value


@contextmanager
def publishing(graph: CachedGraph) -> Iterator[Path]:
    """A fresh folder to export into. When the block succeeds it becomes `graph.folder` in one
    rename, so another process sees a whole export or none; if another process published first,
    its graph is kept (it is the same model) and this one dropped."""
    graph.folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=graph.folder.parent))
    work.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache's graphs from other users
    try:
        yield work
        try:
            work.rename(graph.folder)
        except OSError:
            if not graph.ready:
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def refuse(graph: CachedGraph, reason: str) -> None:
    """Remember that this model's graph must not be used, so no later process exports it again."""
    graph.folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(graph.folder / _REFUSED, reason)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(temporary, 0o644)  # as a plain write would leave it, not mkstemp's 0600
    os.replace(temporary, path)
