"""What a grading process would otherwise do afresh for every student, done once in the fork server.

Each submission is graded in a process forked from `pool`'s fork server, so
whatever that server has done, every grading process starts with; the
server imports this module alone. Importing nbgrader is not all: the first
student graded in a fresh process also pays for modules nbgrader imports
only when it runs, for SQLAlchemy working out nbgrader's gradebook tables
and for nbformat building its notebook validator, about a third of a second
each time, measured. Importing this module does that work once, so that no
grading process repeats it. It reads no gradebook; it reads a course's
checks only when the grader names their folder (`pool.start`), and then
loads them, with the course's model they import, once for every student.
"""

import os
from pathlib import Path

import codeop  # noqa: F401  (the modules below: what grading one notebook imports on the way)
import sqlite3  # noqa: F401

import IPython  # noqa: F401
import ipykernel.connect  # noqa: F401
import ipykernel.kernelspec  # noqa: F401
import nbformat
import nbgrader.api  # noqa: F401  (declares the gradebook's tables, for configure_mappers)
import nbgrader.converters  # noqa: F401  (what `inprocess` grades with)
import nbgrader.coursedir  # noqa: F401
import nbgrader.utils  # noqa: F401
import sqlalchemy.dialects.sqlite  # noqa: F401
from sqlalchemy.orm import configure_mappers

import coursegrading.autograde  # noqa: F401  (and through it the rest of coursegrading)
import coursegrading.judge  # noqa: F401
import coursegrading.offline  # noqa: F401

# The course's checks, and the course's model they import (seconds of pandas and NumPy), loaded once here
# when the grader names their folder: each grading process then loads its assignment's checks without
# importing anything afresh.
if os.environ.get("COURSEGRADING_PRELOAD_CHECKS"):
    for _checks in sorted(Path(os.environ["COURSEGRADING_PRELOAD_CHECKS"]).glob("*.py")):
        coursegrading.judge.load_checks(_checks.parent.parent, _checks.parent.name, _checks.stem)

# SQLAlchemy works out how nbgrader's classes map to tables at the first query, unless told to now.
configure_mappers()
# nbformat compiles a validator for each notebook format the first time it validates one: the current
# format is what nbgrader writes and what students' notebooks are in.
nbformat.validate(nbformat.v4.new_notebook())
