"""`nbgrader export` (make export) with every student on the roster, and what happened to their work.

nbgrader's own CSV export lists the students in the gradebook only, so a
student whose notebook was too broken to grade (never put in the gradebook)
has no row at all, and a row of zeros cannot tell "did not submit" from
"submitted, and it failed to run". `RosterCsvExportPlugin` (set as
`c.ExportApp.plugin_class` in `exercises/nbgrader_config.py`) writes one row per
assignment and student on the roster (the gradebook's students, everyone
autograded and everyone with a submission) with nbgrader's columns and two
more: `status` (graded, failed to run, missing, or not yet autograded) and
`reason`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import ExportPlugin

from coursegrading import status

NOT_YET = "not yet autograded"
COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score", "status", "reason"]


def _course_dir(plugin) -> Path:
    coursedir = getattr(plugin.parent, "coursedir", None)
    return Path(coursedir.root if coursedir is not None else ".")


def rows(gradebook: Gradebook, course_dir: Path, assignments: list[str] | None = None,
         students: list[str] | None = None) -> list[dict[str, str]]:
    """One row per assignment and student on the roster, in order."""
    from coursegrading.autograde import GRADED, MISSING

    known = {student.id: student for student in gradebook.students}
    result = []
    for assignment in sorted(gradebook.assignments, key=lambda a: (a.duedate is None, a.duedate, a.name)):
        if assignments and assignment.name not in assignments:
            continue
        recorded = status.load(course_dir, assignment.name)
        submitted = {p.parent.name for p in (course_dir / "submitted").glob(f"*/{assignment.name}") if p.is_dir()}
        for student_id in sorted(set(known) | set(recorded) | submitted):
            if students and student_id not in students:
                continue
            student = known.get(student_id)
            row = {"assignment": assignment.name, "duedate": assignment.duedate or "", "student_id": student_id,
                   "last_name": getattr(student, "last_name", "") or "",
                   "first_name": getattr(student, "first_name", "") or "",
                   "email": getattr(student, "email", "") or "", "max_score": assignment.max_score,
                   "timestamp": "", "raw_score": 0.0, "late_submission_penalty": 0.0, "score": 0.0}
            try:
                submission = gradebook.find_submission(assignment.name, student_id) if student else None
            except MissingEntry:
                submission = None
            if submission is not None:
                penalty = submission.late_submission_penalty or 0.0
                row.update(timestamp=submission.timestamp or "", raw_score=submission.score,
                           late_submission_penalty=penalty, score=max(0.0, submission.score - penalty))
            if student_id in recorded:
                row.update(status=recorded[student_id]["status"], reason=recorded[student_id]["reason"])
            elif submission is not None:
                row.update(status=GRADED, reason="")
            elif student_id in submitted:
                row.update(status=NOT_YET, reason="submitted; run make autograde")
            else:
                row.update(status=MISSING, reason="no submission")
            result.append({key: "" if row.get(key) is None else str(row.get(key, "")) for key in COLUMNS})
    return result


class RosterCsvExportPlugin(ExportPlugin):
    """CSV export listing every student on the roster, with a status column (see the module)."""

    def export(self, gradebook: Gradebook) -> None:
        target = self.to or "grades.csv"
        self.log.info("Exporting grades, with each student's status, to %s", target)
        found = rows(gradebook, _course_dir(self), [str(a) for a in self.assignment],
                     [str(s) for s in self.student])
        with open(target, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(found)
