"""A saved keyword index is scored without importing bm25s (nor scipy, which bm25s imports: a
third of a second of a cold question), with the very scores bm25s gives."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from helpers.paths import CORPUS
from helpers.processes import SYS_PATH

from assistant.index.keyword import KeywordIndex

REPORTS = ["ofsted-ilacs-liverpool-2023.pdf", "ofsted-fv-kent-2024.pdf"]
QUERIES = [
    "How high are personal advisers' caseloads in Liverpool?",
    "management oversight of care leavers",
    "What needs to improve in Kent? supervision supervision",  # a token asked twice
    "MASH front door",
]


@pytest.fixture(scope="module")
def built_and_saved(tmp_path_factory):
    from assistant.documents.passages import passages_of
    from assistant.documents.readers import FoundFile, read_document

    batches = []
    for name in REPORTS:
        document = read_document(FoundFile(CORPUS / name, name), max_bytes=10**9)
        batches.append(passages_of(document, max_tokens=200))
    built = KeywordIndex.build(batches, stamp="s")
    folder = tmp_path_factory.mktemp("keyword") / "keyword_passages"
    built.save(folder)
    return built, folder


def test_a_saved_index_scores_as_bm25s_does(built_and_saved):
    import bm25s

    built, folder = built_and_saved
    loaded = KeywordIndex.load(folder)
    assert loaded is not None and not isinstance(loaded._bm25, bm25s.BM25)
    assert isinstance(built._bm25, bm25s.BM25)
    for query in QUERIES:
        ours, theirs = loaded.search(query, k=20), built.search(query, k=20)
        assert ours and [(r.id, r.score) for r in ours] == [(r.id, r.score) for r in theirs]
    every = list(range(len(loaded._vocab)))
    assert np.array_equal(
        loaded._bm25.get_scores_from_ids(every), built._bm25.get_scores_from_ids(every)
    )
    assert np.array_equal(loaded.holding("caseloads"), built.holding("caseloads"))
    assert loaded.holding("caseloads").any()


def test_searching_a_saved_index_imports_neither_bm25s_nor_scipy(built_and_saved):
    _, folder = built_and_saved
    code = SYS_PATH + (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from assistant.index.keyword import KeywordIndex\n"
        f"index = KeywordIndex.load(Path({str(folder)!r}))\n"
        f"hits = index.search({QUERIES[0]!r}, k=5)\n"
        "loaded = sorted(m for m in ('bm25s', 'scipy') if m in sys.modules)\n"
        "print(json.dumps([len(hits), loaded]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [5, []]
