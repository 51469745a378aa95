"""What a deployer needs for "Run live" on a public site: the environment files Binder (repo2docker)
reads, which must install what the book's notebooks import, and the guide that says how to use them."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib

from tests.support import ROOT

BINDER = ROOT / "binder"
MODEL = ROOT / "src" / "model"


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r.strip(), maxsplit=1)[0].lower().replace("_", "-")
            for r in requirements if r.strip() and not r.strip().startswith("#")}


def _notebook_imports() -> set[str]:
    names = set()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Import):
                    names |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names.add(node.module.split(".")[0])
    return names


def test_binder_builds_the_python_the_model_requires():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    requires = tomllib.loads((MODEL / "pyproject.toml").read_text())["project"]["requires-python"]
    minor = int(runtime.split(".")[1])
    floor = int(re.search(r">=3\.(\d+)", requires).group(1))
    ceiling = re.search(r"<3\.(\d+)", requires)
    assert minor >= floor and (ceiling is None or minor < int(ceiling.group(1))), (runtime, requires)


def test_binder_installs_everything_the_notebooks_import():
    post_build = (BINDER / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and (BINDER / "postBuild").stat().st_mode & 0o111
    assert re.search(r"pip install [^\n]*\./src/model\b", post_build), "postBuild must install the model"
    model = tomllib.loads((MODEL / "pyproject.toml").read_text())["project"]
    installed = {"carepool"} | _requirement_names(model["dependencies"]) \
        | _requirement_names((BINDER / "requirements.txt").read_text().splitlines())
    imported = _notebook_imports() - set(sys.stdlib_module_names)
    assert imported >= {"carepool", "altair", "ipywidgets"}  # the notebooks were read
    assert imported - installed == set(), f"imported by a notebook, not installed by binder/: {imported - installed}"


def test_the_deployers_guide_names_every_setting_and_the_binder_files():
    guide = (ROOT / "book" / "instructors" / "live_widgets.md").read_text(encoding="utf-8")
    settings = re.search(r"live_widgets:\n((?:\s+\w+:.*\n)+)", guide).group(1)
    named = set(re.findall(r"^\s+(\w+):", settings, re.M))
    config_defaults = set(re.findall(r'"(\w+)":', re.search(
        r"DEFAULTS = \{(.*?)\}", (ROOT / "src/book/coursebook/sphinx/live.py").read_text()).group(1)))
    assert named == config_defaults, (named, config_defaults)
    for name in ("runtime.txt", "requirements.txt", "postBuild"):
        assert f"`{name}`" in guide and (BINDER / name).is_file()
