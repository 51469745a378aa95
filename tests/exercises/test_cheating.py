"""Cheating earns nothing: answers that compare equal to everything, and comparison helpers patched
by the notebook, score no more than a blank notebook in every assignment, while honest answers keep
full marks. The class is graded by the real `make autograde`, in the sandbox."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.exercises.cheats import (ALWAYS_EQUAL, CUT_EVERY_CELL, LIE_ABOUT_EVERY_ANSWER, PATCHES, SPY,
                                   cheating_answers, names_defined)
from tests.exercises.grading_support import release_nb, source_nb
from tests.exercises.kit import (ASSIGNMENTS, CELL_TIMEOUT, autograded_points, make, reference_answers, scores,
                                 submit, with_answers)

CHEATS = {"alwaysequal": False, "patched": True}  # student -> whether the comparison helpers are patched too
# The classes of cheats are graded for two assignments whose answers differ in kind (numbers, functions
# and tables; names and texts from the sources): the defence is the same judge for every assignment,
# and a cheat is built for every assignment's answer names (test_the_cheats_bind_every_name...).
ATTACKED = ["paying_providers", "reading_sources"]

# Stops IPython from showing errors and from reporting them in the kernel's reply: a failed test
# then leaves no error output and an "ok" reply, and nbgrader alone would score it as passed.
# The judge defends: no test runs in the kernel, and answers are read out of it as data.
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
            first_answer = next(iter(cheating_answers(source, False)))
            submit(course, "hideserrors", assignment, with_answers(release, {first_answer: HIDE_ERRORS}))
            submit(course, "cutcells", assignment, with_answers(release, {first_answer: CUT_EVERY_CELL}))
            if assignment == "paying_providers":
                table = practice_answers(course, assignment)
                submit(course, "liar", assignment, with_answers(release, {
                    "tariff_income_answer": LIE_ABOUT_EVERY_ANSWER.format(table=table)}))
                spying = reference_answers(source)
                spying["tariff_income_answer"] = SPY + spying["tariff_income_answer"]
                submit(course, "spy", assignment, with_answers(release, spying))
            run = make("autograde", f"ASSIGNMENT={assignment}", f"COURSE={course}", f"CELL_TIMEOUT={CELL_TIMEOUT}")
            assert run.returncode == 0, f"make autograde {assignment} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            # Every submission graded: one that failed to run would score 0 and prove nothing.
            assert " 0 failed to run," in run.stdout, run.stdout[-3000:]
            done.add(assignment)
        return course

    return graded


def practice_answers(course: Path, assignment: str) -> dict[str, str]:
    """The reference's answer to every probe, as JSON, for the practice figures: what a liar might copy."""
    import json

    from coursegrading.course import course_setting
    from coursegrading.judge import judged_notebook, load_checks

    seed = course_setting(course, "JudgeAnswers", "course_seed")
    nb = judged_notebook(course / "source" / assignment / f"{assignment}.ipynb", assignment, None, course, seed)
    checks = load_checks(course, "checks", assignment)
    figures = checks.figures_for(seed, None)
    table = {}
    for grade_id, read in nb.metadata["judged"]["answers"].items():
        probes = checks.probes(grade_id, figures)
        table.update({probes[key]: json.dumps(got) for key, got in read.items() if "value" in got})
    return table


def _auto_total(course: Path, assignment: str, student: str) -> float:
    points = autograded_points(source_nb(course, assignment))
    got = scores(course, assignment, student)
    return sum(got[gid] for gid in points)


@pytest.mark.parametrize("cheat", sorted(CHEATS))
@pytest.mark.parametrize("assignment", ATTACKED)
def test_a_cheating_submission_scores_no_more_than_a_blank_one(cheating_class, assignment, cheat):
    course = cheating_class(assignment)
    blank = _auto_total(course, assignment, "blank")
    cheated = _auto_total(course, assignment, cheat)
    assert cheated <= blank, f"{cheat} scored {cheated} in {assignment}, a blank notebook {blank}"
    assert cheated == 0


@pytest.mark.parametrize("assignment", ATTACKED)
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




@pytest.mark.parametrize("cheat", ["hideserrors", "cutcells"])
@pytest.mark.parametrize("assignment", ATTACKED)
def test_a_kernel_that_rewrites_its_cells_earns_nothing(cheating_class, assignment, cheat):
    # cutcells took 9 of 9 automatic points from a blank notebook in paying_providers when the kernel judged
    # itself; hideserrors made a failed test look passed.
    course = cheating_class(assignment)
    assert _auto_total(course, assignment, cheat) == 0


def test_a_kernel_that_lies_about_its_answers_gains_only_what_a_guess_gains(cheating_class):
    # The liar answers every question with the practice figures' answers. That earns a cell only where the
    # practice answer is also this student's, which typing it as a guess would earn too.
    import json

    from coursegrading.course import course_setting
    from coursegrading.judge import judged_notebook, load_checks

    a = "paying_providers"
    course = cheating_class(a)
    seed = course_setting(course, "JudgeAnswers", "course_seed")
    checks = load_checks(course, "checks", a)
    own = judged_notebook(course / "source" / a / f"{a}.ipynb", a, "liar", course, seed).metadata["judged"]
    practice = practice_answers(course, a)
    guessable = set()
    for grade_id, read in own["answers"].items():
        probes = checks.probes(grade_id, checks.figures_for(seed, "liar"))
        if all(practice.get(probes[key]) == json.dumps(got) for key, got in read.items()):
            guessable.add(grade_id)
    earned = {gid for gid, score in scores(course, a, "liar").items()
              if gid in autograded_points(source_nb(course, a)) and score > 0}
    assert earned <= guessable, f"the liar earned {earned - guessable} with answers that were not its own"


def test_a_spy_in_the_kernel_learns_nothing_it_can_pass_on(cheating_class):
    import base64

    from tests.exercises.grading_support import hidden_probes, page_text

    course = cheating_class("paying_providers")
    points = autograded_points(source_nb(course, "paying_providers"))
    assert _auto_total(course, "paying_providers", "spy") == sum(points.values()), "spying costs honest work nothing"
    spied = hidden_probes(course, "spy")
    assert spied, "the spy's figures give hidden probes to look for"
    autograded = (course / "autograded" / "spy" / "paying_providers" / "paying_providers.ipynb").read_text()
    run = make("feedback", "ASSIGNMENT=paying_providers", f"COURSE={course}", timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    feedback = page_text(course / "feedback" / "spy" / "paying_providers" / "paying_providers.html")
    assert "SPIED SO FAR" in autograded, "the spy ran, and what it printed in cells was kept"
    for where, content in {"autograded notebook": autograded, "feedback": feedback}.items():
        for expression in spied:
            assert expression not in content, f"{where} shows a hidden probe: {expression}"
            assert base64.b64encode(expression.encode()).decode() not in content, f"{where}: {expression} encoded"
    assert not list((course / "autograded" / "spy").rglob("spied.txt")), "nothing the spy wrote came back"
