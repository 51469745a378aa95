"""Support shared by the grading tests (a support module, so test modules need not import one another)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tests.exercises.kit import ASSIGNMENTS, ROOT, read_nb, text

# A block payment that never returns: a never-ending submission, busy all the while (the limit tests').
LOOP_FOREVER = "def block_income(amount, activity):\n    while True:\n        pass\n"
# The same that waits instead, for the classes graded to check reports and scores: the same cell time limit
# stops it, and a busy one would take a core from every other test for each 30 s call (two per grading).
WAIT_FOREVER = "def block_income(amount, activity):\n    while True:\n        __import__('time').sleep(1)\n"


# How nbconvert (feedback, formgrader) shows a chart drawn as SVG in the kernel: a picture in the page.
CHART = 'img[src^="data:image/svg+xml"]'


def line_marks(image) -> int:
    """How many line marks a chart picture holds, once the browser has drawn it (0 if it could not)."""
    import base64

    if not image.evaluate("img => img.complete && img.naturalWidth > 0"):
        return 0
    svg = base64.b64decode(image.get_attribute("src").split(",", 1)[1]).decode("utf-8")
    return len(re.findall(r'class="mark-line role-mark', svg))


def sleeps(seconds: float, student: str) -> str:
    """A grading job that takes `seconds` (importable, so a Dask worker's process can run it)."""
    import time

    time.sleep(seconds)
    return student


def grade_and_say_what_was_left_to_do(course: Path, assignment: str, student: str) -> dict:
    """A grading job that reports what its process had to do afresh: the modules it imported, and whether
    SQLAlchemy had already mapped nbgrader's gradebook tables before its first query."""
    import sys

    from nbgrader.api import Student

    from coursegrading.autograde import grade_here

    mapped = Student.__mapper__.configured
    before = set(sys.modules)
    outcome = grade_here(course, assignment, student)
    return {"mapped_before": mapped, "imported": sorted(set(sys.modules) - before), "status": outcome.status}


def source_nb(course: Path, assignment: str) -> dict:
    return read_nb(course / "source" / assignment / f"{assignment}.ipynb")


def release_nb(course: Path, assignment: str) -> dict:
    return read_nb(course / "release" / assignment / f"{assignment}.ipynb")


def instructor_lines(course: Path) -> set[str]:
    """Lines only instructors may see: solutions and hidden tests, long enough to be distinctive."""
    lines, public = set(), set()
    for assignment in ASSIGNMENTS:
        for cell in source_nb(course, assignment)["cells"]:
            inside = False
            for line in text(cell).splitlines():
                marker = line.strip()
                if "BEGIN SOLUTION" in marker or "BEGIN HIDDEN TESTS" in marker:
                    inside = True
                elif "END SOLUTION" in marker or "END HIDDEN TESTS" in marker:
                    inside = False
                elif len(marker) >= 25:
                    (lines if inside else public).add(marker)
    # The hidden checks: every line of the course's checks files, and each hidden probe's expression.
    for path in (course / "checks").glob("*.py"):
        lines |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 25}
    # (A probe that only names a variable asks for an answer the notebook names: that is public.)
    lines |= {expression for expression in hidden_probes(course) if len(expression) >= 12 and not expression.isidentifier()}
    # A line students are given elsewhere (a choice of wording, an import, a public check) is no leak.
    for path in (ROOT / "src" / "model" / "carepool" / "exercises").glob("*.py"):
        public |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    return lines - public


def hidden_probes(course: Path, figures_of: str | None = None) -> set[str]:
    """The expressions of every hidden check (with `figures_of` that student's figures written in)."""
    from coursegrading.course import course_setting
    from coursegrading.judge import load_checks

    found = set()
    for assignment in ASSIGNMENTS:
        checks = load_checks(course, "checks", assignment)
        figures = checks.figures_for(course_setting(course, "JudgeAnswers", "course_seed"), figures_of)
        for check in checks.checks:
            if check.hidden:
                found |= {expression.format(**figures) for expression in check.probes.values()}
    return found


def page_text(page: Path) -> str:
    """A page's text as a reader sees it: tags (and the code highlighter's spans) removed."""
    content = page.read_text(encoding="utf-8", errors="replace")
    if page.suffix == ".html":
        content = html.unescape(re.sub(r"<[^>]+>", "", content))
    return content

# Seconds a cell may run in the grading tests: the notebooks' imports alone (numpy, pandas,
# altair) take over 10 s on a loaded 2-core machine, and a timed-out import fails the whole class.
CELL_TIMEOUT = 30
