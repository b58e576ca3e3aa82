"""An index made by an older version, or with another passage size or context setting, is
indexed again by the next ingest, unchanged files included: its passages would otherwise lack
the sections and units answers are built from."""

from __future__ import annotations

from dataclasses import replace

from helpers import hostile

from assistant.documents.passages import layout
from assistant.engine import Assistant
from assistant.settings import Settings


def _folder(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(f"Paper {name}. " + hostile.PROSE, encoding="utf-8")
    return folder


def test_documents_of_an_older_layout_are_indexed_again(tmp_path):
    folder = _folder(tmp_path)
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    assistant = Assistant(settings)
    first = assistant.ingest([folder])
    assert first.files_indexed == 2
    records = assistant.sources()
    assert {r.format for r in records} == {layout(max_tokens=200, contextual=True)}
    assert assistant.ingest([folder]).files_unchanged == 2
    assistant.store.register(*(replace(r, format="") for r in records))  # as an old version wrote
    again = assistant.ingest([folder])
    assert (again.files_indexed, again.files_unchanged) == (2, 0)
    assert assistant.ingest([folder]).files_unchanged == 2


def test_a_changed_passage_size_or_context_setting_indexes_again(tmp_path):
    folder = _folder(tmp_path)
    index = tmp_path / "index"
    Assistant(Settings.from_env({}, index_dir=index)).ingest([folder])
    plain = Settings.from_env({"ASSISTANT_CONTEXT_HEADERS": "0"}, index_dir=index)
    assert Assistant(plain).ingest([folder]).files_indexed == 2
    smaller = Settings.from_env(
        {"ASSISTANT_CONTEXT_HEADERS": "0"}, index_dir=index, passage_tokens=120
    )
    report = Assistant(smaller).ingest([folder])
    assert report.files_indexed == 2
    assert {r.format for r in Assistant(smaller).sources()} == {
        layout(max_tokens=120, contextual=False)
    }
