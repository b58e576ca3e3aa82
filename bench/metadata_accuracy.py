"""Per-field accuracy of the metadata extractor over real reports.

    .venv/bin/python bench/metadata_accuracy.py [--corpus corpus] [--pool PATH] [--json] [--errors]

Truth comes from outside the text the extractor reads:
- council, document kind and publication year (the pool: full publication date) from the file
  names, which the publishers' scrapers wrote (`ofsted-<type>-<council>-<year>.pdf`,
  `<URN>_<council>_children_s_services_<kind>_<dd>_<month>_<yyyy>.txt`);
- overall judgements of `corpus/` from `bench/metadata_truth.csv`, checked by hand against each
  report's first page; of the pool, from the report's own headline statement ("Overall
  effectiveness  Good", "Children's services in X are inadequate"), read by the simple pattern
  below, independent of the extractor's table parser; reports with a grade table but no
  "Overall effectiveness" row (2026 onwards) must give no overall grade.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.core import councils, judgements  # noqa: E402
from assistant.documents import describe as metadata  # noqa: E402
from assistant.documents import report_dates  # noqa: E402
from assistant.documents.readers import FoundFile, read_document  # noqa: E402

_KINDS = {
    "sif": "full_inspection",
    "ilacs": "full_inspection",
    "fv": "focused_visit",
    "cqc-send": "area_send",
    "inspection": "full_inspection",
    "focused_visit": "focused_visit",
}
_CORPUS_NAME = re.compile(r"ofsted-(sif|ilacs|fv|cqc-send)-(.+)-(\d{4})(?:-\d+)?\.pdf$")
_POOL_NAME = re.compile(
    r"\d+_(.+)_children_s_services_(inspection|focused_visit)_(\d\d)_([a-z]+)_(\d{4})\.txt$"
)
_HEADLINE = re.compile(
    r"Overall effectiveness:?\s+(Outstanding|Good|Requires improvement to be good|Inadequate)"
    r"|Children.s services in [^.]{0,100}?(?:are|is|requires?|require)\s+"
    r"(outstanding|good|improvement to be good|inadequate)",
    re.I,
)


@dataclass
class Truth:
    council: str
    doc_type: str
    year: int
    date: str = ""  # full ISO publication date when known
    overall: str | None = None  # None: not a full inspection or not labelled


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, ok: bool, note: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.errors.append(note)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def corpus_truths(folder: Path) -> list[tuple[Path, Truth]]:
    labels = {}
    with (ROOT / "bench" / "metadata_truth.csv").open(encoding="utf-8") as handle:
        labels = {r["file"]: r["overall_judgement"] for r in csv.DictReader(handle)}
    out = []
    for path in sorted(folder.glob("*.pdf")):
        m = _CORPUS_NAME.match(path.name)
        if m:
            council = councils.lookup(m.group(2).replace("-", " "))
            out.append(
                (
                    path,
                    Truth(
                        council.name,
                        _KINDS[m.group(1)],
                        int(m.group(3)),
                        overall=labels.get(path.name),
                    ),
                )
            )
    return out


def pool_truth(path: Path) -> Truth:
    m = _POOL_NAME.match(path.name)
    council = councils.lookup(m.group(1))
    if council is None:
        raise SystemExit(f"unknown council in file name: {path.name}")
    date = report_dates.parse_date(f"{m.group(3)} {m.group(4)} {m.group(5)}")
    truth = Truth(council.name, _KINDS[m.group(2)], int(m.group(5)), date)
    if truth.doc_type == "full_inspection":
        truth.overall = _stated_overall(path.read_text(encoding="utf-8", errors="replace"))
    return truth


def _stated_overall(raw: str) -> str | None:
    """The overall grade as laid out in the raw two-column text, or None when not found.

    The grade column sits right of the label and may wrap onto the lines above and below it
    ("Requires improvement" / "Overall effectiveness" / "to be good").
    """
    lines = raw.split("\n")[:80]
    for i, line in enumerate(lines):
        if "Overall effectiveness" in line:
            parts = [line.split("Overall effectiveness", 1)[1]]
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines) and re.match(r"\s{30,}\S", lines[j]):
                    parts.insert(0 if j < i else len(parts), lines[j])
            grade = judgements.normalise_grade(" ".join(" ".join(parts).split()).lstrip(":"))
            return grade or None
    head = re.sub(r"\s+", " ", "\n".join(lines))
    found = _HEADLINE.search(head)
    if found:
        return judgements.normalise_grade(found.group(1) or found.group(2)) or (
            "Requires improvement to be good"
        )
    if re.search(r"Judgement\s+Grade", head):
        return ""  # graded areas, no overall grade (2026 onwards)
    return None


def score(items, *, tallies: dict[str, Tally]) -> None:
    for name, text, kind, truth in items:
        meta = metadata.extract(text, kind=kind)
        tallies["council"].add(meta.council == truth.council, f"{name}: {meta.council!r}")
        tallies["doc_type"].add(meta.doc_type == truth.doc_type, f"{name}: {meta.doc_type!r}")
        tallies["published_year"].add(
            meta.year == truth.year, f"{name}: {meta.published!r} ({meta.published_basis})"
        )
        if truth.date:
            tallies["published_date_exact"].add(
                meta.published == truth.date, f"{name}: {meta.published!r} ({meta.published_basis})"
            )
        if truth.doc_type == "full_inspection":
            if truth.overall is None:
                tallies["overall_unlabelled"].add(
                    False, f"{name}: extractor says {meta.overall_judgement!r}"
                )
            else:
                tallies["overall_judgement"].add(
                    meta.overall_judgement == truth.overall,
                    f"{name}: {meta.overall_judgement!r} != {truth.overall!r}",
                )
        if truth.doc_type in ("full_inspection", "focused_visit"):
            tallies["inspection_dates_found"].add(bool(meta.inspection_start), f"{name}")


def _read(path: Path) -> str:
    document = read_document(FoundFile(path, path.name), max_bytes=10**9)
    return "\n".join(page.text for page in document.pages)


FIELDS = (
    "council",
    "doc_type",
    "published_year",
    "published_date_exact",
    "overall_judgement",
    "overall_unlabelled",
    "inspection_dates_found",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument(
        "--pool", type=Path, default=ROOT.parent / "shared" / "corpus" / "ofsted-pool"
    )
    parser.add_argument("--limit", type=int, default=0, help="pool files to read (0: all)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    results = {}
    for label, items in (
        ("corpus", _corpus_items(args.corpus)),
        ("pool", _pool_items(args.pool, args.limit)),
    ):
        tallies = {n: Tally() for n in FIELDS}
        score(items, tallies=tallies)
        results[label] = {n: t for n, t in tallies.items() if t.total}
    if args.json:
        print(json.dumps(_as_json(results)))
    else:
        _print_table(results, errors=args.errors)
    return 0


def _as_json(results: dict[str, dict[str, Tally]]) -> dict:
    return {
        label: {
            n: {"accuracy": round(t.accuracy, 4), "right": t.right, "total": t.total}
            for n, t in fields.items()
        }
        for label, fields in results.items()
    }


def _print_table(results: dict[str, dict[str, Tally]], *, errors: bool) -> None:
    for label, fields in results.items():
        print(f"== {label}")
        for n, t in fields.items():
            print(f"  {n:24s} {t.accuracy:7.2%}  ({t.right}/{t.total})")
            for e in t.errors if errors else ():
                print(f"      {e}")


def _corpus_items(folder: Path):
    for path, truth in corpus_truths(folder):
        yield path.name, _read(path), "pdf", truth


def _pool_items(folder: Path, limit: int):
    paths = sorted(folder.glob("*.txt"))
    for path in paths[:limit] if limit else paths:
        text = _read(path)
        yield path.name, text, "text", pool_truth(path)


if __name__ == "__main__":
    sys.exit(main())
