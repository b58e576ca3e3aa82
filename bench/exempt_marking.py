"""Which papers the exempt-marking detector would restrict, over real council papers and the
sample corpus.

    .venv/bin/python bench/exempt_marking.py [--shared ../shared] [--corpus corpus]

Reads every PDF in `<shared>/corpus/kent-papers/` (Kent County Council committee papers, kept
outside the repository) and in the sample corpus, as ingest reads them, and prints per file
whether it would be restricted and the marking found, then totals. Truth is checked by hand:
none of the 19 Kent papers is exempt (each is "Classification: Unrestricted", public minutes,
or a public form), and no Ofsted report is; so every "restricted" row is a wrong one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.documents.exemption import exempt_marking  # noqa: E402
from assistant.documents.readers import FoundFile, read_document  # noqa: E402


def _marking(path: Path) -> str:
    document = read_document(FoundFile(path, path.name), max_bytes=10**9)
    return exempt_marking([page.text for page in document.pages])


def _report(label: str, folder: Path) -> tuple[int, int]:
    paths = sorted(folder.glob("*.pdf"))
    print(f"\n{label}: {folder} ({len(paths)} PDFs)")
    restricted = 0
    for path in paths:
        marking = _marking(path)
        restricted += bool(marking)
        verdict = "RESTRICTED" if marking else "public"
        print(
            f"  {verdict:<10}  {path.name:<72}  {marking!r}"
            if marking
            else f"  {verdict:<10}  {path.name}"
        )
    print(f"  total: {restricted} of {len(paths)} restricted")
    return restricted, len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    kent = args.shared / "corpus" / "kent-papers"
    totals = [_report("Kent papers", kent)] if kent.is_dir() else []
    if not totals:
        print(f"no Kent papers at {kent}: pass --shared")
    totals.append(_report("Sample corpus", args.corpus))
    restricted = sum(r for r, _ in totals)
    print(f"\nall: {restricted} of {sum(n for _, n in totals)} restricted")


if __name__ == "__main__":
    main()
