"""The three parts of src/ keep their borders.

- carepool (src/model) imports neither other part; coursebook (src/book) may
  import carepool; coursegrading (src/grading) imports neither.
- Every package a part imports is in its own dependency list.
- Importing carepool changes nothing outside it.
- Test modules do not import one another (shared code lives in support
  modules), and benchmarks import no tests.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.support import ROOT

PARTS = {"carepool": ROOT / "src" / "model", "coursebook": ROOT / "src" / "book",
         "coursegrading": ROOT / "src" / "grading"}
MAY_IMPORT = {"carepool": set(), "coursebook": {"carepool"}, "coursegrading": set()}


def _imports(path: Path) -> set[str]:
    """Top-level names of the modules a file imports (absolute imports only)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _part_imports(part: str) -> dict[str, set[Path]]:
    found: dict[str, set[Path]] = {}
    for path in (PARTS[part] / part).rglob("*.py"):
        for name in _imports(path):
            found.setdefault(name, set()).add(path.relative_to(ROOT))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(part: str) -> set[str]:
    project = tomllib.loads((PARTS[part] / "pyproject.toml").read_text())["project"]
    return {_normal(re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}


@pytest.mark.parametrize("part", PARTS)
def test_each_part_imports_only_the_parts_below_it(part):
    ours = set(PARTS) - {part}
    crossing = {name: sorted(map(str, files)) for name, files in _part_imports(part).items()
                if name in ours and name not in MAY_IMPORT[part]}
    assert crossing == {}, f"{part} may import only {sorted(MAY_IMPORT[part]) or 'no other part'}"


@pytest.mark.parametrize("part", PARTS)
def test_every_package_a_part_imports_is_in_its_own_dependency_list(part):
    distributions = packages_distributions()
    declared = _declared(part)
    undeclared = {}
    for name, files in _part_imports(part).items():
        if name in sys.stdlib_module_names or name == part or name == "__future__":
            continue
        providers = {_normal(d) for d in distributions.get(name, [])}
        if not providers:
            undeclared[name] = "not installed by any distribution"
        elif not providers & declared:
            undeclared[name] = f"from {sorted(providers)}, used in {sorted(map(str, files))}"
    assert undeclared == {}, f"{PARTS[part].relative_to(ROOT)}/pyproject.toml lacks these"


def _python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", **env})


def test_importing_carepool_has_no_side_effects():
    code = (
        "import sys, altair\n"
        "before = altair.renderers.active\n"
        "import carepool, carepool.corpus, carepool.widgets\n"
        "assert altair.renderers.active == before, altair.renderers.active\n"
        "loaded = sorted(m for m in ('coursebook', 'coursegrading', 'sphinx', 'nbgrader', 'docutils') if m in sys.modules)\n"
        "assert loaded == [], loaded\n"
    )
    # The old switch: an environment variable changed Altair's renderer on import.
    run = _python(code, CAREPOOL_BOOK_BUILD="1")
    assert run.returncode == 0, run.stderr[-2000:]


def test_carepools_api_is_plain_attributes_not_loaded_on_demand():
    import carepool

    assert not hasattr(carepool, "__getattr__")
    for name in carepool.__all__:
        assert name in vars(carepool), name


def _test_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "tests").rglob("*.py") if p.name.startswith("test_") or p.name == "conftest.py")


@pytest.mark.parametrize("path", _test_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_test_modules_do_not_import_one_another(path):
    tests = {f"tests.{'.'.join(p.relative_to(ROOT / 'tests').with_suffix('').parts)}" for p in _test_modules()}
    imported = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .test_x import ...
                imported.add(f"<relative>.{node.module}")
            elif node.module:
                imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    bad = {m for m in imported if m in tests or m.startswith("<relative>.test_") or m.endswith("conftest")}
    assert bad == set(), "share code through a support module (e.g. tests/support.py), not a test module"


@pytest.mark.parametrize("path", sorted((ROOT / "benchmarks").glob("*.py")), ids=lambda p: p.name)
def test_benchmarks_import_no_tests(path):
    assert "tests" not in _imports(path)
