"""One student's variant of an assignment: their own figures and the model answer for them.

Runs the instructor's reference notebook (the source, with its solutions) for
that student as the grader would, in an ordinary kernel on this machine (it
is the instructor's own code), and prints the student's figures and the value
the reference gives to every answer the grader reads, visible and hidden.

Command line (from the repository root)::

    .venv/bin/python -m coursegrading.variant ASSIGNMENT STUDENT [--course exercises]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coursegrading.course import course_setting
from coursegrading.judge import is_autograded_test, judged_notebook, load_checks


def model_answer(course_dir: Path, assignment: str, student: str) -> dict:
    """The student's figures, and for each graded cell each answer the grader reads with the reference's value."""
    seed = course_setting(course_dir, "JudgeAnswers", "course_seed")
    checks = load_checks(course_dir, course_setting(course_dir, "JudgeAnswers", "checks_dir"), assignment)
    source = Path(course_dir) / "source" / assignment / f"{assignment}.ipynb"
    nb = judged_notebook(source, assignment, student, course_dir, seed)
    judged = nb.metadata["judged"]
    answers = {}
    for cell in nb.cells:
        if is_autograded_test(cell):
            grade_id = cell.metadata.nbgrader.grade_id
            probes = checks.probes(grade_id, checks.figures_for(seed, student))
            answers[grade_id] = {
                "passes": cell.outputs[0].output_type != "error",
                "answers": {probes[key]: got.get("value", got) for key, got in judged["answers"][grade_id].items()},
            }
    return {"student": student, "course_seed": seed, "figures": judged["figures"], "cells": answers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a student's figures and the model answer for them.")
    parser.add_argument("assignment")
    parser.add_argument("student")
    parser.add_argument("--course", type=Path, default=Path("exercises"))
    args = parser.parse_args(argv)
    if not (args.course / "source" / args.assignment).is_dir():
        parser.error(f"assignment: no source/{args.assignment} in {args.course}")
    print(json.dumps(model_answer(args.course, args.assignment, args.student), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
