"""The access label each document is given at ingest, and why: a sidecar's `access` first (a
person said so for this file), then the first folder rule that matches the file's path (an
operator said so for a folder), then the paper's own exempt marking (the paper says so), else
public. Labels are derived from the file's path, its sidecar and the marking found once at
ingest, so relabelling a document never needs its text read again or its passages re-embedded.
"""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path

from assistant.core.access import PUBLIC
from assistant.core.meta import DocumentMeta
from assistant.documents import sidecars
from assistant.settings import Settings


def labelled(meta: DocumentMeta, path: Path, source: str, settings: Settings) -> DocumentMeta:
    """`meta` with its access label and the reason for it (`access_basis`)."""
    stated = sidecars.overrides_for(path).get("access")
    if stated:
        return replace(meta, access=str(stated), access_basis=f"set by {sidecars.sources_of(path)}")
    for pattern, label in settings.access_rules:
        if fnmatchcase(source, pattern) or fnmatchcase(path.as_posix(), pattern):
            return replace(meta, access=label, access_basis=f"folder rule {pattern}")
    if meta.marking and settings.exempt_access != PUBLIC:
        return replace(meta, access=settings.exempt_access, access_basis=f"marked “{meta.marking}”")
    return replace(meta, access=PUBLIC, access_basis="")
