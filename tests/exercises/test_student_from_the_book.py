"""A student's run from the book alone: no copy of the repository, only what an exercise page offers.

The page's two downloads (the assignment's zip and the carepool wheel built with the book) are
fetched from the built site, the page's own commands make and fill a fresh environment, and the
student validates from a terminal, as the page says: a blank notebook, an answer cell that stops,
a wrong answer and a right one. Each message must arrive whole, and nothing else may be printed
that does not concern the student.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.packaging

ASSIGNMENT = "pooling_budgets"
# nbgrader's Validate cuts a line it thinks too long and ends it with "...".
CUT_LINE = re.compile(r"\.\.\.$", re.MULTILINE)


def page_downloads(page: Path) -> dict[str, Path]:
    """Each file the page offers for download, by name, as the site serves it."""
    links = re.findall(r'href="([^"]*_downloads/[^"]+)"', page.read_text("utf-8"))
    return {Path(link).name: (page.parent / html.unescape(link)).resolve() for link in links}


def page_commands(page: Path) -> list[str]:
    """The lines of the page's shell block, as a reader copies them."""
    block = re.search(r'<div class="highlight-bash[^>]*>.*?<pre>(.*?)</pre>', page.read_text("utf-8"), re.S)
    assert block, f"{page.name} shows no commands"
    return [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in block.group(1).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def student_folder(built_book, tmp_path_factory) -> Path:
    """A folder holding the page's downloads, unzipped, with the environment its commands make."""
    page = built_book / "book" / "exercises" / f"{ASSIGNMENT}.html"
    offered = page_downloads(page)
    wheels = [name for name in offered if name.startswith("carepool-") and name.endswith(".whl")]
    assert f"{ASSIGNMENT}.zip" in offered and len(wheels) == 1, sorted(offered)
    folder = tmp_path_factory.mktemp("student")
    for name in (f"{ASSIGNMENT}.zip", wheels[0]):
        shutil.copy(offered[name], folder / name)
    with zipfile.ZipFile(folder / f"{ASSIGNMENT}.zip") as archive:
        archive.extractall(folder)
    make_env, install, open_lab = page_commands(page)
    assert install.startswith("course-env/bin/pip install ") and wheels[0] in install
    assert open_lab == f"course-env/bin/jupyter lab {ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    for command in (make_env, install):
        run = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, f"{command}\n{run.stdout[-2000:]}{run.stderr[-3000:]}"
    # The third command opens JupyterLab: here it must at least be installed and runnable.
    lab = subprocess.run([str(folder / "course-env" / "bin" / "jupyter"), "lab", "--version"],
                         capture_output=True, text=True, timeout=120)
    assert lab.returncode == 0, lab.stderr
    return folder


def validate(folder: Path, notebook: dict) -> str:
    """What `nbgrader validate` prints, run as the page says, in the assignment's folder."""
    work = folder / ASSIGNMENT
    path = work / f"{ASSIGNMENT}.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    run = subprocess.run([str(folder / "course-env" / "bin" / "nbgrader"), "validate", path.name], cwd=work,
                         capture_output=True, text=True, timeout=600)
    return run.stdout + run.stderr


def released(folder: Path) -> dict:
    with zipfile.ZipFile(folder / f"{ASSIGNMENT}.zip") as archive:
        return json.loads(archive.read(f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))


def answered(notebook: dict, answers: dict[str, str]) -> dict:
    """The notebook with these answer cells (by id) written in."""
    for cell in notebook["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    return notebook


def solutions() -> dict[str, str]:
    """The instructor's answers (the written one too): a student who got everything right."""
    source = json.loads((ROOT / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8"))
    return {c["id"]: "".join(c["source"]).replace("### BEGIN SOLUTION\n", "").replace("### END SOLUTION", "")
            for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}


def test_the_page_offers_everything_a_student_needs_and_validate_speaks_only_to_them(student_folder):
    out = validate(student_folder, released(student_folder))
    for noise in ("No nbgrader_config.py", "without encryption", "Traceback", "kit.py"):
        assert noise not in out, out
    assert "VALIDATION FAILED" in out
    assert "The answer cell above has not been answered yet: it still raises NotImplementedError." in " ".join(
        out.split())


def test_a_wrong_answer_is_told_whole_without_the_right_one(student_folder):
    answers = solutions()
    cell = next(i for i, text in answers.items() if "council_change_pooled =" in text)
    answers[cell] = re.sub(r"council_change_pooled = .*", "council_change_pooled = 0.0", answers[cell])
    out = validate(student_folder, answered(released(student_folder), answers))
    assert not CUT_LINE.search(out), out
    said = " ".join(out.split())
    assert ("in a Section 75 pool the partners share the pool's costs and savings, so the council still pays "
            "for part of the investment but no longer all of it; council_change_pooled is 0.0") in said, out
    assert said.count("The following cell failed") == 1, out


def test_an_answer_cell_that_stops_is_reported_there_and_named_by_the_check_below(student_folder):
    answers = solutions()
    cell = next(i for i, text in answers.items() if "holder_change =" in text)
    answers[cell] = re.sub(r"holder_change = .*", 'holder_change = pocket.loc["council", "aco"]', answers[cell])
    out = validate(student_folder, answered(released(student_folder), answers))
    said = " ".join(out.split())
    assert "KeyError: 'council'" in said
    assert "Wrong: The answer cell above stopped with KeyError: 'council': fix that cell first." in said, out


def test_a_right_answer_passes(student_folder):
    out = validate(student_folder, answered(released(student_folder), solutions()))
    assert "Success! Your notebook passes all the tests." in out, out
    assert "No nbgrader_config.py" not in out and "without encryption" not in out, out
