"""The exported graph on OpenVINO in bfloat16: bulk ingest on the CPU's bf16 units.

fp32 leaves a CPU's bfloat16 units (AVX-512 BF16, AMX) idle. OpenVINO runs the same exported
graph (torch_encoder.py writes it, onnx_encoder.py reads it) with its matrix products in bf16
where the CPU has such units: ~3x the passages per second of fp32 ONNX Runtime on this project's
machines, every vector at cosine >= 0.9999 to fp32 (docs/benchmark.md, Encoders). It is used
for ingest's bulk runs only: questions stay on ONNX Runtime's fp32 graph, which starts faster
and does not import this module, so a bf16-built index and an fp32-built one answer alike.

The only module that imports openvino.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import openvino

from assistant.vectors.encoder import GRAPH
from assistant.vectors.onnx_encoder import GraphEncoder

BF16 = "BF16"  # what OpenVINO's CPU plugin lists among its capabilities on bf16 hardware


def bf16_units() -> bool:
    """Whether this CPU computes in bfloat16 natively, as OpenVINO's CPU plugin reports it
    (AVX-512 BF16 or AMX; without them OpenVINO would emulate bf16, slower than fp32)."""
    capabilities = openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    return BF16 in capabilities


class OpenVinoEncoder(GraphEncoder):
    """Encodes with the exported graph in `folder` on OpenVINO's CPU plugin in `precision`."""

    def __init__(
        self,
        folder: Path,
        *,
        threads: int | None = None,
        precision: str = "bf16",
        graph: str = GRAPH,
    ):
        super().__init__(folder)
        config = {
            "INFERENCE_PRECISION_HINT": precision,
            # One stream of `threads` threads: one batch at a time, as ingest calls it.
            "PERFORMANCE_HINT": "LATENCY",
            "NUM_STREAMS": 1,
        }
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self._compiled = openvino.Core().compile_model(str(folder / graph), "CPU", config)
        self._inputs = {i.get_any_name() for i in self._compiled.inputs}
        self._output = self._compiled.outputs[0]
        self._request = self._compiled.create_infer_request()
        self._lock = threading.Lock()  # an infer request runs one batch at a time
        # what the plugin chose, "bf16" or "f32" (a CPU without bf16 units would emulate it)
        self.precision = self._compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name()

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        with self._lock:
            result = self._request.infer({k: v for k, v in feed.items() if k in self._inputs})
            # a copy: the request's output buffer is overwritten by its next batch
            return np.array(result[self._output], dtype=np.float32)
