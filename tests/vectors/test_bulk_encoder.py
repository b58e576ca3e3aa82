"""Ingest's bulk encoder: the exported graph in bf16 on OpenVINO where the CPU has bf16 units,
every vector within cosine 0.999 of fp32's; fp32 ONNX Runtime where the CPU has none (the
capability forced off here, as such a CPU reports it), where the setting says so, or where bf16
would move the vectors; and an index built in fp32 is kept, not re-embedded."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers.paths import CORPUS, copy_corpus
from helpers.processes import cli

from assistant.vectors import embedder as embedder_module
from assistant.vectors import openvino_encoder
from assistant.vectors.onnx_encoder import OnnxEncoder
from assistant.vectors.openvino_encoder import OpenVinoEncoder

BF16_HERE = openvino_encoder.bf16_units()
needs_bf16 = pytest.mark.skipif(not BF16_HERE, reason="this CPU has no bf16 units")
REPORTS = [
    "ofsted-ilacs-liverpool-2023.pdf",
    "ofsted-fv-kent-2024.pdf",
    "ofsted-sif-norfolk-2015.pdf",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """An encoder cache with the bundled model's graph exported into it, once."""
    from assistant.vectors.embedder import Embedder

    folder = tmp_path_factory.mktemp("encoder-cache")
    Embedder(cache=folder).embed_query("warm up")
    return folder


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """What ingest embeds for three sample reports."""
    from assistant.documents.passages import passages_of
    from assistant.documents.readers import FoundFile, read_document

    texts = []
    for name in REPORTS:
        document = read_document(FoundFile(CORPUS / name, name), max_bytes=10**9)
        texts += [p.embedding_text() for p in passages_of(document, max_tokens=200)]
    assert len(texts) > 64
    return texts


@needs_bf16
def test_where_the_cpu_has_bf16_units_ingest_embeds_in_bf16_close_to_fp32(cache, passages):
    from assistant.vectors.embedder import Embedder

    embedder = Embedder(cache=cache)
    assert isinstance(embedder.bulk, OpenVinoEncoder) and embedder.bulk.precision == "bf16"
    assert embedder.bulk_note == "Embedded in bf16 on OpenVINO: this CPU has bf16 units"
    bf16 = embedder.embed_passages(passages)
    fp32 = embedder.encoder.encode(passages, batch_size=embedder.batch_size)
    assert bf16.shape == fp32.shape and bf16.dtype == np.float32
    assert np.allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-5)
    cosines = (bf16 * fp32).sum(axis=1)
    assert cosines.min() >= 0.999, cosines.min()
    assert np.abs(bf16 - fp32).max() > 1e-6, "the same vectors: bf16 was not used"
    # questions and answer sentences stay on the fp32 graph, however many there are
    assert np.array_equal(embedder.embed(passages), fp32)


def test_without_bf16_units_ingest_embeds_in_fp32(cache, passages, monkeypatch):
    from assistant.vectors.embedder import Embedder

    monkeypatch.setattr(openvino_encoder, "bf16_units", lambda: False)  # as such a CPU says
    embedder = Embedder(cache=cache)
    assert embedder.bulk is embedder.encoder and isinstance(embedder.bulk, OnnxEncoder)
    assert embedder.bulk_note == "Embedded in fp32: this CPU has no bf16 units"
    expected = embedder.encoder.encode(passages, batch_size=embedder.batch_size)
    assert np.array_equal(embedder.embed_passages(passages), expected)


def test_the_setting_fp32_keeps_ingest_in_fp32(cache):
    from assistant.vectors.embedder import Embedder

    embedder = Embedder(cache=cache, bulk_precision="fp32")
    assert embedder.bulk is embedder.encoder
    assert embedder.bulk_note == "Embedded in fp32 (ASSISTANT_BULK_PRECISION=fp32)"


@needs_bf16
def test_a_bf16_encoder_that_would_move_the_vectors_is_not_used(cache, monkeypatch):
    from assistant.vectors.embedder import Embedder

    monkeypatch.setattr(embedder_module, "BULK_COSINE", 1.0001)  # beyond any bf16 vector
    embedder = Embedder(cache=cache)
    with pytest.warns(RuntimeWarning, match="ingest embeds in fp32"):
        assert embedder.bulk is embedder.encoder
    assert embedder.bulk_note.startswith("Embedded in fp32: the bf16 encoder cannot be used")


@needs_bf16
def test_an_index_built_in_fp32_is_kept_and_a_bf16_one_answers_alike(cache, tmp_path):
    from assistant.engine import Assistant
    from assistant.settings import Settings

    folder = copy_corpus(REPORTS, tmp_path / "reports")
    env = {"ASSISTANT_ENCODER_CACHE": str(cache)}
    built = {}
    for precision in ("fp32", "auto"):
        index = tmp_path / f"index-{precision}"
        done = cli(
            "ingest",
            str(folder),
            "--index",
            str(index),
            env=env | {"ASSISTANT_BULK_PRECISION": precision},
        )
        assert done.returncode == 0, done.stderr
        assert ("bf16" in done.stdout) == (precision == "auto"), done.stdout
        settings = Settings.from_env({}, index_dir=index, encoder_cache=cache)
        built[precision] = Assistant(settings, create=False)

    fp32, bf16 = (_vectors(built[p]) for p in ("fp32", "auto"))
    assert fp32.keys() == bf16.keys() and len(fp32) > 100
    assert min(float(fp32[i] @ bf16[i]) for i in fp32) >= 0.999
    for question in ("How high are caseloads in Liverpool?", "What needs to improve in Kent?"):
        answers = [built[p].ask(question) for p in ("fp32", "auto")]
        assert [_cited(a) for a in answers[1:]] == [_cited(answers[0])]

    # the fp32 index, opened by a bf16-capable ingest: nothing re-embedded, it still answers
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = built["fp32"].ingest([folder])
    assert (again.files_unchanged, again.passages, again.encoder) == (len(REPORTS), 0, "")
    assert _cited(built["fp32"].ask("How high are caseloads in Liverpool?"))


def _vectors(assistant) -> dict[str, np.ndarray]:
    got = assistant.store.passages.get(include=["embeddings"])
    return {i: np.asarray(v) for i, v in zip(got["ids"], got["embeddings"], strict=True)}


def _cited(answer) -> list[tuple]:
    return [(c.source, c.page, c.quote) for c in answer.citations]
