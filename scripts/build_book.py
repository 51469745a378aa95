"""Build the book strictly, as `make book` and the tests do.

Notebook outputs are cached by Jupyter Book (jupyter-cache), keyed on each
notebook's own cells. Charts and tables come from the carepool package, so a
change to the package must re-execute the notebooks too: the cache is cleared
when the package's source digest changes.

The book offers the student version of each graded exercise, so the build
first releases them (nbgrader) into book/exercises/student/, as `make release`
does; the release step itself refuses any notebook that still holds a
solution or a hidden test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "carepool"


def package_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def release_student_versions(source: Path) -> None:
    """The student notebooks and zips the exercise pages link to, made fresh."""
    course = source / "exercises"
    if not (course / "source").is_dir():
        return  # a book without graded exercises (the tests' minimal copies)
    from carepool.grading.release import release_all

    student = source / "book" / "exercises" / "student"
    shutil.rmtree(student, ignore_errors=True)
    release_all(course, book_dir=student)


def build(source: Path = ROOT, *extra: str) -> int:
    release_student_versions(source)
    build_dir = source / "_build"
    stamp = build_dir / ".carepool-digest"
    digest = package_digest()
    if not stamp.is_file() or stamp.read_text() != digest:
        shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    shutil.rmtree(build_dir / "html", ignore_errors=True)  # no stale pages
    env = {**os.environ, "CAREPOOL_BOOK_BUILD": "1"}
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(source), "-W", "-n", "--keep-going", "--all", *extra]
    code = subprocess.call(command, cwd=source, env=env)
    if code == 0:
        build_dir.mkdir(exist_ok=True)
        stamp.write_text(digest)
    return code


if __name__ == "__main__":
    sys.exit(build(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT))
