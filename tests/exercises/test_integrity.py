"""Broken, edited, missing and never-ending submissions: reported as such, the class still graded."""

from __future__ import annotations

import json

import pytest

from coursegrading.autograde import FAILED, MISSING, grade_one
from coursegrading.submissions import problem_with
from tests.exercises.grading_support import CELL_TIMEOUT, source_nb
from tests.exercises.kit import autograded_points, scores


def _failed_line(graded, student):
    stdout, _ = graded.outputs["paying_providers"]
    failed = stdout.split("Failed to run:")[1].split("Missing:")[0]
    return next(line for line in failed.splitlines() if line.strip().startswith(f"{student}:"))


def test_edited_test_cells_are_graded_with_the_original_tests(graded):
    points = autograded_points(source_nb(graded.course, "paying_providers"))
    edited = scores(graded.course, "paying_providers", "editedtests")
    wrong = scores(graded.course, "paying_providers", "wrong")
    assert {g: edited[g] for g in points} == {g: wrong[g] for g in points}
    assert sum(edited[g] for g in points) < sum(points.values())


def test_a_notebook_that_is_not_json_is_reported_not_scored(graded):
    assert "not valid JSON" in _failed_line(graded, "brokenjson")


def test_a_deleted_answer_cell_is_reported_by_name(graded):
    assert "cells deleted: income_table_answer" in _failed_line(graded, "deletedcell")


def test_a_student_who_never_submitted_is_reported_missing(graded):
    stdout, _ = graded.outputs["paying_providers"]
    assert "absent: no submission in submitted/absent/paying_providers" in stdout.split("Missing:")[1]


def test_a_never_ending_cell_is_stopped_and_the_rest_of_the_notebook_graded(graded):
    line = _failed_line(graded, "loopsforever")
    # block_income loops forever; the first cell that calls it is the answer cell that builds the income
    # table (no test runs in the student's kernel; the grader's own call to it is stopped in its turn).
    assert "CellTimeoutError" in line and "income_table_answer" in line
    got = scores(graded.course, "paying_providers", "loopsforever")
    # The answers that do not call block_income still earn their marks.
    assert got["tariff_pays_every_unit_at_price"] == 1
    assert got["mret_payment_above_baseline"] == 2
    assert got["capitation_pays_per_person_covered"] == 1
    assert got["block_pays_same_whatever_activity"] == 0


def test_broken_submissions_leave_the_rest_of_the_class_graded(graded):
    points = autograded_points(source_nb(graded.course, "paying_providers"))
    for student in ("reference", "hardcodedrate", "wrong", "editedtests", "blank"):
        got = scores(graded.course, "paying_providers", student)
        assert set(points) <= set(got), f"{student} was graded"


def test_a_broken_resubmission_loses_nothing_already_in_the_gradebook(graded):
    outcome = graded.resubmitter_outcome
    assert outcome.status == FAILED and "not valid JSON" in outcome.reason
    points = autograded_points(source_nb(graded.course, "paying_providers"))
    got = scores(graded.course, "paying_providers", "resubmitter")
    assert {g: got[g] for g in points} == points, "the earlier grades are still there"


def test_problems_are_found_before_grading(tmp_path, graded):
    released = graded.course / "release" / "paying_providers" / "paying_providers.ipynb"
    good = json.loads(released.read_text())
    (tmp_path / "ok.ipynb").write_text(json.dumps(good))
    assert problem_with(tmp_path / "ok.ipynb", released) is None
    assert problem_with(tmp_path / "absent.ipynb", released).startswith("notebook missing")
    (tmp_path / "text.ipynb").write_text('{"cells": 3}')
    assert problem_with(tmp_path / "text.ipynb", released).startswith("not a Jupyter notebook")


def test_grading_an_unknown_student_reports_them_missing(graded):
    outcome = grade_one(graded.course, "paying_providers", "nobody", cell_timeout=CELL_TIMEOUT)
    assert outcome.status == MISSING


def test_a_cell_timeout_below_one_second_is_refused(graded):
    from coursegrading.autograde import autograde_submission

    with pytest.raises(ValueError, match="cell_timeout"):
        autograde_submission(graded.course, "paying_providers", "reference", cell_timeout=0)
