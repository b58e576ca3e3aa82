"""A BERT sentence encoder in plain numpy, for questions and answer sentences.

Importing torch and sentence-transformers costs several seconds at every process start, while
a question is a few dozen tokens. For the models this supports (a BERT encoder with mean pooling
and normalisation, like the bundled all-MiniLM-L6-v2) it gives the same vectors as
sentence-transformers (tested to 1e-5) from the same safetensors weights and tokenizer.json,
with only numpy, safetensors and tokenizers loaded. Bulk passage embedding at ingest stays on
torch, which is faster for large batches.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (hidden, 3*hidden): query, key and value projections in one matmul
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


def supported(path: Path) -> bool:
    """True when the model folder is a mean-pooled, normalised BERT with files we can read."""
    try:
        modules = [m["type"] for m in json.loads((path / "modules.json").read_text())]
        config = json.loads((path / "config.json").read_text())
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    mean_only = modes == {"pooling_mode_mean_tokens"}
    return (
        modules == _MODULES
        and bool(mean_only)
        and config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and (path / "model.safetensors").is_file()
        and (path / "tokenizer.json").is_file()
    )


class NumpyBert:
    """Encodes texts into unit vectors, matching sentence-transformers for supported models."""

    def __init__(self, path: Path):
        from safetensors.numpy import load_file
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        st_config = json.loads((path / "sentence_bert_config.json").read_text())
        self.max_tokens = int(st_config.get("max_seq_length", 256))
        self.dimension = int(config["hidden_size"])
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        w = load_file(str(path / "model.safetensors"))
        w = {k.removeprefix("bert."): v for k, v in w.items()}
        self._words = w["embeddings.word_embeddings.weight"]
        self._positions = w["embeddings.position_embeddings.weight"]
        self._type0 = w["embeddings.token_type_embeddings.weight"][0]
        self._ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = [_layer(w, i) for i in range(int(config["num_hidden_layers"]))]
        self._pools = ThreadpoolController()

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Unit vectors, float32, shape (len(texts), dimension)."""
        encodings = self.tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths together: padding is wasted work.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        # One BLAS thread: for these small matrices a second thread mostly spins, and on 2 busy
        # cores it halved throughput (measured: 0.52 s vs 1.16 s CPU per question).
        with self._pools.limit(limits=1, user_api="blas"):
            for start in range(0, len(order), batch_size):
                chosen = order[start : start + batch_size]
                out[chosen] = self._forward([encodings[i].ids for i in chosen])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        x = self._words[ids] + self._positions[:length] + self._type0
        x = _layer_norm(x, self._ln0, self._eps)
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self._layers:
            x = self._block(x, bias, layer)
        counts = np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        pooled = (x * mask[..., None]).sum(axis=1) / counts
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)

    def _block(self, x: np.ndarray, bias: np.ndarray, layer: _Layer) -> np.ndarray:
        batch, length, hidden = x.shape
        head = hidden // self._heads
        flat = x.reshape(batch * length, hidden)  # 2-D matmuls: one BLAS call each
        qkv = (flat @ layer.qkv_w + layer.qkv_b).reshape(batch, length, 3, self._heads, head)
        q, k, v = (np.ascontiguousarray(qkv[:, :, i].transpose(0, 2, 1, 3)) for i in range(3))
        scores = q @ k.transpose(0, 1, 3, 2)
        scores *= 1.0 / math.sqrt(head)
        scores += bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
        flat = _layer_norm(context @ layer.out_w + layer.out_b + flat, layer.ln1, self._eps)
        up = _gelu(flat @ layer.up_w + layer.up_b)
        out = _layer_norm(up @ layer.down_w + layer.down_b + flat, layer.ln2, self._eps)
        return out.reshape(batch, length, hidden)


def _layer(w: dict[str, np.ndarray], i: int) -> _Layer:
    p = f"encoder.layer.{i}."
    att = p + "attention.self."
    return _Layer(
        qkv_w=np.concatenate([w[att + n + ".weight"] for n in ("query", "key", "value")]).T.copy(),
        qkv_b=np.concatenate([w[att + n + ".bias"] for n in ("query", "key", "value")]),
        out_w=w[p + "attention.output.dense.weight"].T.copy(),
        out_b=w[p + "attention.output.dense.bias"],
        ln1=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
        up_w=w[p + "intermediate.dense.weight"].T.copy(),
        up_b=w[p + "intermediate.dense.bias"],
        down_w=w[p + "output.dense.weight"].T.copy(),
        down_b=w[p + "output.dense.bias"],
        ln2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
    )


def _layer_norm(x: np.ndarray, params: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * params[0] + params[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT uses; erf from Abramowitz & Stegun 7.1.26 (error < 1.5e-7).

    In place, float32 throughout: this runs on every hidden unit of every token."""
    z = np.abs(x) * np.float32(1.0 / math.sqrt(2.0))
    t = np.float32(0.3275911) * z
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x|/sqrt 2)
    # 0.5 x (1 + erf(x/sqrt 2)) = max(x, 0) - 0.5 |x| (1 - erf(|x|/sqrt 2)), for either sign
    poly *= np.abs(x)
    poly *= np.float32(-0.5)
    poly += np.maximum(x, 0)
    return poly
