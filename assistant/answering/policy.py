"""Every knob of retrieval, sentence selection and declining, in one typed place, each set once.

The values were chosen with `assistant eval` on the `tune` split of the development questions
and are reported on `check` beside it (docs/answers.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Weights of each ranked list in the fusion: the whole index and, when the question names
# councils or years, inside them (dense and BM25 each).
FUSION_WEIGHTS = {"dense": 1.0, "keyword": 1.0, "scope-dense": 1.0, "scope-keyword": 1.0}


@dataclass(frozen=True)
class AnswerPolicy:
    """Knobs for retrieval, sentence selection and abstention."""

    passages: int = 12  # passages retrieved per question (`ask -k`), whose units are candidates
    pool: int = 30  # depth of each ranked list before fusion
    rrf_k: int = 60  # reciprocal rank fusion's constant (Cormack et al.)
    fusion_weights: dict[str, float] = field(default_factory=lambda: dict(FUSION_WEIGHTS))
    shortlist: int = 8  # units embedded per question after the cheap lexical pass (measured)
    group_shortlist: int = 5  # the same per council or per report, when the answer spans them
    group_passages: int = 6  # passages searched per council or report
    max_sentences: int = 5
    per_document: int = 4  # cap per document while several documents compete for the answer
    # Quotes from one passage at most: its excerpt is shown whole, so a third adds little.
    per_passage: int = 2
    per_group: int = 2  # cap per council (comparisons) and per report (changes over time)
    max_groups: int = 5  # councils, reports or examples shown at most
    max_items: int = 10  # list items quoted from one list
    best_documents: int = 2  # lists or judgements of the best hits' documents, when no council
    headline_sentences: int = 3  # a report's summary statements quoted after its verdict
    # A judged area is meant when its grade row is this much closer to the question than any
    # other area's (MiniLM cosine; "children" alone brings every row within ~0.05).
    area_margin: float = 0.1
    opening_passages: int = 4  # where a report's grade table and summary are looked for
    heading_weight: float = 0.6  # a list's heading against the words that asked (its items: 1-)
    group_margin: float = 1.5  # groups kept within this many margins of the best group
    decision_documents: int = 3  # the best documents whose resolutions are searched
    resolutions: int = 8  # passages recording decisions searched in them
    min_score: float = 0.40
    min_passage_similarity: float = 0.25
    margin: float = 0.45  # keep units within this of the best one
    lexical_weight: float = 0.35
    passage_weight: float = 0.15
    cue_weight: float = 0.10  # bonus for a unit giving what the shape wants: a cause, a decision
    cue_slots: int = 3  # units giving a cause (or a decision) embedded beyond the shortlist
    duplicate_overlap: float = 0.8
