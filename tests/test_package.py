"""The shape of the package, read from its source with `ast`: no import cycle among assistant
modules, each heavy library imported by its one module, product code never importing tests, a
small root over folders by stage whose `__init__.py` files import nothing, and a cheap
`import assistant` whose public names all resolve."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.paths import ROOT

PACKAGE = ROOT / "assistant"


# --- reading imports ----------------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    """`assistant/index/store.py` -> `assistant.index.store`; a package is its `__init__.py`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(package: Path) -> dict[str, Path]:
    return {module_name(p, package.parent): p for p in sorted(package.rglob("*.py"))}


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def imports(path: Path, *, lazy: bool) -> Iterator[tuple[str, list[str], int]]:
    """(module, names, level) of each import statement that runs: those run at import time, and
    with `lazy` those inside functions too. What only a type checker reads is left out."""

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[str, list[str], int]]:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            children = node.orelse  # `else:` runs; the `if TYPE_CHECKING:` body never does
        else:
            children = list(ast.iter_child_nodes(node))
            if lazy or not in_function:
                if isinstance(node, ast.Import):
                    yield from ((alias.name, [], 0) for alias in node.names)
                elif isinstance(node, ast.ImportFrom):
                    yield node.module or "", [a.name for a in node.names], node.level
            in_function = in_function or isinstance(node, FUNCTIONS)
        for child in children:
            yield from visit(child, in_function)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")), False)


