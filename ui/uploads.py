"""Uploads from the browser: safe file names, saved under the index, then ingested."""

from __future__ import annotations

import queue
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from assistant.documents.readers import SUPPORTED
from assistant.index.ingest import RemoveReport

UPLOAD_SUBDIR = "uploads"  # sources of uploaded files read "uploads/<name>"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_MAX_NAME = 120
T = TypeVar("T")


@dataclass(frozen=True)
class SavedUpload:
    """An uploaded file written to disk, or the reason it was refused."""

    original: str
    path: Path | None = None
    error: str = ""


def upload_root(index_dir: Path) -> Path:
    """The folder ingested for uploads; files live in its `uploads/` subfolder."""
    return index_dir / "uploaded"


def safe_name(name: str) -> str:
    """A plain file name: no folders, no `..`, no hidden files, only portable characters."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem.strip(" ._")[:_MAX_NAME] or "upload"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def save_upload(name: str, data: bytes, *, folder: Path) -> SavedUpload:
    """Write one uploaded file into `folder` under a sanitised name."""
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in SUPPORTED:
        kinds = ", ".join(sorted(s.lstrip(".") for s in SUPPORTED))
        return SavedUpload(
            name, error=f"unsupported file type '{suffix or '(none)'}' (use {kinds})"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / clean
    if path.resolve().parent != folder.resolve():  # belt and braces after sanitising
        return SavedUpload(name, error="refused: the file name points outside the upload folder")
    path.write_bytes(data)
    return SavedUpload(name, path=path)


def remove_upload(source: str, *, remove: Callable[[list[str]], RemoveReport], root: Path) -> bool:
    """Take an uploaded document out of the index through `remove` (the path `assistant remove`
    takes), then delete its saved copy, which the next upload's ingest of the folder would
    otherwise add back. True when the index held it."""
    folder = (root / UPLOAD_SUBDIR).resolve()
    path = (root / source).resolve()
    if not source.startswith(f"{UPLOAD_SUBDIR}/") or path.parent != folder:
        raise ValueError(f"not an uploaded document: {source!r}")
    report = remove([source])
    path.unlink(missing_ok=True)
    return source in report.removed


def run_with_progress(
    task: Callable[[Callable[[str, int], None]], T], on_progress: Callable[[str], None]
) -> T:
    """Run `task(progress)` on a worker thread and replay its progress calls on this thread.

    The engine may report progress from its own threads; a page can only be updated from the
    thread running the script, so calls are queued and replayed here. Errors are re-raised here.
    """
    events: queue.Queue[str] = queue.Queue()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = task(lambda name, passages: events.put(name))
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, daemon=True, name="ui-ingest")
    worker.start()
    while worker.is_alive() or not events.empty():
        try:
            on_progress(events.get(timeout=0.1))
        except queue.Empty:
            continue
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
