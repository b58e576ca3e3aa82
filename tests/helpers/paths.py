"""Where things are: the repository, the tests, the sample corpus, and the shared folder beside
the clone; a copy of some corpus files, and a corpus page's text as the index holds it."""

from __future__ import annotations

import shutil
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"  # present on developer machines and in CI, not in a bare clone


def copy_corpus(names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / name, dest / name)
    return dest


def page_text(source: str, page: int | None) -> str:
    """The text of one page of a sample document, as it is read for the index."""
    from assistant.documents.readers import FoundFile, read_document

    doc = read_document(FoundFile(CORPUS / source, source), max_bytes=10**9)
    return next(p.text for p in doc.pages if p.number == page)
