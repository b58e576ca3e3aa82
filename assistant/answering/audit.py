"""The audit log: one JSON line per question (who, when, their groups, the question, the
documents cited), appended to a file an operator names (`ASSISTANT_AUDIT_LOG`). Councils answer
subject-access and freedom-of-information requests from it.

Append-only: the file is opened for appending and each line written in one `write` under a
process-wide lock, so lines from concurrent sessions never interleave and nothing earlier is
rewritten. A log that cannot be written stops the answer (an unaudited answer is not given).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from assistant.core.access import Reader
from assistant.core.answer import Answer

_LOCK = threading.Lock()


def line(question: str, answer: Answer, reader: Reader, *, now: datetime | None = None) -> str:
    """The log line for one question, without its newline."""
    cited = dict.fromkeys(c.source for c in answer.citations)
    entry = {
        "at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "who": reader.who or ("operator" if reader.everything else "signed out"),
        "groups": ["*"] if reader.everything else sorted(reader.groups),
        "question": question,
        "answered": answer.answered,
        "cited": list(cited),
    }
    return json.dumps(entry, ensure_ascii=False)


def record(path: Path, question: str, answer: Answer, reader: Reader) -> None:
    """Append the question's line to the log at `path` (its folder made if missing)."""
    text = line(question, answer, reader) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, path.open("a", encoding="utf-8") as log:
        log.write(text)
        log.flush()
