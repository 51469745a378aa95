"""`make export`: every student on the roster in a CSV file, with their grades and what happened to their work."""

from __future__ import annotations

import csv

from tests.exercises.kit import ASSIGNMENTS, make


def _rows(graded):
    run = make("export", f"COURSE={graded.course}")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = list(csv.DictReader((graded.course / "grades.csv").open(encoding="utf-8")))
    return {(r["assignment"], r["student_id"]): r for r in rows}


def test_export_writes_every_students_grades_to_csv(graded):
    by_key = _rows(graded)
    for assignment in ASSIGNMENTS:
        assert float(by_key[(assignment, "blank")]["raw_score"]) == 0
        assert float(by_key[(assignment, "reference")]["raw_score"]) > float(by_key[(assignment, "wrong")]["raw_score"])
    assert float(by_key[("paying_providers", "reference")]["raw_score"]) == 9
    assert float(by_key[("paying_providers", "reference")]["max_score"]) == 13


def test_every_student_on_the_roster_is_exported_with_a_status(graded):
    by_key = _rows(graded)
    status = {student: row["status"] for (assignment, student), row in by_key.items()
              if assignment == "paying_providers"}
    # brokenjson's notebook was never graded, so nbgrader's gradebook has no submission for it.
    assert status["brokenjson"] == "failed to run" and "not valid JSON" in by_key[("paying_providers", "brokenjson")]["reason"]
    assert status["deletedcell"] == "failed to run"
    assert status["loopsforever"] == "failed to run"
    assert status["absent"] == "missing"
    for student in ("reference", "blank", "wrong", "hardcodedrate", "editedtests"):
        assert status[student] == "graded", student
    # A student who never submitted has a row with no marks.
    assert float(by_key[("paying_providers", "absent")]["raw_score"]) == 0
    # Every student of the class and every assignment appear once.
    assert {s for (a, s) in by_key if a == "paying_providers"} >= {
        "reference", "blank", "wrong", "editedtests", "hardcodedrate", "loopsforever", "brokenjson",
        "deletedcell", "resubmitter", "absent"}
