"""Inspection knowledge assistant: cited, verbatim answers from inspection reports and
scrutiny papers.

The public face, chosen: `Assistant` (load once, ask many times), what it returns (`Answer`,
`Citation`, `Decline`, `Turn` for a conversation's history), how it is set up (`Settings`,
`Filter`), and the errors a caller handles. Each is imported when first used, so `import
assistant` stays cheap; the folders below hold everything else, stage by stage
(docs/architecture.md).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_FACE = {
    "Assistant": "assistant.engine",
    "Answer": "assistant.core.answer",
    "Citation": "assistant.core.answer",
    "Decline": "assistant.core.answer",
    "Turn": "assistant.answering.conversation",
    "Settings": "assistant.settings",
    "Filter": "assistant.core.filters",
    "parse_where": "assistant.core.filters",
    "DocumentRecord": "assistant.core.record",
    # the errors a caller handles, each with a one-line message
    "SettingsError": "assistant.settings",
    "FilterError": "assistant.core.filters",
    "IndexUnavailable": "assistant.index.chroma",
    "IndexMissing": "assistant.index.chroma",
    "IngestBusy": "assistant.index.locks",
    "UnreadableDocument": "assistant.documents.readers",
    "PageUnavailable": "assistant.evidence.page_images",
}
__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Decline",
    "DocumentRecord",
    "Filter",
    "FilterError",
    "IndexMissing",
    "IndexUnavailable",
    "IngestBusy",
    "PageUnavailable",
    "Settings",
    "SettingsError",
    "Turn",
    "UnreadableDocument",
    "parse_where",
]

if TYPE_CHECKING:
    from assistant.answering.conversation import Turn
    from assistant.core.answer import Answer, Citation, Decline
    from assistant.core.filters import Filter, FilterError, parse_where
    from assistant.core.record import DocumentRecord
    from assistant.documents.readers import UnreadableDocument
    from assistant.engine import Assistant
    from assistant.evidence.page_images import PageUnavailable
    from assistant.index.chroma import IndexMissing, IndexUnavailable
    from assistant.index.locks import IngestBusy
    from assistant.settings import Settings, SettingsError


def __getattr__(name: str):
    if name not in _FACE:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(_FACE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_FACE])
