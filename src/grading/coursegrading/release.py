"""The student version of every assignment: generated, zipped for an LMS, copied into the book.

Command line (from the repository root; `make release` runs it)::

    .venv/bin/python -m coursegrading.release [--course exercises] [--book book/exercises/student]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import zipfile
from pathlib import Path

from coursegrading.course import assignments, run_nbgrader

# Text that must never reach a student: nbgrader's markers around solutions and hidden tests.
INSTRUCTOR_ONLY_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                           "BEGIN MARK SCHEME", "END MARK SCHEME")


class ReleaseError(RuntimeError):
    """Generating or checking a release failed."""


def instructor_only_text(text: str) -> list[str]:
    """The instructor-only markers found in `text` (empty if none)."""
    return [marker for marker in INSTRUCTOR_ONLY_MARKERS if marker in text]


def generate(course_dir: Path, assignment: str) -> Path:
    """Run `nbgrader generate_assignment` for one assignment; return its release folder."""
    run = run_nbgrader(course_dir, "generate_assignment", assignment, "--force")
    released = course_dir / "release" / assignment
    if run.returncode != 0 or not released.is_dir():
        raise ReleaseError(f"nbgrader generate_assignment {assignment} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
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
                zips_dir: Path | str | None = None) -> dict[str, Path]:
    """Generate, check and zip every assignment; copy the student versions into `book_dir`.

    Returns each assignment's zip. The zips go to `zips_dir` (default
    `<course>/release_zips`).
    """
    course_dir = Path(course_dir)
    zips_dir = Path(zips_dir) if zips_dir else course_dir / "release_zips"
    zips = {}
    for assignment in assignments(course_dir):
        released = generate(course_dir, assignment)
        zips[assignment] = zip_release(released, zips_dir)
        if book_dir is not None:
            copy_to_book(released, zips[assignment], Path(book_dir))
    return zips


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Release every assignment: student notebooks and LMS zips.")
    parser.add_argument("--course", type=Path, default=Path("exercises"))
    parser.add_argument("--book", type=Path, default=Path("book/exercises/student"),
                        help="where the book's copies of the student versions go")
    args = parser.parse_args(argv)
    for assignment, zipped in release_all(args.course, args.book).items():
        print(f"{assignment}: {args.course / 'release' / assignment} and {zipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
