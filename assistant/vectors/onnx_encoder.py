"""ONNX Runtime on a graph exported from the model (see torch_encoder.py): the same vectors as
sentence-transformers (checked to 1e-5 when the graph is exported, and tested) without
importing torch, so a question process starts in about a second and needs ~400 MB, not 1.5 GB.

The only module that imports onnxruntime and tokenizers (both already installed: chromadb
depends on onnxruntime, transformers on tokenizers). `GraphEncoder` is the part every runtime of
the exported graph shares (tokenizing, batching by length, padding, normalising); the bf16
encoder (`openvino_encoder`) runs the same graph on OpenVINO through it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from assistant.vectors.encoder import GRAPH, TOKENIZER, GraphFacts


class GraphEncoder:
    """Texts to unit vectors through the exported graph in `folder`; a subclass runs it."""

    def __init__(self, folder: Path):
        facts = GraphFacts.read(folder)
        self.dimension, self.max_tokens, self._pad_id = (
            facts.dimension,
            facts.max_tokens,
            facts.pad_id,
        )
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.no_padding()  # rows are padded per batch below, to the batch's longest

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        """One batch through the graph: token ids, type ids and mask in, embeddings out."""
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        # Truncation moves the rest of a long text into `overflowing`; count it too.
        return len(encoding.ids) + sum(len(o.ids) for o in encoding.overflowing)

    def encode(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """Unit vectors, float32, shape (len(texts), dimension)."""
        encodings = self._tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths together: padding is wasted work.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self._forward([encodings[i] for i in chosen])
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out / norms

    def _forward(self, batch: list) -> np.ndarray:
        length = max(len(e.ids) for e in batch)
        feed = {
            "input_ids": np.full((len(batch), length), self._pad_id, dtype=np.int64),
            "token_type_ids": np.zeros((len(batch), length), dtype=np.int64),
            "attention_mask": np.zeros((len(batch), length), dtype=np.int64),
        }
        for row, encoding in enumerate(batch):
            n = len(encoding.ids)
            feed["input_ids"][row, :n] = encoding.ids
            feed["token_type_ids"][row, :n] = encoding.type_ids
            feed["attention_mask"][row, :n] = 1
        return self._run(feed)


class OnnxEncoder(GraphEncoder):
    """The exported graph on ONNX Runtime, in float32: the model's own vectors."""

    def __init__(self, folder: Path, *, threads: int | None = None, graph: str = GRAPH):
        super().__init__(folder)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or 0  # 0: one per physical core
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle worker threads sleep rather than spin: a spinning pool steals the CPU that the
        # UI server, the store and other users' questions need (costs ~5 ms a question).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / graph), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        (vectors,) = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        return vectors
