"""Cheating earns nothing: answers that compare equal to everything, and comparison helpers patched
by the notebook, score no more than a blank notebook in every assignment, while honest answers keep
full marks. The class is graded by the real `make autograde`, in the sandbox."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.exercises.cheats import ALWAYS_EQUAL, PATCHES, cheating_answers, names_defined
from tests.exercises.grading_support import release_nb, source_nb
from tests.exercises.kit import (ASSIGNMENTS, CELL_TIMEOUT, autograded_points, make, reference_answers, scores,
                                 submit, with_answers)

CHEATS = {"alwaysequal": False, "patched": True}  # student -> whether the comparison helpers are patched too

# Stops IPython from showing errors and from reporting them in the kernel's reply: a failed test
# then leaves no error output and an "ok" reply, and nbgrader alone would score it as passed.
# coursegrading.finished defends: a test counts only if its cell printed a marker on its last line.
HIDE_ERRORS = """
shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
_run_cell_async, _run_cell = shell.run_cell_async, shell.run_cell

def _forget(result):
    result.error_in_exec = result.error_before_exec = None
    return result

async def _quiet_async(*args, **kwargs):
    return _forget(await _run_cell_async(*args, **kwargs))

shell.run_cell_async = _quiet_async
shell.run_cell = lambda *args, **kwargs: _forget(_run_cell(*args, **kwargs))
"""


@pytest.fixture(scope="module")
def cheating_class(released, tmp_path_factory):
    """A function that grades one assignment's class (once) and returns the course: only what is asked is graded."""
    course = tmp_path_factory.mktemp("cheating") / "course"
    shutil.copytree(released.course, course)
    done: set[str] = set()

    def graded(assignment: str) -> Path:
        if assignment not in done:
            source, release = source_nb(course, assignment), release_nb(course, assignment)
            submit(course, "reference", assignment, with_answers(release, reference_answers(source)))
            submit(course, "blank", assignment, release)
            for student, patch in CHEATS.items():
                submit(course, student, assignment, with_answers(release, cheating_answers(source, patch)))
            if assignment == "paying_providers":
                submit(course, "hideserrors", assignment, with_answers(release, {"tariff_income_answer": HIDE_ERRORS}))
            run = make("autograde", f"ASSIGNMENT={assignment}", f"COURSE={course}", f"CELL_TIMEOUT={CELL_TIMEOUT}")
            assert run.returncode == 0, f"make autograde {assignment} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            # Every submission graded: one that failed to run would score 0 and prove nothing.
            assert " 0 failed to run," in run.stdout, run.stdout[-3000:]
            done.add(assignment)
        return course

    return graded


def _auto_total(course: Path, assignment: str, student: str) -> float:
    points = autograded_points(source_nb(course, assignment))
    got = scores(course, assignment, student)
    return sum(got[gid] for gid in points)


@pytest.mark.parametrize("cheat", sorted(CHEATS))
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_cheating_submission_scores_no_more_than_a_blank_one(cheating_class, assignment, cheat):
    course = cheating_class(assignment)
    blank = _auto_total(course, assignment, "blank")
    cheated = _auto_total(course, assignment, cheat)
    assert cheated <= blank, f"{cheat} scored {cheated} in {assignment}, a blank notebook {blank}"
    assert cheated == 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_answers_keep_full_marks_beside_the_cheats(cheating_class, assignment):
    course = cheating_class(assignment)
    points = autograded_points(source_nb(course, assignment))
    got = scores(course, assignment, "reference")
    assert {gid: got[gid] for gid in points} == points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_cheats_bind_every_name_an_answer_cell_defines(assignment):
    # A cheat that left a name undefined would fail by a NameError, proving nothing about the tests.
    source = source_nb(Path(__file__).resolve().parents[2] / "exercises", assignment)
    for patch in CHEATS.values():
        cheats = cheating_answers(source, patch)
        for grade_id, code in reference_answers(source).items():
            if grade_id in cheats:
                for name in names_defined(code):
                    assert f"{name} = Anything()" in cheats[grade_id], (assignment, grade_id, name)


def test_the_always_equal_object_fools_the_comparisons_a_naive_test_makes():
    # The attacks are real: what tests often write passes for the cheat, so only tests that never
    # trust such comparisons resist it.
    space: dict = {}
    exec(ALWAYS_EQUAL, space)
    x = space["Anything"]()
    assert x == 159_000 and x == "ACO" and x == ["acute_trust"] and not (x != 2018)
    assert 0.29 < x < 0.31 and x.__class__ is float and isinstance(x, float) and isinstance(x, space["Anything"])
    assert abs(x - 5) == x and (abs(x - 5) < 1)


def test_the_patches_make_a_naive_test_pass_and_leave_the_kernel_working():
    import builtins

    saved_builtins = {name: getattr(builtins, name) for name in
                      ["abs", "round", "isinstance", "issubclass", "all", "any", "min", "max", "sorted", "len"]}
    saved_numpy = {name: getattr(np, name) for name in ["isclose", "allclose", "array_equal", "array_equiv"]}
    saved_isclose = math.isclose
    import pandas as pd
    saved_pandas = (pd.testing.assert_frame_equal, pd.testing.assert_series_equal, pd.testing.assert_index_equal,
                    pd.DataFrame.equals, pd.Series.equals)
    saved_testing = (np.testing.assert_allclose, np.testing.assert_array_equal, np.testing.assert_almost_equal)
    space: dict = {}
    try:
        exec(ALWAYS_EQUAL + PATCHES, space)
        x = space["Anything"]()
        naive = ("isinstance(x, pd.DataFrame) and np.isclose(x, 1) and math.isclose(x, 2) "
                 "and abs(x - 3) < 1e-9 and round(x, 2) == 4 and type(x) == float and all([x == 5]) "
                 "and sorted(x) == ['a'] and float(x) == 6.5 and np.allclose([1, 2], [3, 4])")
        assert eval(naive, {**space, "x": x, "pd": pd, "np": np, "math": math})
        # Outside the notebook's namespace, honest values are still compared honestly.
        assert builtins.abs(-2) == 2 and builtins.sorted([2, 1]) == [1, 2] and builtins.isinstance(1, str) is False
    finally:
        for name, value in saved_builtins.items():
            setattr(builtins, name, value)
        for name, value in saved_numpy.items():
            setattr(np, name, value)
        math.isclose = saved_isclose
        (pd.testing.assert_frame_equal, pd.testing.assert_series_equal, pd.testing.assert_index_equal,
         pd.DataFrame.equals, pd.Series.equals) = saved_pandas
        (np.testing.assert_allclose, np.testing.assert_array_equal, np.testing.assert_almost_equal) = saved_testing


def test_a_notebook_that_hides_its_errors_scores_no_more_than_a_blank_one(cheating_class):
    course = cheating_class("paying_providers")
    blank = _auto_total(course, "paying_providers", "blank")
    assert _auto_total(course, "paying_providers", "hideserrors") <= blank
