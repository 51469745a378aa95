"""`make collect`: submissions from an LMS download (a zip of <student>_<notebook>.ipynb files)."""

from __future__ import annotations

import json
import shutil
import zipfile

from tests.exercises.grading_support import release_nb
from tests.exercises.kit import make


def test_zip_collect_puts_each_students_notebook_where_autograde_looks(released, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(released.course, course)
    student = release_nb(course, "paying_providers")
    download = tmp_path / "lms_download.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for name in ("jdoe42", "asmith7"):
            nb = dict(student, metadata={**student["metadata"], "submitted_by": name})
            archive.writestr(f"{name}_paying_providers.ipynb", json.dumps(nb))
    run = make("collect", "ASSIGNMENT=paying_providers", f"ZIP={download}", f"COURSE={course}")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for name in ("jdoe42", "asmith7"):
        collected = course / "submitted" / name / "paying_providers" / "paying_providers.ipynb"
        assert json.loads(collected.read_text())["metadata"]["submitted_by"] == name


def test_collect_without_a_zip_says_what_to_give(released):
    run = make("collect", "ASSIGNMENT=paying_providers", f"COURSE={released.course}")
    assert run.returncode != 0
    assert "ZIP=path/to/download.zip" in run.stdout
