"""Checking a submitted notebook before grading.

nbgrader would score a notebook with a graded cell deleted as if the answer
were simply wrong, and stops on one that is not valid JSON. Checking first
lets the summary say what is wrong with the submission itself.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import nbformat


def graded_cell_ids(notebook: dict) -> list[str]:
    """The nbgrader ids of the cells that carry marks or hold an answer, in order."""
    ids = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("solution") or meta.get("task"):
            ids.append(meta.get("grade_id"))
    return ids


def problem_with(submitted: Path | str, released: Path | str) -> str | None:
    """What is wrong with a submitted notebook, compared with the released one; None if nothing.

    The reasons: the file is missing, is not valid JSON, is not a Jupyter
    notebook, or has graded or answer cells deleted (named by grade id).
    """
    submitted, released = Path(submitted), Path(released)
    if not submitted.is_file():
        return f"notebook missing: {submitted.name} was not submitted"
    try:
        raw = json.loads(submitted.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        return f"not valid JSON: not UTF-8 text ({err.reason})"
    except json.JSONDecodeError as err:
        return f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
    try:
        nbformat.validate(nbformat.from_dict(raw), relax_add_props=True)
    except (nbformat.ValidationError, AttributeError, TypeError) as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return f"not a Jupyter notebook: {first_line}"
    expected = graded_cell_ids(nbformat.read(released, as_version=4))
    present = set(graded_cell_ids(raw))
    deleted = [cell_id for cell_id in expected if cell_id not in present]
    if deleted:
        return "cells deleted: " + ", ".join(deleted)
    return None


def folder_problem(folder: Path | str) -> str | None:
    """What in a submission folder could make grading read an instructor's file; None if nothing.

    nbgrader copies a submission's files by following links, so a symbolic
    link (to a source notebook, the gradebook, /etc...) would bring the file it
    points to into the autograded copy, the feedback and the zips. Anything but
    plain files and folders is refused, as is a file with hard links elsewhere.
    """
    folder = Path(folder)
    found = []
    entries = [Path(top) / name for top, dirs, files in os.walk(folder) for name in dirs + files]
    for path in sorted(entries):  # os.walk lists links to folders without following them
        info = path.lstat()
        name = str(path.relative_to(folder))
        if stat.S_ISLNK(info.st_mode):
            found.append(f"{name} (a link)")
        elif stat.S_ISREG(info.st_mode):
            if info.st_nlink > 1:
                found.append(f"{name} (a hard link)")
        elif not stat.S_ISDIR(info.st_mode):
            found.append(f"{name} (not a plain file)")
    if found:
        return "links or special files in the submission: " + ", ".join(found)
    return None
