"""Measure passage size without embedding anything: for each size, how many gold quotes of an
evaluation set fall inside one passage (a quote split across passages can never be cited whole),
and how well BM25 alone ranks the passage holding each quote (MRR@10).

    python bench/passage_size.py ../shared/eval/dev-questions.jsonl corpus ../shared/seeds

The embedding side is measured with `assistant eval` on full indexes; this runs in seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from assistant.documents.passages import passages_of
from assistant.documents.readers import UnreadableDocument, discover, read_document
from assistant.evaluation.evaluate import file_key, load_questions, quote_coverage
from assistant.index.keyword import KeywordIndex


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("questions", type=Path)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--sizes", default="96,128,160,200,256")
    args = parser.parse_args()
    found, _ = discover(args.folders)
    documents = []
    for f in found:
        with contextlib.suppress(UnreadableDocument):  # the benchmark measures what can be read
            documents.append(read_document(f, max_bytes=10**9))
    questions = [q for q in load_questions(args.questions) if q.answerable]
    rows = [measure(documents, questions, max_tokens=int(s)) for s in args.sizes.split(",")]
    print(json.dumps(rows, indent=1))
    return 0


def measure(documents, questions, *, max_tokens: int) -> dict:
    passages = [p for d in documents for p in passages_of(d, max_tokens=max_tokens)]
    index = KeywordIndex.build([passages], stamp="bench")
    by_id = {p.id: p for p in passages}
    contained, reciprocal, total = 0, 0.0, 0
    for q in questions:
        for gold in q.quotes:
            total += 1
            holders = {
                p.id
                for p in passages
                if file_key(p.source) == file_key(gold.file)
                and quote_coverage(gold.text, p.text) >= 0.8
            }
            contained += bool(holders)
            ranked = index.search(q.question, k=10)
            rank = next((r.rank + 1 for r in ranked if r.id in holders), None)
            reciprocal += 1 / rank if rank else 0.0
    return {
        "max_tokens": max_tokens,
        "passages": len(by_id),
        "quotes_inside_one_passage": round(contained / total, 3),
        "bm25_mrr@10": round(reciprocal / total, 3),
    }


if __name__ == "__main__":
    sys.exit(main())
