"""`make release`: a student version of every assignment, a zip for an LMS, a copy for the book."""

from __future__ import annotations

import json
import subprocess
import zipfile

import pytest

from tests.exercises.grading_support import release_nb, source_nb
from coursegrading.course import BIN, nbgrader_env
from tests.exercises.kit import ASSIGNMENTS, autograded_points, cells_by_id, reference_answers, text, with_answers


def test_every_assignment_is_in_the_course():
    assert set(ASSIGNMENTS) == {"reading_sources", "paying_providers", "pooling_budgets", "comparing_models",
                               "integrated_care", "integrated_health_organisations"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_gives_a_notebook_and_an_lms_zip_for_each_assignment(released, assignment):
    notebook = released.course / "release" / assignment / f"{assignment}.ipynb"
    assert notebook.is_file()
    with zipfile.ZipFile(released.course / "release_zips" / f"{assignment}.zip") as archive:
        assert archive.read(f"{assignment}/{assignment}.ipynb") == notebook.read_bytes()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_book_gets_the_student_version_marked_never_to_run(released, assignment):
    copy = json.loads((released.book / f"{assignment}.ipynb").read_text())
    assert copy["metadata"]["mystnb"] == {"execution_mode": "off"}
    student = release_nb(released.course, assignment)
    assert [text(c) for c in copy["cells"]] == [text(c) for c in student["cells"]]
    assert (released.book / f"{assignment}.zip").is_file()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_answers_are_stubbed_and_visible_tests_kept(released, assignment):
    source = cells_by_id(source_nb(released.course, assignment))
    student = cells_by_id(release_nb(released.course, assignment))
    assert set(student) == set(source), "the release keeps every graded and answer cell"
    for gid, cell in student.items():
        meta = cell["metadata"]["nbgrader"]
        if meta.get("solution") and cell["cell_type"] == "code":
            assert "raise NotImplementedError()" in text(cell), gid
        if meta.get("grade") and not meta.get("solution"):
            visible = text(source[gid]).split("### BEGIN HIDDEN TESTS")[0].strip()
            assert text(cell).strip().startswith(visible), f"{gid}: the visible tests must be released"


def _validate(folder, assignment, nb) -> str:
    """Run `nbgrader validate` as a student would, in a folder holding only their notebook."""
    folder.mkdir()
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb))
    run = subprocess.run([str(BIN / "nbgrader"), "validate", f"{assignment}.ipynb"], cwd=folder,
                         env=nbgrader_env(), capture_output=True, text=True, timeout=300)
    return run.stdout + run.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validate_passes_the_reference_and_tells_a_blank_notebook_what_fails(released, tmp_path, assignment):
    source, student = source_nb(released.course, assignment), release_nb(released.course, assignment)
    solved = _validate(tmp_path / "solved", assignment, with_answers(student, reference_answers(source)))
    assert "Success! Your notebook passes all the tests." in solved, solved[-2000:]
    blank = _validate(tmp_path / "blank", assignment, student)
    assert "VALIDATION FAILED" in blank, blank[-2000:]
    # The student is shown every test that fails, by its code, and the error it raised.
    for gid in autograded_points(source):
        first_line = text(cells_by_id(student)[gid]).splitlines()[0]
        assert first_line[:60] in blank, f"validate does not show the failing test {gid}"
    assert "NotImplementedError" in blank or "is not defined" in blank


def test_a_roster_gives_each_student_their_own_notebook_for_an_lms(released, tmp_path):
    import shutil
    import sys

    from coursegrading.course import course_setting
    from coursegrading.judge import load_checks
    from tests.exercises.kit import make

    course = tmp_path / "course"
    shutil.copytree(released.course, course)
    roster = tmp_path / "students.txt"
    roster.write_text("ana.lee\nbo-98\n")
    run = make("release", f"COURSE={course}", f"STUDENT_BOOK={tmp_path / 'book'}", f"ROSTER={roster}", timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    a = "paying_providers"
    seed = course_setting(course, "JudgeAnswers", "course_seed")
    with zipfile.ZipFile(course / "release_zips" / f"{a}_per_student.zip") as archive:
        assert sorted(archive.namelist()) == [f"ana.lee_{a}.ipynb", f"bo-98_{a}.ipynb"]
        own = json.loads(archive.read(f"bo-98_{a}.ipynb"))
    # Each notebook shows its student's own figures, those the grader grades...
    figures_cell = next(c for c in own["cells"] if "your_figures(" in text(c))
    code = f"from carepool.exercises.{a} import your_figures\n" + text(figures_cell).replace(
        "\nfigures\n", "\nprint(dict(figures))\n")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=without_hub_user()).stdout.strip()
    assert shown == str(dict(load_checks(course, "checks", a).figures_for(seed, "bo-98")))
    # ...and Validate does not take the personalised cell for a locked cell the student changed.
    folder = tmp_path / "bo"
    folder.mkdir()
    (folder / f"{a}.ipynb").write_text(json.dumps(own))
    check = subprocess.run([str(BIN / "nbgrader"), "validate", f"{a}.ipynb"], cwd=folder, env=nbgrader_env(),
                           capture_output=True, text=True, timeout=300)
    assert "HAVE CHANGED" not in check.stdout + check.stderr, check.stdout[-2000:]


def without_hub_user() -> dict:
    """The environment without a JupyterHub user: the notebook's own student id decides its figures."""
    import os

    return {k: v for k, v in os.environ.items() if k != "JUPYTERHUB_USER"}
