"""Shared, expensive set-up for the grading tests, done once per session.

A temporary copy of the course is released with `make release`, then a class
of submissions made from the real notebooks is autograded once with
`make autograde`; the test files check different things on the result.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.exercises.grading_support import CELL_TIMEOUT, WAIT_FOREVER, release_nb, source_nb  # noqa: F401 (shared)
from tests.exercises.kit import (ASSIGNMENTS, COURSE, make, nbgrader, read_nb,
                                 reference_answers, submit, with_answers, wrong_answers)


@dataclass
class Released:
    course: Path
    book: Path
    make_output: str


@dataclass
class GradedClass:
    course: Path
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)  # assignment -> (stdout, stderr)
    resubmitter_outcome: object = None


def copy_course(target: Path) -> Path:
    """The course as a fresh clone has it: the config, the sources and the checks, nothing generated."""
    target.mkdir(parents=True)
    shutil.copy2(COURSE / "nbgrader_config.py", target / "nbgrader_config.py")
    shutil.copytree(COURSE / "source", target / "source")
    shutil.copytree(COURSE / "checks", target / "checks", ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="session")
def released(tmp_path_factory) -> Released:
    base = tmp_path_factory.mktemp("released")
    course = copy_course(base / "course")
    book = base / "book_student"
    run = make("release", f"COURSE={course}", f"STUDENT_BOOK={book}", timeout=600)
    assert run.returncode == 0, f"make release failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return Released(course, book, run.stdout + run.stderr)




# The class for paying_providers, besides the reference, blank and wrong answers
# every assignment gets. Each name says what the submission is.


@pytest.fixture(scope="session")
def graded(released, tmp_path_factory) -> GradedClass:
    course = tmp_path_factory.mktemp("grading") / "course"
    shutil.copytree(released.course, course)
    result = GradedClass(course)
    for assignment in ASSIGNMENTS:
        source, release = source_nb(course, assignment), release_nb(course, assignment)
        submit(course, "reference", assignment, with_answers(release, reference_answers(source)))
        submit(course, "blank", assignment, release)
        submit(course, "wrong", assignment, with_answers(release, wrong_answers(assignment, source)))

    a = "paying_providers"
    source, release = source_nb(course, a), release_nb(course, a)
    ref = reference_answers(source)
    # Wrong answer, and every test cell edited to pass whatever the answer.
    edited = with_answers(release, wrong_answers(a, source))
    for cell in edited["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell["source"] = "assert True  # tests removed by the student"
    submit(course, "editedtests", a, edited)
    # Passes the visible tests but ignores the `rate` argument: fails a hidden test.
    hidden = dict(ref, marginal_rate_income_answer=ref["marginal_rate_income_answer"].replace(
        "rate * price * growth", "0.3 * price * growth"))
    submit(course, "hardcodedrate", a, with_answers(release, hidden))
    submit(course, "loopsforever", a, with_answers(release, dict(ref, block_and_capitation_answer=WAIT_FOREVER + ref["block_and_capitation_answer"].split("\n\n\n", 1)[1])))
    submit(course, "brokenjson", a, json.dumps(with_answers(release, ref), indent=1)[:-200])
    deleted = with_answers(release, ref)
    deleted["cells"] = [c for c in deleted["cells"]
                        if c["metadata"].get("nbgrader", {}).get("grade_id") != "income_table_answer"]
    submit(course, "deletedcell", a, deleted)
    submit(course, "resubmitter", a, with_answers(release, ref))
    # On the class list, never submitted.
    added = nbgrader(course, "db", "student", "add", "absent", "--first-name=Ab", "--last-name=Sent")
    assert added.returncode == 0, added.stdout + added.stderr

    for assignment in ASSIGNMENTS:
        run = make("autograde", f"ASSIGNMENT={assignment}", f"COURSE={course}", f"CELL_TIMEOUT={CELL_TIMEOUT}")
        assert run.returncode == 0, f"make autograde {assignment} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
        result.outputs[assignment] = (run.stdout, run.stderr)

    # After grading, the resubmitter sends a broken notebook and is graded again.
    from coursegrading.autograde import grade_one
    submit(course, "resubmitter", a, "{ not a notebook")
    result.resubmitter_outcome = grade_one(course, a, "resubmitter", cell_timeout=CELL_TIMEOUT)
    return result