def absolute(module: str, level: int, importer: str, is_package: bool) -> str:
    """The absolute name of a (possibly relative) `from` import's module."""
    if level == 0:
        return module
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def dependencies(package: Path, *, lazy: bool) -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package its imports load."""
    mods = modules_of(package)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        found: set[str] = set()
        for module, names, level in imports(path, lazy=lazy):
            target = absolute(module, level, name, path.name == "__init__.py")
            if not names:  # import a.b.c
                found.add(target)
            for imported in names:  # from a.b import c: c is a module or a name in a.b
                full = f"{target}.{imported}"
                found.add(full if full in mods else target)
        graph[name] = (found & set(mods)) - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a path that
    goes round it, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(_round(group, graph) for group in groups)


def _round(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A path from the group's first module back to itself, inside the group (breadth first)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(graph[node] & members):
            if other == start:
                return [*paths[node], start]
            if other not in paths:
                paths[other] = [*paths[node], other]
                queue.append(other)
    return group  # unreachable for a strongly connected group


def _shown(found: list[list[str]]) -> str:
    return "\n".join(" -> ".join(c) for c in found)


# --- (a) no import cycle --------------------------------------------------------------------


@pytest.mark.parametrize("lazy", [False, True], ids=["at-import", "with-imports-in-functions"])
def test_no_import_cycle_among_assistant_modules(lazy):
    graph = dependencies(PACKAGE, lazy=lazy)
    assert len(graph) > 40 and sum(map(len, graph.values())) > 100, "the scan found the imports"
    found = cycles(graph)
    assert not found, "import cycles:\n" + _shown(found)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "pkg"


def test_the_cycle_check_finds_cycles_in_functions_and_skips_type_checking(tmp_path):
    package = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a/__init__.py": "",
            "pkg/a/one.py": "from pkg.b import two\n",
            "pkg/b/__init__.py": "",
            "pkg/b/two.py": "def later():\n    from ..a.one import x\n",
            "pkg/c.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg import d\nelse:\n    import pkg.e\n"
            ),
            "pkg/d.py": "import pkg.c\n",
            "pkg/e.py": "class E:\n    from pkg.c import thing\n",
        },
    )
    assert cycles(dependencies(package, lazy=False)) == [["pkg.c", "pkg.e", "pkg.c"]]
    assert cycles(dependencies(package, lazy=True)) == [
        ["pkg.a.one", "pkg.b.two", "pkg.a.one"],
        ["pkg.c", "pkg.e", "pkg.c"],
    ]


# --- each heavy library has its one importer (item 4 of "Wings") -----------------------------

OWNERS = {
    # llama-index-core is the door's alone; the summary's LLM client is the writer's alone
    "llama_index": {"assistant/llama_index.py", "assistant/summary/writer.py"},
    "llama_index.core": {"assistant/llama_index.py"},
    "llama_index.llms": {"assistant/summary/writer.py"},
    "openai": {"assistant/summary/writer.py"},
    # python-docx: one module reads .docx files, one writes briefings
    "docx": {"assistant/documents/docx.py", "assistant/evidence/docx.py"},
    "chromadb": {"assistant/index/chroma.py"},
    "torch": {"assistant/vectors/torch_encoder.py"},
    "sentence_transformers": {"assistant/vectors/torch_encoder.py"},
    "transformers": {"assistant/vectors/torch_encoder.py"},
    "onnxruntime": {"assistant/vectors/onnx_encoder.py"},
    "openvino": {"assistant/vectors/openvino_encoder.py"},
    "streamlit": set(),  # the page (ui/) only
}


def importers(library: str, folders: tuple[str, ...] = ("assistant", "ui")) -> set[str]:
    """The modules under `folders` that import `library` or a module inside it, anywhere."""
    found = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for module, _, level in imports(path, lazy=True):
                if level == 0 and (module == library or module.startswith(library + ".")):
                    found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_heavy_library_is_imported_by_its_one_module(library):
    found = importers(library)
    if library == "streamlit":
        assert found and all(p.startswith("ui/") for p in found), found
    else:
        assert found == OWNERS[library]


# --- (b) product code never imports tests --------------------------------------------------


def _test_code(module: str) -> bool:
    top = module.split(".")[0]
    return top in ("conftest", "tests", "helpers") or top.startswith("test_")


def test_no_product_module_imports_from_tests():
    offenders = []
    for folder in ("assistant", "ui", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for module, names, level in imports(path, lazy=True):
                named = [module] if module else names
                if level == 0 and any(_test_code(m) for m in named):
                    offenders.append(f"{path.relative_to(ROOT)}: {module or names}")
    assert not offenders


def test_tests_share_helpers_as_modules_never_test_files_or_conftest():
    tests = ROOT / "tests"
    offenders = []
    for path in sorted(tests.rglob("*.py")):
        for module, names, _ in imports(path, lazy=True):
            named = [module] if module else names
            if any(
                m.split(".")[0] == "conftest" or m.split(".")[0].startswith("test_") for m in named
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {module or names}")
        # scripts a test runs in another process are strings: read those lines too
        text = path.read_text(encoding="utf-8")
        for line in re.findall(r"^\s*(?:from|import)\s+(?:conftest|test_\w+)\b.*$", text, re.M):
            offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not offenders
    names = [p.name for p in tests.rglob("test_*.py")]
    assert len(names) > 30 and len(set(names)) == len(names), "test module names are unique"
    helpers = tests / "helpers"
    assert (helpers / "__init__.py").exists()
    assert not list(helpers.glob("test_*.py")) and not (helpers / "conftest.py").exists()


# --- (c) a small root over folders by stage --------------------------------------------------


def test_the_root_is_small_and_the_stages_are_folders():
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    folders = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert len(root_modules) <= 8, root_modules
    assert len(folders) >= 6, folders
    loose = [
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*.py")
        if not (p.parent / "__init__.py").exists()
    ]
    assert not loose, "every folder of modules is a package"


def _imports_nothing(init: Path) -> bool:
    body = ast.parse(init.read_text(encoding="utf-8")).body
    docstring = (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )
    return len(body) == (1 if docstring else 0)


def test_each_subpackage_init_is_empty_or_a_docstring():
    inits = sorted(p for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE)
    assert len(inits) >= 6
    assert [p.relative_to(ROOT).as_posix() for p in inits if not _imports_nothing(p)] == []


# --- (d) a cheap `import assistant` -------------------------------------------------------

HEAVY = (
    "chromadb",
    "torch",
    "llama_index",
    "sentence_transformers",
    "streamlit",
    "transformers",
    "openai",
    "onnxruntime",
)

_IMPORT_ASSISTANT = """
import json, sys
import assistant
heavy = {heavy!r}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
face = list(assistant.__all__)
missing = []
for name in face:
    try:
        getattr(assistant, name)
    except Exception as exc:
        missing.append(f"{{name}}: {{exc!r}}")
namespace = {{}}
exec("from assistant import *", namespace)
print(json.dumps({{"loaded": loaded, "face": face, "missing": missing,
                  "star": sorted(n for n in namespace if not n.startswith("__"))}}))
"""


def test_import_assistant_loads_no_heavy_library_and_its_public_names_resolve():
    script = _IMPORT_ASSISTANT.format(heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["loaded"] == [], "`import assistant` loaded heavy libraries"
    assert report["face"] and len(set(report["face"])) == len(report["face"])
    assert report["missing"] == []
    assert report["star"] == sorted(report["face"])
