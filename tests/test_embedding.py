"""The torch-free question encoder matches sentence-transformers, asking never imports torch,
and the ingest pipeline's batching and background writer keep items and vectors together."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest

TEXTS = [
    "How well are care leavers supported?",
    "",
    "Children’s services in Isles of Scilly — café, naïve résumé; 2023/24 (MASH) ≥ 95%.",
    "Leaders have strengthened support for care leavers. " * 60,  # past the 256-token limit
    "Social workers visit children regularly and know them well.",
    "ILACS",
]


@pytest.fixture(scope="module")
def embedder():
    from assistant.embedding import Embedder

    return Embedder()


def test_onnx_encoder_matches_sentence_transformers(embedder):
    lite = embedder.lite
    assert lite is not None, "the bundled model should be served by the ONNX Runtime encoder"
    reference = embedder.model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    ours = lite.encode(TEXTS, batch_size=4)
    assert ours.shape == reference.shape == (len(TEXTS), embedder.dimension)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert lite.max_tokens == embedder.model.max_seq_length
    assert lite.count_tokens(TEXTS[4]) == len(embedder.model.tokenizer.tokenize(TEXTS[4]))


def test_questions_are_embedded_without_importing_torch():
    code = (
        "import sys\n"
        "from assistant.embedding import Embedder\n"
        "e = Embedder()\n"
        "v = e.embed_query('How timely are assessments?')\n"
        "w = e.embed(['a sentence'] * 40)\n"
        "assert v.shape == (384,) and w.shape == (40, 384)\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_large_batches_use_torch_and_agree_with_small_ones(embedder):
    from assistant.embedding import SMALL_BATCH

    texts = [f"Passage {i}: the fostering panel met {i} times." for i in range(SMALL_BATCH + 6)]
    bulk = embedder.embed(texts)  # one call over the limit: sentence-transformers
    assert embedder._model is not None
    pieces = [embedder.lite.encode(texts[i : i + 10]) for i in range(0, len(texts), 10)]
    piecewise = np.vstack(pieces)
    assert np.abs(bulk - piecewise).max() < 1e-5


def test_runs_keep_each_items_vectors_and_fill_calls(embedder):
    from assistant.pipeline import embed_in_runs

    items = [
        [f"Document {d}, passage {p}: inspectors met leaders." for p in range(n)]
        for d, n in enumerate([3, 0, 5, 1, 7, 2])
    ]
    calls: list[int] = []

    def embed(texts):
        calls.append(len(texts))
        return embedder.lite.encode(texts)

    runs = list(embed_in_runs(items, texts_of=list, embed=embed, min_texts=8, first_texts=2))
    out = [pair for run in runs for pair in run]
    assert [item for item, _ in out] == items
    for item, vectors in out:
        assert vectors.shape[0] == len(item)
        if item:
            assert np.abs(vectors - embedder.lite.encode(item)).max() < 1e-5
    assert sum(calls) == sum(len(i) for i in items)
    assert calls[0] >= 2 and all(n >= 8 for n in calls[1:-1]) and len(calls) < len(items)
    assert calls[0] < 8, "the first run starts the model early"


def test_background_writer_writes_each_run_in_order_and_reports_failures():
    from assistant.pipeline import BackgroundWriter

    written, threads = [], set()

    def write(run):
        threads.add(threading.current_thread().name)
        written.append([(item, vectors.shape) for item, vectors in run])

    with BackgroundWriter(write, name="test-writer") as writer:
        for start in range(0, 10, 3):
            writer.put([(i, np.zeros((i, 3))) for i in range(start, min(10, start + 3))])
    assert [len(run) for run in written] == [3, 3, 3, 1], "one write per run"
    assert [pair for run in written for pair in run] == [(i, (i, 3)) for i in range(10)]
    assert threads == {"test-writer"}

    def failing(run):
        if run[0][0] == 2:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), BackgroundWriter(failing) as writer:
        for i in range(50):
            writer.put([(i, np.zeros((1, 3)))])


def test_read_ahead_stays_within_its_budget_and_keeps_order():
    from assistant.pipeline import read_ahead

    produced: list[int] = []

    def items():
        for i in range(20):
            produced.append(i)
            yield i

    consumed = []
    for item in read_ahead(items(), size_of=lambda i: 3, budget=9):
        time.sleep(0.01)  # a slow consumer: the producer must wait for it
        assert len(produced) - len(consumed) <= 5, "read too far ahead"
        consumed.append(item)
    assert consumed == list(range(20))

    def failing():
        yield 1
        raise OSError("unreadable disk")

    with pytest.raises(OSError, match="unreadable disk"):
        list(read_ahead(failing(), size_of=lambda i: 1, budget=4))
