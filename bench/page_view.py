"""How long "Show the page" takes: a cited page shown the first time (rendered by PDFium, its
characters read, the quote placed, the result written to the cache) and shown again from the
cache, by the same server and by a new one (a fresh cache handle on the same folder).

    .venv/bin/python bench/page_view.py               # about half a minute
    .venv/bin/python bench/page_view.py --json
    .venv/bin/python bench/page_view.py --placement ../shared/corpus   # how many quotes place

Pages are those the sample questions cite most (see CITED), plus page 300 of a 600-page PDF
made from the sample reports, to show that a long document costs no more per page. Each
figure is the median of `--repeat` runs, each on a fresh cache folder.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents.readers import FoundFile, read_document  # noqa: E402
from assistant.evidence.page_images import PageImages  # noqa: E402

CORPUS = ROOT / "corpus"
CITED = [  # (file, page): pages that answers to the development questions cite
    ("ofsted-ilacs-liverpool-2023.pdf", 8),
    ("ofsted-ilacs-liverpool-2023.pdf", 10),
    ("ofsted-ilacs-kent-2022.pdf", 4),
    ("ofsted-sif-norfolk-2015.pdf", 12),
    ("ofsted-cqc-send-rotherham-2024.pdf", 3),
]


def first_sentence(pdf: Path, number: int) -> str:
    """The first sentence of eight words or more in the page's cleaned text, as a citation
    would quote it."""
    document = read_document(FoundFile(pdf, pdf.name), max_bytes=10**9)
    text = next(p.text for p in document.pages if p.number == number)
    sentences = re.split(r"(?<=[.!?])\s+", text.replace("\n", " "))
    return next(s for s in sentences if len(s.split()) >= 8)


def long_pdf(dest: Path, *, pages: int) -> Path:
    """A `pages`-page PDF made of the sample reports, one after another."""
    import pypdfium2 as pdfium  # only to build the test document; the product renders with it

    out = pdfium.PdfDocument.new()
    sources = sorted(CORPUS.glob("*.pdf"))
    while len(out) < pages:
        for source in sources:
            if len(out) >= pages:
                break
            pdf = pdfium.PdfDocument(source)
            out.import_pages(pdf, list(range(min(len(pdf), pages - len(out)))))
    out.save(dest)
    return dest


def measure(pdf: Path, number: int, quote: str, *, repeat: int) -> dict:
    first, same, fresh = [], [], []
    placed, image_bytes = False, 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            images = PageImages(Path(folder))
            started = time.perf_counter()
            view = images.view(pdf, number, quote)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            images.view(pdf, number, quote)
            same.append(time.perf_counter() - started)
            images.close()
            again = PageImages(Path(folder))
            started = time.perf_counter()
            again.view(pdf, number, quote)
            fresh.append(time.perf_counter() - started)
            cache_bytes = again.volume()
            again.close()
        placed, image_bytes = view.placement.placed, len(view.page.image)
    return {
        "file": pdf.name,
        "page": number,
        "placed": placed,
        "first_ms": round(1000 * statistics.median(first), 1),
        "cached_ms": round(1000 * statistics.median(same), 1),
        "cached_new_process_ms": round(1000 * statistics.median(fresh), 1),
        "image_kb": round(image_bytes / 1024, 1),
        "cache_kb": round(cache_bytes / 1024, 1),
    }


def placement(folders: list[Path], *, seed: int = 7) -> tuple[int, list[tuple]]:
    """Up to three sentences from each of two random pages of every PDF under `folders`, looked
    for on their page as a citation of them would be: how many are placed, and the misses."""
    import random

    from assistant.documents.readers import UnreadableDocument
    from assistant.evidence.page_images import render_page
    from assistant.evidence.quote_on_page import locate

    rng, tried, missed = random.Random(seed), 0, []
    for pdf in sorted(p for folder in folders for p in folder.rglob("*.pdf")):
        try:
            document = read_document(FoundFile(pdf, pdf.name), max_bytes=10**9)
        except UnreadableDocument:
            continue
        for page in rng.sample(document.pages, min(2, len(document.pages))):
            text = page.text.replace("\n", " ")
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 6]
            chars = render_page(pdf, page.number).chars
            for sentence in rng.sample(sentences, min(3, len(sentences))):
                at = text.find(sentence)
                around = {
                    "before": text[max(0, at - 200) : at],
                    "after": text[at + len(sentence) :],
                }
                tried += 1
                found = locate(chars, sentence, **around)
                if not found.placed:
                    missed.append((pdf.name, page.number, found.reason, sentence[:80]))
    return tried, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--placement", nargs="+", type=Path, metavar="DIR")
    args = parser.parse_args()
    if args.placement:
        tried, missed = placement(args.placement)
        print(f"{tried - len(missed)} of {tried} sentences placed on their page")
        for miss in missed:
            print("  not placed:", *miss)
        return
    rows = [
        measure(CORPUS / name, page, first_sentence(CORPUS / name, page), repeat=args.repeat)
        for name, page in CITED
    ]
    with tempfile.TemporaryDirectory() as folder:
        big = long_pdf(Path(folder) / "six-hundred-pages.pdf", pages=600)
        rows.append(measure(big, 300, first_sentence(big, 300), repeat=args.repeat))
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'file':40} {'page':>4} {'first':>9} {'cached':>9} {'new proc':>9} {'image':>8}")
    for r in rows:
        print(
            f"{r['file']:40} {r['page']:>4} {r['first_ms']:>7.1f}ms {r['cached_ms']:>7.1f}ms "
            f"{r['cached_new_process_ms']:>7.1f}ms {r['image_kb']:>6.1f}KB"
            + ("" if r["placed"] else "  (quote not placed)")
        )


if __name__ == "__main__":
    main()
