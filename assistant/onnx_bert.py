"""A BERT sentence encoder on ONNX Runtime, for questions and answer sentences.

Importing torch and sentence-transformers costs seconds at every process start, while a question
is a few dozen tokens; and a question's answer sentences are scored by embedding them, which is
most of a warm question's CPU. For the models this supports (a BERT encoder with mean pooling and
normalisation, like the bundled all-MiniLM-L6-v2) it gives the same vectors as
sentence-transformers (tested to 1e-5) from the same safetensors weights and tokenizer.json.

Why ONNX Runtime (already installed: chromadb depends on it): on 8 answer sentences it took 51 ms
against 124 ms for the same forward pass in numpy and 110 ms in torch (2 cores). Why build the
graph here from the weights instead of exporting it with torch or optimum: asking must not import
torch, and the model package ships no ONNX file, so the graph is written node by node (about
60 lines, the standard BERT layer) and handed to ONNX Runtime in memory; nothing is downloaded.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]
_OPSET = 20  # the first with a Gelu operator


def supported(path: Path) -> bool:
    """True when the model folder is a mean-pooled, normalised BERT with files we can read."""
    try:
        modules = [m["type"] for m in json.loads((path / "modules.json").read_text())]
        config = json.loads((path / "config.json").read_text())
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    return (
        modules == _MODULES
        and modes == {"pooling_mode_mean_tokens"}
        and config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and (path / "model.safetensors").is_file()
        and (path / "tokenizer.json").is_file()
    )


class OnnxBert:
    """Encodes texts into unit vectors, matching sentence-transformers for supported models."""

    def __init__(self, path: Path, *, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        st_config = json.loads((path / "sentence_bert_config.json").read_text())
        self.max_tokens = int(st_config.get("max_seq_length", 256))
        self.dimension = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or 0  # 0: one per physical core
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Idle worker threads sleep rather than spin: a spinning pool steals the CPU that the
        # UI server, the store and other users' questions need (costs ~5 ms a question).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model, weights = build_graph(path)
        # The weights go in beside the graph rather than inside it: serialising 90 MB into the
        # protobuf and parsing it back cost 0.5 s of every cold start.
        options.add_external_initializers(
            list(weights), [onnxruntime.OrtValue.ortvalue_from_numpy(w) for w in weights.values()]
        )
        self._session = onnxruntime.InferenceSession(
            model, options, providers=["CPUExecutionProvider"]
        )

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], *, batch_size: int = 4) -> np.ndarray:
        """Unit vectors, float32, shape (len(texts), dimension)."""
        encodings = self.tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths together, in small batches: padding is wasted work.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
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
        feed = {
            "input_ids": ids,
            "position_ids": np.arange(length, dtype=np.int64),
            "attention_bias": ((1.0 - mask) * -1e9)[:, None, None, :],
        }
        (hidden,) = self._session.run(None, feed)
        counts = np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        pooled = (hidden * mask[..., None]).sum(axis=1) / counts
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


def build_graph(path: Path) -> tuple[bytes, dict[str, np.ndarray]]:
    """The BERT encoder of a sentence-transformers folder as a serialised ONNX model, whose
    float initializers are external: their values are returned beside it, by name.

    Inputs: input_ids (batch, length), position_ids (length), attention_bias (batch, 1, 1,
    length; 0 for tokens, -1e9 for padding). Output: the last hidden states (batch, length,
    hidden); pooling is done by the caller, where the mask is at hand.
    """
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    config = json.loads((path / "config.json").read_text())
    weights = {
        k.removeprefix("bert."): v for k, v in load_file(str(path / "model.safetensors")).items()
    }
    graph = _Graph(weights)
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config.get("layer_norm_eps", 1e-12))
    graph.constant("scale", np.array(1.0 / math.sqrt(hidden // heads), dtype=np.float32))
    graph.constant("split_heads", np.array([0, 0, 3, heads, hidden // heads], dtype=np.int64))
    graph.constant("merge_heads", np.array([0, 0, hidden], dtype=np.int64))
    graph.constant("axis0", np.array([0], dtype=np.int64))
    graph.constant("type0", weights["embeddings.token_type_embeddings.weight"][0])
    x = graph.op(
        "Add",
        graph.op("Gather", graph.weight("embeddings.word_embeddings.weight"), "input_ids"),
        graph.op("Gather", graph.weight("embeddings.position_embeddings.weight"), "position_ids"),
    )
    x = graph.layer_norm(graph.op("Add", x, "type0"), "embeddings.LayerNorm", eps)
    for i in range(int(config["num_hidden_layers"])):
        x = _encoder_layer(graph, x, f"encoder.layer.{i}.", eps)
    graph.nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["length"]),
        helper.make_tensor_value_info(
            "attention_bias", TensorProto.FLOAT, ["batch", 1, 1, "length"]
        ),
    ]
    output = helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", hidden])
    model = helper.make_model(
        helper.make_graph(graph.nodes, "bert", inputs, [output], graph.initializers),
        opset_imports=[helper.make_opsetid("", _OPSET)],
    )
    return model.SerializeToString(), graph.external


def _encoder_layer(graph: _Graph, x: str, p: str, eps: float) -> str:
    att = p + "attention.self."
    for part in ("weight", "bias"):  # query, key and value projections in one matmul
        graph.weights[f"{att}qkv.{part}"] = np.concatenate(
            [graph.weights[f"{att}{n}.{part}"] for n in ("query", "key", "value")]
        )
    qkv = graph.op("Reshape", graph.linear(x, att + "qkv"), "split_heads")
    qkv = graph.op("Transpose", qkv, perm=[2, 0, 3, 1, 4])  # (3, batch, heads, length, head)
    q, k, v = (graph.op("Squeeze", part, "axis0") for part in graph.split3(qkv))
    scores = graph.op("MatMul", q, graph.op("Transpose", k, perm=[0, 1, 3, 2]))
    scores = graph.op("Add", graph.op("Mul", scores, "scale"), "attention_bias")
    context = graph.op("MatMul", graph.op("Softmax", scores, axis=-1), v)
    context = graph.op("Reshape", graph.op("Transpose", context, perm=[0, 2, 1, 3]), "merge_heads")
    attended = graph.op("Add", graph.linear(context, p + "attention.output.dense"), x)
    x = graph.layer_norm(attended, p + "attention.output.LayerNorm", eps)
    up = graph.op("Gelu", graph.linear(x, p + "intermediate.dense"))  # exact (erf) GELU
    out = graph.op("Add", graph.linear(up, p + "output.dense"), x)
    return graph.layer_norm(out, p + "output.LayerNorm", eps)


class _Graph:
    """Accumulates ONNX nodes and initializers; op() returns the output's name."""

    def __init__(self, weights: dict[str, np.ndarray]):
        self.weights = weights
        self.nodes: list = []
        self.initializers: list = []
        self.external: dict[str, np.ndarray] = {}
        self._names: set[str] = set()

    def constant(self, name: str, value: np.ndarray) -> str:
        from onnx import TensorProto, numpy_helper

        if name in self._names:
            return name
        self._names.add(name)
        value = np.ascontiguousarray(value)
        if value.dtype != np.float32 or value.size < 64:  # shapes and scalars stay inline
            self.initializers.append(numpy_helper.from_array(value, name))
            return name
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=value.shape)
        tensor.data_location = TensorProto.EXTERNAL
        for key, text in (("location", "memory"), ("offset", "0"), ("length", str(value.nbytes))):
            tensor.external_data.add(key=key, value=text)
        self.initializers.append(tensor)
        self.external[name] = value
        return name

    def weight(self, name: str) -> str:
        return self.constant(name, self.weights[name])

    def op(self, kind: str, *inputs: str, **attrs) -> str:
        return self.ops(kind, *inputs, outputs=1, **attrs)[0]

    def ops(self, kind: str, *inputs: str, outputs: int, **attrs) -> list[str]:
        from onnx import helper

        names = [f"{kind}_{len(self.nodes)}_{n}" for n in range(outputs)]
        self.nodes.append(helper.make_node(kind, list(inputs), names, **attrs))
        return names

    def split3(self, x: str) -> list[str]:
        return self.ops("Split", x, outputs=3, axis=0, num_outputs=3)

    def linear(self, x: str, name: str) -> str:
        """x @ W.T + b for a torch Linear layer's weights."""
        weight = self.constant(name + ".weight.T", self.weights[name + ".weight"].T)
        return self.op("Add", self.op("MatMul", x, weight), self.weight(name + ".bias"))

    def layer_norm(self, x: str, name: str, eps: float) -> str:
        scale, bias = self.weight(name + ".weight"), self.weight(name + ".bias")
        return self.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=eps)
