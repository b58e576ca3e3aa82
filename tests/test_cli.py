"""`assistant ingest` exit codes through the real command line: 0 all indexed (unsupported
types listed, not errors), 3 partial, 1 nothing indexable or a missing path."""

from __future__ import annotations

import json

from helpers import hostile
from helpers.processes import cli

from assistant.index.ingest import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL


def test_ingest_exit_codes_ok_unchanged_partial(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha paper. " + hostile.PROSE, encoding="utf-8")
    hostile.unsupported(folder / "other")
    index = str(tmp_path / "idx")

    first = cli("ingest", str(folder), "--index", index)
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    assert "Indexed 1 files" in first.stdout
    assert "unsupported" in first.stdout and "other/budget.xlsx" in first.stdout

    again = cli("ingest", str(folder), "--index", index, "--json")
    assert again.returncode == EXIT_OK
    assert json.loads(again.stdout)["files_unchanged"] == 1

    hostile.zero_byte(folder / "empty.txt")
    partial = cli("ingest", str(folder), "--index", index)
    assert partial.returncode == EXIT_PARTIAL
    assert "empty.txt: empty file (0 bytes)" in partial.stdout


def test_ingest_file_named_with_a_leading_dash(tmp_path):
    odd = hostile.odd_names(tmp_path / "odd")
    result = cli(
        "ingest",
        "--index",
        str(tmp_path / "idx"),
        "--json",
        "--",
        "-leading-dash.txt",
        "--rebuild.txt",
        cwd=odd[0].parent,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert json.loads(result.stdout)["files_indexed"] == 2
    listed = json.loads(cli("sources", "--json", "--index", str(tmp_path / "idx")).stdout)
    assert {s["source"] for s in listed} == {"-leading-dash.txt", "--rebuild.txt"}


def test_ingest_nothing_indexable_fails(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    hostile.corrupt_pdf(folder / "broken.pdf")
    hostile.zero_byte(folder / "empty.txt")
    result = cli("ingest", str(folder), "--index", str(tmp_path / "idx"))
    assert result.returncode == EXIT_FAILED
    assert "broken.pdf: corrupt or unreadable PDF" in result.stdout
    assert "nothing could be indexed" in result.stderr


def test_ingest_missing_path_fails_with_its_name(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = cli("ingest", str(missing), "--index", str(tmp_path / "idx"))
    assert result.returncode == EXIT_FAILED
    assert f"{missing}: no such file or folder" in result.stdout
    assert "Traceback" not in result.stderr


def test_ingest_only_unsupported_files_is_not_an_error(tmp_path):
    hostile.unsupported(tmp_path / "share")
    result = cli("ingest", str(tmp_path / "share"), "--index", str(tmp_path / "idx"), "--json")
    assert result.returncode == EXIT_OK
    report = json.loads(result.stdout)
    assert report["skipped"] == [] and len(report["unsupported"]) == 3


def test_first_ingest_exports_the_model_and_prints_no_loading_bars(tmp_path):
    """With an empty encoder cache the model is loaded into torch (and exported): the model
    loader's "Loading weights" bar and the exporter's warnings must not reach the output."""
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha paper. " + hostile.PROSE, encoding="utf-8")
    cache = tmp_path / "encoders"
    env = {"ASSISTANT_ENCODER_CACHE": str(cache)}
    result = cli("ingest", str(folder), "--index", str(tmp_path / "idx"), env=env)
    assert result.returncode == EXIT_OK, result.stderr
    assert "Indexed 1 files" in result.stdout
    assert len(list(cache.glob("*/model.onnx"))) == 1, "the graph was exported into the cache"
    assert "Loading weights" not in result.stderr
    assert "Warning" not in result.stderr, result.stderr
