"""Has the index changed since I last looked? Asked on every question, looked at once a period.

A long-running process (the UI) must notice what other processes do to the index, but reading
the index's state on every question would put a round trip (to disk or to a Chroma server) in
front of each answer. A `ChangeWatcher` looks (calls its `look`) at most once per `period` and
compares what it sees with what it saw before. The clock is injectable, so tests move time on
instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

Seen = TypeVar("Seen")
Clock = Callable[[], float]
_NOTHING = object()  # before the first look


class ChangeWatcher(Generic[Seen]):
    """Looks at most once per `period` seconds of `clock`; safe to share across threads."""

    def __init__(self, look: Callable[[], Seen], *, period: float, clock: Clock = time.monotonic):
        if period < 0:
            raise ValueError(f"a watcher's period cannot be negative ({period})")
        self.period = period
        self._look = look
        self._clock = clock
        self._seen: Seen | object = _NOTHING
        self._looked_at: float | None = None  # None: look at the next question
        # Held while looking: threads asking at once share one look rather than each making one.
        self._lock = threading.Lock()

    @property
    def seen(self) -> Seen | None:
        """What the last look saw (None before the first)."""
        return None if self._seen is _NOTHING else self._seen  # type: ignore[return-value]

    def changed(self, since: object = _NOTHING) -> bool:
        """Whether what is seen now differs from the last look (or from `since`, what the caller
        holds); without looking (False) until the period has passed. The first look counts as
        a change: nothing was known before it."""
        with self._lock:
            if not self._due():
                return False
            before = self._seen if since is _NOTHING else since
            return self._look_now() != before

    def current(self) -> Seen:
        """What is there, as of the last look; looking again first if the period has passed."""
        with self._lock:
            if self._due():
                return self._look_now()
            return self._seen  # type: ignore[return-value]  # not due: a look was made

    def look(self) -> Seen:
        """Look now, whatever the time (the period starts again)."""
        with self._lock:
            return self._look_now()

    def expire(self) -> None:
        """Look at the next question, whatever the time (what was seen is kept to compare)."""
        with self._lock:
            self._looked_at = None

    def _due(self) -> bool:
        return self._looked_at is None or self._clock() - self._looked_at >= self.period

    def _look_now(self) -> Seen:
        seen = self._look()
        # Timed from the end of the look: a slow look (a busy server) is not repeated at once.
        self._seen, self._looked_at = seen, self._clock()
        return seen
