"""A student's environment: carepool alone runs every notebook a student opens.

A fresh virtualenv gets the model part (src/model) and a Jupyter kernel, and
nothing of the book's build or the grading; every notebook in notebooks/ and
every exercise (with the instructor's answers, so that every cell runs) is
executed in it. An import of anything carepool does not declare fails here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.packaging

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "exercises" / "source").glob("*/*.ipynb"))
# What a student adds to carepool to run a notebook at all: a kernel and a runner.
KERNEL = ["ipykernel>=6.29,<8", "nbclient>=0.10,<1", "nbformat>=5.9,<6"]

RUN = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
print("ran", len(nb.cells), "cells")
"""


@pytest.fixture(scope="module")
def model_only_python(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("student")
    # A copy, so that building the wheel leaves nothing in the repository.
    model = shutil.copytree(ROOT / "src" / "model", home / "model",
                            ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    venv.create(home / "venv", with_pip=True)
    python = home / "venv" / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(model), *KERNEL],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    # The kernel must be this venv's own, not one registered elsewhere on the machine.
    subprocess.run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, capture_output=True, timeout=120)
    return python


def test_the_student_environment_has_no_book_or_grading_part(model_only_python):
    code = ("import importlib.util, json; print(json.dumps({m: importlib.util.find_spec(m) is not None "
            "for m in ('carepool', 'coursebook', 'coursegrading', 'sphinx', 'nbgrader')}))")
    found = json.loads(subprocess.run([str(model_only_python), "-c", code], capture_output=True, text=True,
                                      check=True).stdout)
    assert found == {"carepool": True, "coursebook": False, "coursegrading": False, "sphinx": False,
                     "nbgrader": False}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_notebook_runs_with_only_the_model_installed(model_only_python, notebook, tmp_path):
    run = subprocess.run([str(model_only_python), "-c", RUN, str(notebook), str(notebook.parent)],
                         capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert run.stdout.startswith("ran ")
