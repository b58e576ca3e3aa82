"""Sentence-transformers on torch: loads any sentence-transformers model folder, encodes with it,
and exports it as an ONNX graph for `onnx_encoder`.

The only module that imports torch, transformers or sentence-transformers: importing them
costs seconds at every process start, so this module is imported only when a model must be
loaded into torch, and a question process whose graph is already exported never imports it.

The export traces the model's own forward pass -- the transformer and every module after it
(pooling as its Pooling config says, Normalize when the folder has one, Dense layers) -- so no
ONNX node is written by hand and any architecture that torch can trace gets the torch-free path.
It uses torch's TorchScript exporter (`dynamo=False`): the dynamo exporter needs onnxscript,
which is not installed, and sentence-transformers' own `backend="onnx"` export needs optimum,
and then still pools in torch.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from transformers.utils import logging as transformers_logging

from assistant.vectors.encoder import GRAPH, TOKENIZER, GraphFacts

_OPSET = 17  # LayerNormalization is a single operator from 17 on
# Two texts of different lengths: the traced graph must contain the padding-mask path.
_EXAMPLE = ["An example sentence to trace the model with.", "A shorter one."]


class TorchEncoder:
    """Encodes with sentence-transformers on CPU; `export_onnx` writes the same model as ONNX."""

    def __init__(self, path: Path | str, *, threads: int | None = None):
        if threads:
            torch.set_num_threads(threads)
        # The loader's "Loading weights 103/103" bar would print at every ingest, above the
        # ingest's own progress bar; transformers' own switch turns it off (not stderr).
        transformers_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)

    def encode(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer.tokenize(text))

    def export_onnx(self, folder: Path, *, attention: str | None = "eager") -> None:
        """Write the model into `folder` as encoder.py describes an exported model.

        `attention` is the transformers attention implementation traced (None: the one the
        model loaded with, "sdpa" for BERT). The plain matmul-softmax ("eager") graph ran ~8%
        more passages per CPU second on ONNX Runtime than the traced scaled_dot_product_attention,
        with the same vectors (bench/encoders.py), and it is the one whose attention ONNX
        Runtime's transformer optimizer can fuse."""
        features = self._model.preprocess(_EXAMPLE)
        names = [k for k, v in features.items() if isinstance(v, torch.Tensor)]
        constants = {k: v for k, v in features.items() if k not in names}  # e.g. "modality"
        traced = _WholeModel(self._model, names, constants).eval()
        axes = {name: {0: "batch", 1: "length"} for name in names}
        with _attention(self._model, attention), torch.inference_mode(), warnings.catch_warnings():
            # The TorchScript exporter's deprecation and tracer warnings are about control flow
            # that the model takes the same way for every input; the export is checked against
            # this model's own vectors before it is used (vectors/embedder.py).
            warnings.simplefilter("ignore")
            torch.onnx.export(
                traced,
                tuple(features[name] for name in names),
                str(folder / GRAPH),
                input_names=names,
                output_names=["embedding"],
                dynamic_axes=axes | {"embedding": {0: "batch"}},
                opset_version=_OPSET,
                dynamo=False,
            )
        tokenizer = self._model.tokenizer
        tokenizer.backend_tokenizer.save(str(folder / TOKENIZER))
        pad_id = int(tokenizer.pad_token_id or 0)
        GraphFacts(dimension=self.dimension, max_tokens=self.max_tokens, pad_id=pad_id).write(
            folder
        )


class _WholeModel(torch.nn.Module):
    """The sentence-transformers model over positional tensors, as the exporter traces it."""

    def __init__(self, model: SentenceTransformer, names: list[str], constants: dict):
        super().__init__()
        self.model, self.names, self.constants = model, names, constants

    def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
        features = dict(zip(self.names, tensors, strict=True)) | self.constants
        return self.model(features)["sentence_embedding"]


@contextmanager
def _attention(model: SentenceTransformer, implementation: str | None) -> Iterator[None]:
    """The transformer runs `implementation` attention inside the block, its own outside."""
    transformer = getattr(model[0], "auto_model", None)
    before = getattr(getattr(transformer, "config", None), "_attn_implementation", None)
    if implementation is None or before is None or before == implementation:
        yield
        return
    transformer.set_attn_implementation(implementation)
    try:
        yield
    finally:
        transformer.set_attn_implementation(before)
