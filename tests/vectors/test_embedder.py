"""The torch-free encoder (ONNX Runtime on a graph exported from the model) matches
sentence-transformers for the bundled model and for another model made here, asking never
imports torch once the graph is cached, and the ingest pipeline's batching and background writer
keep items and vectors together."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

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
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("encoder-cache")


@pytest.fixture(scope="module")
def embedder(cache):
    """The bundled model with an empty cache: its first use loads torch and exports the graph."""
    from assistant.vectors.embedder import Embedder

    embedder = Embedder(cache=cache)
    embedder.embed_query("warm up")
    return embedder


def reference_vectors(model_path, texts: list[str]) -> np.ndarray:
    """sentence-transformers itself, as a user of the library would call it."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    return model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)


def test_bundled_model_is_exported_once_and_matches_sentence_transformers(embedder, cache):
    from assistant.vectors.embedder import Embedder, resolve_model_path
    from assistant.vectors.onnx_encoder import OnnxEncoder

    assert isinstance(embedder.encoder, OnnxEncoder)
    assert embedder._torch is not None, "nothing was cached: torch loaded the model to export it"
    reference = reference_vectors(resolve_model_path(embedder.model_name), TEXTS)
    for batch_size in (1, 4, 32):
        ours = embedder.encoder.encode(TEXTS, batch_size=batch_size)
        assert ours.shape == reference.shape == (len(TEXTS), embedder.dimension)
        assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert embedder.max_tokens == embedder.torch.max_tokens == 256
    for text in (TEXTS[2], TEXTS[3]):
        assert embedder.count_tokens(text) == embedder.torch.count_tokens(text)

    again = Embedder(cache=cache)  # a later process: the cached graph, no torch, no export
    assert isinstance(again.encoder, OnnxEncoder) and again._torch is None
    assert len([p for p in cache.iterdir() if p.name != "hashes"]) == 1


def test_questions_are_embedded_without_importing_torch_or_openvino(embedder, cache):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.vectors.embedder import Embedder\n"
        f"e = Embedder(cache=Path({str(cache)!r}))\n"
        "v = e.embed_query('How timely are assessments?')\n"
        "w = e.embed(['a sentence'] * 40)\n"
        "x = e.embed([f'passage {i}' for i in range(100)])\n"
        "assert v.shape == (384,) and w.shape == (40, 384) and x.shape == (100, 384)\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'openvino')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def make_tiny_model(folder: Path, *, pooling: str) -> Path:
    """A 2-layer BERT with random weights and a 40-piece vocabulary, built offline and saved
    with sentence-transformers: unlike the bundled model it pools the CLS token, has no
    Normalize module and uses the tanh GELU."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "care", "children", "council"]
    pieces += ["leaders", "support", "well", "##s", "##ing", *"abcdefghijklmnopqrstuvwxyz?.,"]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    hf = folder / "hf"
    special = dict(unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]")
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, mask_token="[MASK]", model_max_length=64, **special
    ).save_pretrained(hf)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
        hidden_act="gelu_new",
        initializer_range=0.5,  # large random weights: texts get clearly different vectors
    )
    BertModel(config).save_pretrained(hf)
    modules = [Transformer(str(hf), max_seq_length=24), Pooling(32, pooling_mode=pooling)]
    SentenceTransformer(modules=modules, device="cpu").save(str(folder / "model"))
    return folder / "model"


def test_another_model_gets_the_onnx_path_with_its_own_pooling(tmp_path):
    from assistant.vectors.embedder import PROBES, Embedder
    from assistant.vectors.onnx_encoder import OnnxEncoder

    model = make_tiny_model(tmp_path / "tiny", pooling="cls")
    cache = tmp_path / "cache"
    embedder = Embedder(str(model), cache=cache)
    assert isinstance(embedder.encoder, OnnxEncoder)
    assert (embedder.dimension, embedder.max_tokens) == (32, 24)
    texts = PROBES + ["care leavers", "children council support"]
    ours, reference = embedder.embed(texts), reference_vectors(model, texts)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.abs(ours[-1] - ours[-2]).max() > 0.1, "different texts, different vectors"

    # A changed model (here its pooling: mean, not CLS) is exported again, and followed.
    pooling = model / "1_Pooling" / "config.json"
    pooling.write_text(json.dumps(json.loads(pooling.read_text()) | {"pooling_mode": "mean"}))
    changed = Embedder(str(model), cache=cache)
    assert isinstance(changed.encoder, OnnxEncoder) and changed._torch is not None
    assert np.abs(changed.embed(texts) - reference_vectors(model, texts)).max() < 1e-5
    assert np.abs(changed.embed(texts) - ours).max() > 0.01
    assert len([p for p in cache.iterdir() if p.name != "hashes"]) == 2


def test_a_model_that_cannot_be_exported_is_encoded_by_torch(tmp_path, monkeypatch):
    from assistant.vectors.embedder import Embedder
    from assistant.vectors.torch_encoder import TorchEncoder

    model = make_tiny_model(tmp_path / "tiny", pooling="mean")

    def fail(self, folder):
        raise RuntimeError("Exporting the operator 'aten::mystery' is not supported")

    monkeypatch.setattr(TorchEncoder, "export_onnx", fail)
    with pytest.warns(RuntimeWarning, match="encoded with torch"):
        first = Embedder(str(model), cache=tmp_path / "cache")
        vectors = first.embed(["care leavers"])
    assert isinstance(first.encoder, TorchEncoder)
    assert np.abs(vectors - reference_vectors(model, ["care leavers"])).max() < 1e-6

    monkeypatch.undo()  # a later process does not try the export again
    later = Embedder(str(model), cache=tmp_path / "cache")
    assert isinstance(later.encoder, TorchEncoder)
    assert not list((tmp_path / "cache").rglob("model.onnx"))


def test_large_and_small_batches_agree(embedder):
    from assistant.vectors.embedder import SMALL_BATCH

    texts = [f"Passage {i}: the fostering panel met {i} times." for i in range(SMALL_BATCH + 6)]
    bulk = embedder.embed(texts)  # one call over the limit: batches of embed_batch
    pieces = [embedder.embed(texts[i : i + 10]) for i in range(0, len(texts), 10)]
    assert np.abs(bulk - np.vstack(pieces)).max() < 1e-5


def test_runs_keep_each_items_vectors_and_fill_calls(embedder):
    from assistant.index.pipeline import embed_in_runs

    items = [
        [f"Document {d}, passage {p}: inspectors met leaders." for p in range(n)]
        for d, n in enumerate([3, 0, 5, 1, 7, 2])
    ]
    calls: list[int] = []

    def embed(texts):
        calls.append(len(texts))
        return embedder.encoder.encode(texts, batch_size=4)

    runs = list(embed_in_runs(items, texts_of=list, embed=embed, min_texts=8, first_texts=2))
    out = [pair for run in runs for pair in run]
    assert [item for item, _ in out] == items
    for item, vectors in out:
        assert vectors.shape[0] == len(item)
        if item:
            assert np.abs(vectors - embedder.embed(item)).max() < 1e-5
    assert sum(calls) == sum(len(i) for i in items)
    assert calls[0] >= 2 and all(n >= 8 for n in calls[1:-1]) and len(calls) < len(items)
    assert calls[0] < 8, "the first run starts the model early"


def test_background_writer_writes_each_run_in_order_and_reports_failures():
    from assistant.index.pipeline import BackgroundWriter

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
    from assistant.index.pipeline import read_ahead

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
