"""The book's exercise pages say what the notebooks say: outcomes, time and points."""

from __future__ import annotations

import re

import pytest

from tests.exercises.grading_support import source_nb
from tests.exercises.kit import ASSIGNMENTS, COURSE, ROOT, autograded_points, cells_by_id, text

PAGES = ROOT / "book" / "exercises"


def _intro(assignment: str) -> str:
    return text(source_nb(COURSE, assignment)["cells"][0])


def _points(assignment: str) -> tuple[float, float]:
    cells = cells_by_id(source_nb(COURSE, assignment))
    auto = sum(autograded_points(source_nb(COURSE, assignment)).values())
    manual = sum(float(c["metadata"]["nbgrader"]["points"]) for c in cells.values()
                 if c["metadata"]["nbgrader"].get("grade") and c["metadata"]["nbgrader"].get("solution"))
    return auto, manual


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_announced_are_the_points_graded(assignment):
    auto, manual = _points(assignment)
    announced = re.search(r"\*\*Points:\*\* (\d+) \((\d+) checked automatically,\s+(\d+) for", _intro(assignment))
    assert announced, "the notebook's introduction announces its points"
    assert tuple(float(x) for x in announced.groups()) == (auto + manual, auto, manual)
    page = (PAGES / f"{assignment}.md").read_text()
    assert f"**Points:** {auto + manual:g} ({auto:g} checked automatically, {manual:g} for" in page


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_book_page_gives_the_notebooks_outcomes_and_time(assignment):
    intro, page = _intro(assignment), (PAGES / f"{assignment}.md").read_text()
    outcomes = re.search(r"able to:\n\n(.*?)\n\n", intro, re.S).group(1)
    assert outcomes in page
    time = re.search(r"\*\*Estimated time:\*\* ([^.]+)\.", intro).group(1)
    assert f"**Estimated time:** {time}." in page
    # The page offers the student version (in its zip) with carepool's wheel: the student-download directive.
    assert f"```{{student-download}} {assignment}\n```" in page, "the page offers the student version for download"


def test_index_lists_every_exercise_with_its_points():
    index = (PAGES / "index.md").read_text()
    for assignment in ASSIGNMENTS:
        auto, manual = _points(assignment)
        assert re.search(rf"{{doc}}`{assignment}` \|[^\n]*\| {auto + manual:g} \|", index), assignment
