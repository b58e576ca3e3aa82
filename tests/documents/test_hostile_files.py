"""Hostile input: one ingest of a folder of real, bad files (made by `helpers/hostile.py`) must name
every bad file with its reason, index everything else correctly, and exit 3 ("partial")."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest
from helpers import hostile
from helpers.processes import cli

from assistant.index.ingest import EXIT_PARTIAL, ingest
from assistant.index.store import Store
from assistant.settings import Settings
from assistant.vectors.embedder import Embedder

# source (relative to the ingested folder) -> what its reason must say
FAILURES = {
    "corrupt.pdf": "corrupt or unreadable PDF",
    "truncated.pdf": "corrupt or unreadable PDF",
    "encrypted.pdf": "encrypted (password-protected) PDF",
    "scanned.pdf": "no extractable text — needs OCR",
    "empty.txt": "empty file (0 bytes)",
    "binary.txt": "binary data, not text",
    "big.txt": "over the 1 MB size limit",
    "loopy/loop": "symlink loop",
}
UNSUPPORTED = {"unsupported/budget.xlsx", "unsupported/photo.jpg", "unsupported/papers.zip"}
SCRIPT_MARKERS = [
    "SCRIPT-RAN",
    "ONLOAD-RAN",
    "LINK-RAN",
    "ONERROR-RAN",
    "INLINE-SCRIPT-BODY",
    "STOLEN-COOKIE",
    "STYLE-TEXT",
    "javascript",
    "alert(",
    "document.cookie",
]


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "share"
    folder.mkdir()
    hostile.text_pdf(folder / "good.pdf", [hostile.PROSE, "Second page. " + hostile.PROSE])
    hostile.corrupt_pdf(folder / "corrupt.pdf")
    hostile.truncated_pdf(folder / "truncated.pdf", folder / "good.pdf")
    hostile.encrypted_pdf(folder / "encrypted.pdf")
    hostile.scanned_pdf(folder / "scanned.pdf")
    hostile.zero_byte(folder / "empty.txt")
    hostile.binary_as_txt(folder / "binary.txt")
    hostile.cp1252_text(folder / "council-cp1252.txt")
    hostile.big_text(folder / "big.txt", megabytes=1.5)
    hostile.hostile_html(folder / "page.html")
    hostile.odd_names(folder / "odd names")
    hostile.deep_folder(folder / "deep", depth=40)
    hostile.symlink_loop(folder / "loopy")
    hostile.unsupported(folder / "unsupported")
    return folder


@pytest.fixture(scope="module")
def hostile_run(hostile_folder, tmp_path_factory):
    """The real CLI over the folder, with a 1 MB size limit so `big.txt` is over it."""
    index = tmp_path_factory.mktemp("hostile-index")
    result = cli(
        "ingest",
        str(hostile_folder),
        "--index",
        str(index),
        "--json",
        env={"ASSISTANT_MAX_FILE_MB": "1"},
    )
    report = json.loads(result.stdout)
    settings = Settings.from_env({}, index_dir=index)
    store = Store(settings, model_name=settings.model)
    texts = {}
    for batch in store.iter_passages():
        for p in batch:
            texts[p.source] = texts.get(p.source, "") + "\n" + p.text
    return result, report, index, texts


def test_exit_status_is_partial_and_stderr_has_no_traceback(hostile_run):
    result, report, _, _ = hostile_run
    assert result.returncode == EXIT_PARTIAL, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("source", "reason"), sorted(FAILURES.items()))
def test_each_bad_file_is_named_with_its_reason(hostile_run, source, reason):
    _, report, _, _ = hostile_run
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert source in reasons, f"{source} not reported; got {sorted(reasons)}"
    assert reason in reasons[source]


def test_only_the_bad_files_are_reported_and_everything_else_is_indexed(hostile_run):
    _, report, _, texts = hostile_run
    assert {s["path"] for s in report["skipped"]} == set(FAILURES)
    assert set(report["unsupported"]) == UNSUPPORTED  # listed, not failures
    expected = {
        "good.pdf",
        "council-cp1252.txt",
        "page.html",
        "loopy/inside.txt",
        "deep/" + "/".join(f"level{n:02d}" for n in range(40)) + "/deep.txt",
    }
    expected |= {f"odd names/{name}" for name in hostile.ODD_NAMES}
    assert set(texts) == expected
    assert report["files_indexed"] == len(expected)


def test_cp1252_text_is_read_correctly_not_rejected(hostile_run):
    text = hostile_run[3]["council-cp1252.txt"]
    for phrase in [
        "committee’s review",
        "“good progress”",
        "café budget of £250,000",
        "naïve assumption",
        "— the résumé",
    ]:
        assert phrase in text
    assert "\ufffd" not in text


def test_html_keeps_text_and_drops_code(hostile_run):
    text = hostile_run[3]["page.html"]
    assert "transport for pupils with special educational needs was arranged late" in text
    assert "Read the officers' response" in text  # the javascript: link's text survives
    for marker in SCRIPT_MARKERS:
        assert marker not in text


def test_symlink_loop_is_not_followed_twice(hostile_run):
    _, _, _, texts = hostile_run
    assert [s for s in texts if s.endswith("inside.txt")] == ["loopy/inside.txt"]


def test_rerun_prints_each_failure_and_keeps_last_good_version_of_a_damaged_file(
    hostile_run, hostile_folder
):
    _, _, index, _ = hostile_run
    good = hostile_folder / "good.pdf"
    original = good.read_bytes()
    try:
        hostile.corrupt_pdf(good)  # a file that was fine last week is damaged this week
        result = cli(
            "ingest", str(hostile_folder), "--index", str(index), env={"ASSISTANT_MAX_FILE_MB": "1"}
        )
    finally:
        good.write_bytes(original)
    assert result.returncode == EXIT_PARTIAL
    lines = result.stdout.splitlines()
    for source, reason in FAILURES.items():
        assert any(line.strip().startswith(f"{source}: ") and reason in line for line in lines)
    assert any(
        "good.pdf: corrupt" in line and "previously indexed version is kept" in line
        for line in lines
    )
    assert "Not indexed (unsupported file types) 3" in result.stdout
    sources = json.loads(cli("sources", "--json", "--index", str(index)).stdout)
    assert "good.pdf" in {s["source"] for s in sources}


def test_huge_file_is_refused_by_size_without_reading_it(tmp_path):
    """A 3 GB file (sparse: no disk used) under the default 200 MB limit: skipped, memory flat."""
    folder = tmp_path / "share"
    folder.mkdir()
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(3_000_000_000)
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    report = ingest(
        [folder],
        settings=settings,
        embedder=Embedder(settings.model),
        store=Store(settings, model_name=settings.model, create=True),
    )
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [(s.path, "over the 200 MB size limit" in s.reason) for s in report.skipped] == [
        ("huge.txt", True)
    ]
    assert grown_mb < 300, f"memory grew by {grown_mb:.0f} MB"
