"""`make export`: every grade in a CSV file, one row per student and assignment."""

from __future__ import annotations

import csv

from tests.exercises.kit import ASSIGNMENTS, make


def test_export_writes_every_students_grades_to_csv(graded):
    run = make("export", f"COURSE={graded.course}")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rows = list(csv.DictReader((graded.course / "grades.csv").open(encoding="utf-8")))
    by_key = {(r["assignment"], r["student_id"]): r for r in rows}
    for assignment in ASSIGNMENTS:
        assert float(by_key[(assignment, "blank")]["raw_score"]) == 0
        assert float(by_key[(assignment, "reference")]["raw_score"]) > float(by_key[(assignment, "wrong")]["raw_score"])
    assert float(by_key[("paying_providers", "reference")]["raw_score"]) == 9
    assert float(by_key[("paying_providers", "reference")]["max_score"]) == 13
    # a student who never submitted is in the export with no marks
    assert float(by_key[("paying_providers", "absent")]["raw_score"]) == 0
