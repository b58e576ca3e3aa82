"""What a question asks for, read by meaning: the shape of answer ("what needs to improve" asks
for a list, "are they any good" for the verdict, "how come" for a reason), whatever the words.

Word patterns see only the phrasings someone listed; the embedding model, already loaded for
every question, places "what has Devon got to sort out?" near "what needs to improve?". The
reader is a linear classifier over the question's embedding, fitted on example asks of each
shape (`assistant/data/asks.json`): every frame is filled with many topics and councils, so the
fit learns the ask and not the topic; most are also placed ("after its 2023 inspection"), since
people place their questions and the placing is not the ask. Fitted once per model and kept in
the encoder cache; it answers only when it is sure (`MIN_PROBABILITY`), and otherwise leaves the
question a plain one.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.answering.intent import Shape

DATA = Path(__file__).parents[1] / "data" / "asks.json"
MIN_PROBABILITY = 0.6  # more likely than not, with room: below it the question stays a fact
FILLS = 6  # each frame filled with this many topic, council and placing draws
PLACED = 0.85  # the share of fills given a clause that places them
# Fitted to convergence: leaving each frame out in turn and reading it placed, the old fit
# (1000 steps at rate 2, unplaced examples) was sure of 0.38 of the frames (0.91 of those
# right); this one is sure of 0.69 (0.89 right), with one more ask (`CHANGE`) to tell apart.
_STEPS, _RATE, _L2 = 3000, 5.0, 1e-4
_FORMAT = 4  # part of the cache key: bump when the fit changes
_Fit = tuple[np.ndarray, np.ndarray, list[str], np.ndarray]  # weights, bias, asks, centroids
# Asks how a topic changed or recurred across a council's reports: read with the shapes (one
# fit, one embedding), though it is how the answer spreads, not what kind of unit answers.
CHANGE = "change"


class AskReader:
    """The shape a question asks for, by its embedding; `None` when unsure or a plain fact."""

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray],
        embed_query: Callable[[str], np.ndarray],
        *,
        model: str,
        cache: Path,
    ):
        self._embed, self._embed_query = embed, embed_query
        self._file = cache / "asks" / f"{_key(model)}.npz"
        self._lock = threading.Lock()
        self._fit: _Fit | None = None

    def shape(self, question: str) -> Shape | None:
        """The shape `question` asks for, when the reader is sure."""
        ask = self._sure(question)
        return None if ask in (None, CHANGE, Shape.FACT.value) else Shape(ask)

    def changes(self, question: str) -> bool:
        """Whether `question` asks how something changed, or recurred, across reports ("does it
        keep coming up?"): a spread over a council's reports, whatever it asks of each."""
        return self._sure(question) == CHANGE

    def _sure(self, question: str) -> str | None:
        """The ask the reader is sure of, else None."""
        weights, bias, asks, _ = self._fitted()
        scores = self._embed_query(question) @ weights + bias
        odds = np.exp(scores - scores.max())
        best = int(np.argmax(odds))
        return asks[best] if odds[best] / odds.sum() >= MIN_PROBABILITY else None

    def prototype(self, shape: Shape) -> np.ndarray:
        """What asks of `shape` mean in common: the unit mean of its examples' embeddings (for a
        list, "what needs to improve", whatever the topic or the wording)."""
        _, _, shapes, centroids = self._fitted()
        return centroids[shapes.index(shape.value)]

    def _fitted(self) -> _Fit:
        with self._lock:
            if self._fit is None:
                self._fit = self._load() or self._train()
            return self._fit

    def _load(self):
        try:
            with np.load(self._file) as kept:
                shapes = [str(s) for s in kept["shapes"]]
                return kept["weights"], kept["bias"], shapes, kept["centroids"]
        except (OSError, KeyError, ValueError):
            return None

    def _train(self):
        texts, labels, shapes = examples(json.loads(DATA.read_text(encoding="utf-8")))
        vectors, labels = self._embed(texts), np.array(labels)
        weights, bias = fit(vectors, labels, classes=len(shapes))
        centroids = np.stack([vectors[labels == c].mean(axis=0) for c in range(len(shapes))])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        self._file.parent.mkdir(parents=True, exist_ok=True)
        partial = self._file.with_suffix(".tmp.npz")
        np.savez(partial, weights=weights, bias=bias, shapes=np.array(shapes), centroids=centroids)
        partial.replace(self._file)  # whole or not at all: another process may read it
        return weights, bias, shapes, centroids


def examples(data: dict) -> tuple[list[str], list[int], list[str]]:
    """Every frame filled `FILLS` times with a topic, a council and mostly a placing clause,
    drawn the same way each time."""
    draw = random.Random(7)
    texts, labels, shapes = [], [], []
    for label, (shape, frames) in enumerate(data["frames"].items()):
        shapes.append(shape if shape == CHANGE else Shape(shape).value)
        for frame in frames:
            for _ in range(FILLS):
                topic, council = draw.choice(data["topics"]), draw.choice(data["councils"])
                text = frame.format(t=topic, c=council)
                if draw.random() < PLACED:
                    text = _placed(text, draw.choice(data["places"]))
                texts.append(text)
                labels.append(label)
    return texts, labels, shapes


def _placed(ask: str, place: str) -> str:
    """An ask placed: "What must Kent fix?" becomes "What must Kent fix after its 2023
    inspection?"."""
    body, end = (ask[:-1], ask[-1]) if ask[-1] in "?." else (ask, "")
    return f"{body} {place}{end}"


def fit(vectors: np.ndarray, labels: np.ndarray, *, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by gradient descent: a few hundred rows of 384 numbers
    need no library (scikit-learn would be one more heavy import for one small fit)."""
    rows, dims = vectors.shape
    weights, bias = np.zeros((dims, classes)), np.zeros(classes)
    target = np.eye(classes)[labels]
    for _ in range(_STEPS):
        scores = vectors @ weights + bias
        odds = np.exp(scores - scores.max(axis=1, keepdims=True))
        error = (odds / odds.sum(axis=1, keepdims=True) - target) / rows
        weights -= _RATE * (vectors.T @ error + _L2 * weights)
        bias -= _RATE * error.sum(axis=0)
    return weights, bias


def _key(model: str) -> str:
    """The fit depends on the model and the examples: a change of either fits again."""
    digest = hashlib.sha256(DATA.read_bytes())
    digest.update(f"{_FORMAT}:{FILLS}:{model}".encode())
    return digest.hexdigest()[:24]
