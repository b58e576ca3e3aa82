"""Boilerplate: sentences that many documents carry word for word ("Ofsted is the Office for
Standards in Education...", "If you are not happy with the inspection..."). They describe the
inspectorate, not the council, so an answer never quotes them. Pure functions.

Found from the collection itself, not from a list: a sentence is boilerplate when it appears in
at least `min_documents(n)` of the n documents. Counting hashes in numpy keeps memory small at
any size (8 bytes a sentence, not a dictionary entry).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"[a-z0-9]+")


def sentence_key(text: str) -> int:
    """A 63-bit key of a sentence's words, ignoring case, spacing and punctuation."""
    words = " ".join(_WORD.findall(text.lower()))
    return int.from_bytes(hashlib.blake2b(words.encode(), digest_size=8).digest(), "big") >> 1


def min_documents(total: int) -> int:
    """A sentence in this many documents is shared wording (3 in a small collection, 2%
    of a large one), not one council's finding."""
    return max(3, int(0.02 * total))


class Counter:
    """Counts, for each sentence key, the distinct documents that hold it."""

    def __init__(self) -> None:
        self._keys: list[np.ndarray] = []
        self._docs: list[np.ndarray] = []
        self._doc_ids: dict[str, int] = {}

    def add(self, doc_id: str, texts: list[str]) -> None:
        if not texts:
            return
        number = self._doc_ids.setdefault(doc_id, len(self._doc_ids))
        self._keys.append(np.fromiter((sentence_key(t) for t in texts), dtype=np.int64))
        self._docs.append(np.full(len(texts), number, dtype=np.int64))

    def common(self) -> frozenset[int]:
        """Keys of the sentences held by at least `min_documents` of the documents counted."""
        if not self._keys:
            return frozenset()
        pairs = np.unique(
            np.stack([np.concatenate(self._keys), np.concatenate(self._docs)]), axis=1
        )
        keys, counts = np.unique(pairs[0], return_counts=True)
        return frozenset(int(k) for k in keys[counts >= min_documents(len(self._doc_ids))])
