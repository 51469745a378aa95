"""The student version of every assignment: generated, zipped for an LMS, copied into the book.

Command line (from the repository root; `make release` runs it)::

    .venv/bin/python -m coursegrading.release [--course exercises] [--book book/exercises/student]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

from coursegrading.course import assignments, course_setting, run_nbgrader

# Text that must never reach a student: nbgrader's markers around solutions and hidden tests.
INSTRUCTOR_ONLY_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                           "BEGIN MARK SCHEME", "END MARK SCHEME")


class ReleaseError(RuntimeError):
    """Generating or checking a release failed."""


def instructor_only_text(text: str) -> list[str]:
    """The instructor-only markers found in `text` (empty if none)."""
    return [marker for marker in INSTRUCTOR_ONLY_MARKERS if marker in text]


# nbgrader's settings for a student, released beside each notebook (relative to the course).
STUDENT_SETTINGS = Path("student") / "nbgrader_config.py"

# The locked cell that shows a student's own figures: released with the course's seed written in, and
# for an LMS one copy per student with the student's id too (see carepool.exercises.kit).
FIGURES_CALL = "your_figures()"
FIGURES_CALLED = re.compile(r"your_figures\((?:course='[^']*')?\)")


def personalise(notebook: dict, course_seed: str, student: str | None = None) -> dict:
    """The notebook with its figures cell calling `your_figures` for this course (and student).

    The cell stays locked, with its checksum made again so that Validate does
    not report it changed; the grader puts the source's version back anyway
    and tells the kernel whose figures to show.
    """
    from nbformat import from_dict
    from nbgrader.utils import compute_checksum

    args = f"course={course_seed!r}" + (f", student={student!r}" if student else "")
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        # The call as the source has it, or as a release already wrote it for the course alone.
        personalised = FIGURES_CALLED.sub(f"your_figures({args})", source)
        if cell["cell_type"] == "code" and personalised != source:
            cell["source"] = personalised
            cell["metadata"]["nbgrader"]["checksum"] = compute_checksum(from_dict(cell))
    return notebook  # an assignment about the fixed historical record has no figures to personalise


def per_student(released: Path, course_seed: str, students: list[str], zips_dir: Path) -> Path:
    """One zip for an LMS holding each student's own notebook, named <student>_<notebook>.ipynb."""
    zips_dir.mkdir(parents=True, exist_ok=True)
    target = zips_dir / f"{released.name}_per_student.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for notebook in sorted(released.glob("*.ipynb")):
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            for student in students:
                own = personalise(json.loads(json.dumps(nb)), course_seed, student)
                archive.writestr(f"{student}_{notebook.name}", json.dumps(own, indent=1, ensure_ascii=False) + "\n")
    return target


def generate(course_dir: Path, assignment: str) -> Path:
    """Run `nbgrader generate_assignment` for one assignment; return its release folder."""
    run = run_nbgrader(course_dir, "generate_assignment", assignment, "--force")
    released = course_dir / "release" / assignment
    if run.returncode != 0 or not released.is_dir():
        raise ReleaseError(f"nbgrader generate_assignment {assignment} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    student_settings = course_dir / STUDENT_SETTINGS
    if student_settings.is_file():  # what the student's own `nbgrader validate` reads, in their folder
        shutil.copy2(student_settings, released / "nbgrader_config.py")
    seed = course_setting(course_dir, "JudgeAnswers", "course_seed")
    for notebook in released.glob("*.ipynb"):
        nb = personalise(json.loads(notebook.read_text(encoding="utf-8")), seed)
        notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in released.rglob("*"):
        if path.is_file() and path.suffix in {".ipynb", ".py", ".md", ".txt"}:
            found = instructor_only_text(path.read_text(encoding="utf-8", errors="replace"))
            if found:
                raise ReleaseError(f"{path} still holds {found}: the release would show solutions or hidden tests")
    return released


def zip_release(released: Path, zips_dir: Path) -> Path:
    """Zip a release folder as `<assignment>.zip`, the files under `<assignment>/`, for an LMS."""
    zips_dir.mkdir(parents=True, exist_ok=True)
    target = zips_dir / f"{released.name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(released.rglob("*")):
            if path.is_file():
                archive.write(path, Path(released.name) / path.relative_to(released))
    return target


def copy_to_book(released: Path, zipped: Path, book_dir: Path) -> list[Path]:
    """Copy the student notebook(s) and zip into the book, marked never to be executed there."""
    book_dir.mkdir(parents=True, exist_ok=True)
    copies = [Path(shutil.copy2(zipped, book_dir / zipped.name))]
    for notebook in sorted(released.glob("*.ipynb")):
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        # The student version's answers are stubs that raise; the book shows it unexecuted.
        nb["metadata"]["mystnb"] = {"execution_mode": "off"}
        target = book_dir / notebook.name
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        copies.append(target)
    return copies


def release_all(course_dir: Path | str, book_dir: Path | str | None = None,
                zips_dir: Path | str | None = None, students: list[str] | None = None) -> dict[str, Path]:
    """Generate, check and zip every assignment; copy the student versions into `book_dir`.

    Returns each assignment's zip. The zips go to `zips_dir` (default
    `<course>/release_zips`); given `students`, a second zip per assignment
    holds each student's own notebook (their own figures), for an LMS.
    """
    course_dir = Path(course_dir)
    zips_dir = Path(zips_dir) if zips_dir else course_dir / "release_zips"
    zips = {}
    for assignment in assignments(course_dir):
        released = generate(course_dir, assignment)
        zips[assignment] = zip_release(released, zips_dir)
        if students:
            per_student(released, course_setting(course_dir, "JudgeAnswers", "course_seed"), students, zips_dir)
        if book_dir is not None:
            copy_to_book(released, zips[assignment], Path(book_dir))
    return zips


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Release every assignment: student notebooks and LMS zips.")
    parser.add_argument("--course", type=Path, default=Path("exercises"))
    parser.add_argument("--book", type=Path, default=Path("book/exercises/student"),
                        help="where the book's copies of the student versions go")
    parser.add_argument("--roster", type=Path, default=None,
                        help="a file of student ids, one a line: also zip each student's own notebook for an LMS")
    args = parser.parse_args(argv)
    students = None
    if args.roster:
        students = [line.strip() for line in args.roster.read_text(encoding="utf-8").splitlines() if line.strip()]
        bad = [s for s in students if not all(ch.isalnum() or ch in ".-" for ch in s)]
        if bad:
            parser.error(f"--roster: student ids are letters, digits, '.' and '-' (as make collect expects); not {bad[:3]}")
    for assignment, zipped in release_all(args.course, args.book, students=students).items():
        print(f"{assignment}: {args.course / 'release' / assignment} and {zipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
