"""Rank fusion: combine ranked lists from several retrievers into one. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ranked:
    """One retriever's result: an id at a 0-based rank, with the retriever's own score."""

    id: str
    rank: int
    score: float


def reciprocal_rank_fusion(
    lists: dict[str, list[Ranked]], *, k: int = 60, weights: dict[str, float] | None = None
) -> list[Ranked]:
    """Weighted RRF (Cormack et al. 2009): score(id) = sum_w w / (k + rank + 1), best first.

    Ties are broken by the id so the order is deterministic.
    """
    scores: dict[str, float] = {}
    for name, ranked in lists.items():
        weight = (weights or {}).get(name, 1.0)
        for item in ranked:
            scores[item.id] = scores.get(item.id, 0.0) + weight / (k + item.rank + 1)
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Ranked(id=i, rank=r, score=s) for r, (i, s) in enumerate(ordered)]
