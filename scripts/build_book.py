"""Build the book strictly, as `make book` and the tests do.

Two steps, each from one of the course's parts:

1. The book offers the student version of each graded exercise, so the build
   first releases them (`coursegrading`, nbgrader) into
   book/exercises/student/; the release refuses any notebook that still holds
   a solution or a hidden test.
2. Jupyter Book builds every page (`--all`) with warnings as errors, using the
   Sphinx extensions of `coursebook`.

A build is skipped when nothing it reads has changed since the last
successful one (a digest of every input), so a no-change `make book` is
quick; any change makes the complete, strict build again. Notebook outputs
are cached by Jupyter Book (jupyter-cache), keyed on each notebook's own
cells; charts and tables come from `carepool` and `coursebook`, so a change to
either package clears that cache too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the notebooks' outputs depend on beyond their own cells.
PACKAGES = ("src/model", "src/book")
# Everything a build reads; a change to any of it rebuilds the book.
INPUTS = (*PACKAGES, "src/grading", "book", "notebooks", "exercises/source", "_static",
          "_vendor", "_config.yml", "_toc.yml", "scripts/build_book.py")
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", "student", ".jupyter_cache"}

# Run in every kernel the build starts: Altair draws with the site's own Vega
# (coursebook's renderer) instead of loading it from a CDN.
KERNEL_STARTUP = 'import altair\naltair.renderers.enable("coursebook-offline")\n'


def digest(source: Path, paths) -> str:
    """A digest of the files under `paths` (names and contents)."""
    h = hashlib.sha256()
    # The folders named, and every file at the top of the book's folder (pages, configuration).
    tops = [*(source / name for name in paths), *sorted(p for p in source.iterdir() if p.is_file())]
    for top in tops:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if SKIPPED_PARTS.isdisjoint(path.relative_to(source).parts) and ".egg-info" not in str(path):
                h.update(path.relative_to(source).as_posix().encode() + b"\0")
                h.update(path.read_bytes())
    return h.hexdigest()


def release_student_versions(source: Path) -> None:
    """The student notebooks and zips the exercise pages link to, made fresh."""
    course = source / "exercises"
    if not (course / "source").is_dir():
        return  # a book without graded exercises (the tests' minimal copies)
    from coursegrading.release import release_all

    student = source / "book" / "exercises" / "student"
    shutil.rmtree(student, ignore_errors=True)
    release_all(course, book_dir=student)


def build(source: Path = ROOT, *extra: str) -> int:
    build_dir = source / "_build"
    inputs_stamp, packages_stamp = build_dir / ".inputs-digest", build_dir / ".packages-digest"
    inputs = digest(source, INPUTS)
    if not extra and inputs_stamp.is_file() and inputs_stamp.read_text() == inputs \
            and (build_dir / "html" / "index.html").is_file():
        print("build_book: nothing has changed since the last successful build; _build/html is up to date")
        return 0

    release_student_versions(source)
    packages = digest(source, PACKAGES)
    if not packages_stamp.is_file() or packages_stamp.read_text() != packages:
        shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    shutil.rmtree(build_dir / "html", ignore_errors=True)  # no stale pages
    inputs_stamp.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory(prefix="book-ipython-") as ipython_dir:
        startup = Path(ipython_dir, "profile_default", "startup")
        startup.mkdir(parents=True)
        (startup / "00-offline-charts.py").write_text(KERNEL_STARTUP)
        env = {**os.environ, "IPYTHONDIR": ipython_dir}
        jupyter_book = Path(sys.executable).parent / "jupyter-book"
        command = [str(jupyter_book), "build", str(source), "-W", "-n", "--keep-going", "--all", *extra]
        code = subprocess.call(command, cwd=source, env=env)
    if code == 0:
        build_dir.mkdir(exist_ok=True)
        packages_stamp.write_text(packages)
        # Digest again: the build must not be skipped next time if a file changed meanwhile.
        if digest(source, INPUTS) == inputs:
            inputs_stamp.write_text(inputs)
    return code


if __name__ == "__main__":
    sys.exit(build(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT))
