"""Settings are read in one place, validated, and a bad one stops a command with one line naming
it; only `ingest` creates an index, every other command reports a missing one."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from helpers.paths import ROOT
from helpers.processes import cli

from assistant.settings import VARIABLES, Settings, SettingsError


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ASSISTANT_MAX_FILE_MB", "abc", "must be a number, not 'abc'"),
        ("ASSISTANT_MAX_FILE_MB", "-4", "between"),
        ("ASSISTANT_PASSAGE_TOKENS", "12.5", "a whole number"),
        ("ASSISTANT_PASSAGE_TOKENS", "5000", "between 32 and 512"),
        ("ASSISTANT_CHROMA_URL", "localhost:8000", "http(s) URL"),
        ("ASSISTANT_CHROMA_URL", "http://host:port", "bad port"),
        ("ASSISTANT_COLLECTION", "a b", "letters, digits"),
        ("ASSISTANT_CONTEXT_HEADERS", "maybe", "1 or 0"),
        ("ASSISTANT_LLM_TIMEOUT", "0", "between 1 and 600"),
        ("ASSISTANT_BULK_PRECISION", "int8", "one of auto, fp32, not 'int8'"),
    ],
)
def test_a_bad_value_is_one_error_naming_the_variable(variable, value, says):
    with pytest.raises(SettingsError, match=re.escape(says)) as caught:
        Settings.from_env({variable: value})
    assert str(caught.value).startswith(variable) and "\n" not in str(caught.value)


def test_values_are_typed_and_blank_ones_mean_the_default(tmp_path):
    settings = Settings.from_env(
        {
            "ASSISTANT_MAX_FILE_MB": "2.5",
            "ASSISTANT_PASSAGE_TOKENS": "160",
            "ASSISTANT_DOCS": os.pathsep.join([str(tmp_path / "a"), str(tmp_path / "b")]),
            "ASSISTANT_CONTEXT_HEADERS": "off",
            "ASSISTANT_CHROMA_URL": "http://chroma:8000/",
            "ASSISTANT_COLLECTION": "  ",
        },
        index_dir=str(tmp_path / "idx"),
    )
    assert (settings.max_file_mb, settings.passage_tokens) == (2.5, 160)
    assert settings.doc_roots == (tmp_path / "a", tmp_path / "b")
    assert settings.contextual is False and settings.chroma_url == "http://chroma:8000"
    assert settings.collection == "passages" and settings.index_dir == tmp_path / "idx"


def test_every_variable_names_a_setting():
    names = set(Settings.__dataclass_fields__)
    assert all(v.field in names for v in VARIABLES)
    assert len({v.name for v in VARIABLES}) == len(VARIABLES)


WRITES = {"setdefault", "update", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


def environment_use(path: Path) -> set[str]:
    """How a module touches the process environment: "read", "write", or both (from its AST)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    uses = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            touched = {a.name for a in node.names} & {"environ", "getenv", "putenv", "unsetenv"}
            uses |= {"read", "write"} if touched else set()  # `from os import environ`: either
        if not (isinstance(node, ast.Attribute) and ast.unparse(node.value) == "os"):
            continue
        parent = parents.get(node)
        if node.attr in ("putenv", "unsetenv"):
            uses.add("write")
        elif node.attr == "getenv":
            uses.add("read")
        elif node.attr == "environ":
            written = (
                (isinstance(parent, ast.Attribute) and parent.attr in WRITES)
                or (isinstance(parent, ast.Subscript) and not isinstance(parent.ctx, ast.Load))
                or isinstance(node.ctx, ast.Store | ast.Del)
            )
            uses.add("write" if written else "read")
    return uses


def test_only_settings_reads_the_environment_and_only_offline_writes_it():
    readers, writers = set(), set()
    for folder in ("assistant", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            uses = environment_use(path)
            name = path.relative_to(ROOT).as_posix()
            readers |= {name} if "read" in uses else set()
            writers |= {name} if "write" in uses else set()
    assert readers == {"assistant/settings.py"}, "settings are read once, by Settings.from_env"
    assert writers == {"assistant/offline.py"}, "only offline_environment() sets variables"


def test_the_environment_check_tells_reading_from_writing(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nx = os.environ.get('A')\n", encoding="utf-8")
    assert environment_use(module) == {"read"}
    module.write_text("import os\nos.environ['A'] = '1'\nos.environ.setdefault('B', '')\n")
    assert environment_use(module) == {"write"}
    module.write_text("import os\ndel os.environ['A']\nprint(os.getenv('B'))\n")
    assert environment_use(module) == {"read", "write"}


def test_a_bad_setting_ends_a_command_with_one_line_and_status_1(tmp_path):
    done = cli("sources", env={"ASSISTANT_MAX_FILE_MB": "abc"}, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "assistant: ASSISTANT_MAX_FILE_MB must be a number, not 'abc'"
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["ask", "How are care leavers supported?"],
        ["sources"],
        ["remove", "a.pdf"],
        ["timeline", "Kent"],
        ["compare", "caseloads"],
    ],
    ids=lambda c: c[0],
)
def test_only_ingest_creates_an_index(tmp_path, command):
    mistyped = tmp_path / "indx"
    done = cli(*command, "--index", str(mistyped))
    assert done.returncode == 1, done.stdout
    assert done.stderr.strip() == (
        f"assistant: no index at {mistyped} — run `assistant ingest FOLDER` first"
    )
    assert not mistyped.exists(), "a mistyped index folder must not be created"


def test_eval_reports_a_missing_index_too(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "1", "question": "q", "answerable": false}\n', encoding="utf-8")
    done = cli("eval", str(questions), "--index", str(tmp_path / "indx"))
    assert done.returncode == 1 and "no index at" in done.stderr
    assert not (tmp_path / "indx").exists()
