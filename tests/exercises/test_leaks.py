"""Solutions and hidden tests appear nowhere a student can see.

The instructor-only text is read from the source notebooks: every line between
nbgrader's solution markers and between its hidden-test markers. None of it,
nor the markers, may be in the released notebooks, the LMS zips, the book's
copies, the feedback, or the built book.
"""

from __future__ import annotations

import zipfile
from pathlib import Path


from coursegrading.release import instructor_only_text
from tests.exercises.grading_support import instructor_lines, page_text, source_nb
from tests.exercises.kit import ASSIGNMENTS, ROOT, make, text


def leaks(content: str, lines: set[str]) -> list[str]:
    return instructor_only_text(content) + sorted(line for line in lines if line in content)


def test_there_are_instructor_lines_to_look_for(released):
    assert len(instructor_lines(released.course)) >= 30


def test_released_notebooks_zips_and_book_copies_hold_no_solutions_or_hidden_tests(released):
    lines = instructor_lines(released.course)
    seen = 0
    for path in [*(released.course / "release").rglob("*"), *released.book.rglob("*.ipynb")]:
        if path.is_file():
            assert not leaks(path.read_text(encoding="utf-8"), lines), path
            seen += 1
    for path in (released.course / "release_zips").glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                assert not leaks(archive.read(name).decode("utf-8"), lines), f"{path}:{name}"
                seen += 1
    assert seen >= 3 * len(ASSIGNMENTS)


def test_feedback_holds_no_hidden_tests(graded):
    run = make("feedback", "ASSIGNMENT=paying_providers", f"COURSE={graded.course}")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lines = instructor_lines(graded.course)
    hidden_only = {line for line in lines if "assert" in line or "reference_marginal_rate" in line}
    pages = list((graded.course / "feedback").rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        content = page_text(page)
        assert "BEGIN HIDDEN TESTS" not in content and "END HIDDEN TESTS" not in content, page
        found = [line for line in hidden_only if line in content]
        assert not found, f"{page} shows hidden tests: {found[:3]}"


def test_the_built_book_holds_no_solutions_or_hidden_tests(built_book):
    BUILT = built_book
    lines = instructor_lines(ROOT / "exercises")
    pages = [p for p in BUILT.rglob("*") if p.suffix in {".html", ".ipynb", ".txt", ".md", ".py"} and p.is_file()]
    for page in pages:
        content = page_text(page)
        assert not [line for line in lines if line in content], page
        # The instructors' pages name the markers to explain them; no other page may hold one.
        if "instructors" not in page.relative_to(BUILT).parts:
            assert not instructor_only_text(content), page
    for assignment in ASSIGNMENTS:
        assert (BUILT / "book" / "exercises" / "student" / f"{assignment}.html").is_file(), (
            f"the student version of {assignment} is not in the built book")
    downloads = {p.name for p in (BUILT / "_downloads").rglob("*") if p.is_file()}
    # Each page offers its assignment's zip and carepool's wheel (the student versions themselves are pages).
    assert {f"{a}.zip" for a in ASSIGNMENTS} <= downloads
    assert len([name for name in downloads if name.startswith("carepool-") and name.endswith(".whl")]) == 1
