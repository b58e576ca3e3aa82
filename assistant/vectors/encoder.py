"""What an encoder is: texts in, unit vectors out, for one sentence-transformers model.

Two implementations give the same vectors (to 1e-5, checked when the graph is exported, and
tested): `torch_encoder` (sentence-transformers on torch: it loads any model folder and exports
it) and `onnx_encoder` (ONNX Runtime on the graph exported from that model: no torch import,
so a question process starts in about a second). `vectors.embedder.Embedder` chooses between them;
`encoder_cache` keeps the exported graphs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    dimension: int  # length of each vector
    max_tokens: int  # longer texts are truncated to this many word pieces

    def encode(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """Unit vectors (cosine = dot product), float32, shape (len(texts), dimension)."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces in `text`, without the special tokens the model adds."""
        ...


# An exported model is a folder of three files, written by TorchEncoder.export_onnx and read by
# OnnxEncoder: the graph (token ids, type ids and attention mask in, one sentence embedding per
# row out), the tokenizer as the model tokenizes, and the facts below.
GRAPH = "model.onnx"
TOKENIZER = "tokenizer.json"
FACTS = "encoder.json"


@dataclass(frozen=True)
class GraphFacts:
    """What running the exported graph needs to know that the graph does not say."""

    dimension: int
    max_tokens: int  # the tokenizer truncates to this, as sentence-transformers does
    pad_id: int  # the token id that fills short rows of a batch

    def write(self, folder: Path) -> None:
        (folder / FACTS).write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def read(cls, folder: Path) -> GraphFacts:
        return cls(**json.loads((folder / FACTS).read_text()))
