"""Which sentence splitter cuts the development quotes' sentences where they begin and end?

    .venv/bin/python bench/sentence_splitters.py ../shared/eval/*.jsonl [--docs DIR ...]

For every gold quote, its place in the cleaned page text is found, and a splitter scores when
the quote starts at one of its sentence starts and ends at one of its sentence ends (a quote of
two sentences is two whole sentences). Splitters compared, each run on one paragraph (line) at
a time, as the assistant does: the assistant's own (`assistant.sentences.split_sentences`), NLTK
Punkt's `span_tokenize` (punkt_tab data, as llama-index-core ships it; set NLTK_DATA) and
pysbd's `char_span` — the two last only when installed, since neither is a dependency.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.core.sentences import split_sentences  # noqa: E402
from assistant.documents.readers import FoundFile, discover, read_document  # noqa: E402

Splitter = Callable[[str], list[tuple[int, int]]]


def ours(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text)]


def punkt() -> Splitter | None:
    try:
        from nltk.tokenize.punkt import PunktTokenizer
    except ImportError:
        return None
    tokenizer = PunktTokenizer("english")
    return lambda text: list(tokenizer.span_tokenize(text))


def pysbd_splitter() -> Splitter | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text: str) -> list[tuple[int, int]]:
        spans = []
        for s in segmenter.segment(text):
            stripped = s.sent.rstrip()
            spans.append((s.start, s.start + len(stripped)))
        return spans

    return split


def by_line(splitter: Splitter, text: str) -> tuple[set[int], set[int]]:
    """Sentence starts and ends over the whole text, splitting each line on its own."""
    starts, ends, pos = set(), set(), 0
    for line in text.split("\n"):
        for start, end in splitter(line):
            piece = line[start:end]
            lead = len(piece) - len(piece.lstrip())
            starts.add(pos + start + lead)
            ends.add(pos + start + len(piece.rstrip()))
        pos += len(line) + 1
    return starts, ends


def locate(quote: str, text: str) -> tuple[int, int] | None:
    words = re.findall(r"\w+", quote)
    if not words:
        return None
    pattern = r"\W+".join(re.escape(w) for w in words)
    m = re.search(pattern, text, re.I)
    if m is None:
        return None
    end = m.end()
    while end < len(text) and text[end] in ".!?;:)’”'\"":
        end += 1  # the quote's own closing punctuation
    return m.start(), end


def pages_of(paths: list[Path]) -> dict[str, list[str]]:
    found, _ = discover(paths)
    texts = {}
    for f in found:
        try:
            document = read_document(FoundFile(f.path, f.source), max_bytes=10**9)
        except Exception:  # noqa: BLE001 - a file that cannot be read has no quotes to score
            continue
        texts[Path(f.source).stem.casefold()] = [p.text for p in document.pages]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--docs", nargs="+", type=Path, default=[ROOT / "corpus"])
    args = parser.parse_args()
    splitters = {"ours": ours, "punkt": punkt(), "pysbd": pysbd_splitter()}
    splitters = {name: s for name, s in splitters.items() if s is not None}
    pages = pages_of(args.docs)
    scores = dict.fromkeys(splitters, 0)
    placed = 0
    for path in args.questions:
        for line in path.read_text(encoding="utf-8").splitlines():
            for quote in json.loads(line).get("quotes") or ():
                key = Path(quote["file"]).stem.casefold()
                for text in pages.get(key, []):
                    where = locate(quote["text"], text)
                    if where is None:
                        continue
                    placed += 1
                    for name, splitter in splitters.items():
                        starts, ends = by_line(splitter, text)
                        scores[name] += where[0] in starts and where[1] in ends
                    break
    print(
        json.dumps(
            {"quotes_placed": placed, **{n: round(s / placed, 3) for n, s in scores.items()}}
        )
    )


if __name__ == "__main__":
    main()
