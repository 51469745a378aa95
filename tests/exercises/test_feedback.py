"""`make feedback`: feedback students can read, with their marks and without hidden tests."""

from __future__ import annotations

import html
import re

import pytest

from tests.exercises.grading_support import CHART, line_marks
from tests.exercises.kit import make



@pytest.fixture(scope="module")
def feedback(graded):
    run = make("feedback", "ASSIGNMENT=paying_providers", f"COURSE={graded.course}")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return graded.course / "feedback"


def _page(feedback, student):
    return (feedback / student / "paying_providers" / "paying_providers.html").read_text(encoding="utf-8")


def test_every_autograded_student_gets_feedback_with_their_score(feedback):
    assert "Score: 9.0 / 13.0" in _page(feedback, "reference")
    assert "Score: 0.0 / 13.0" in _page(feedback, "blank")


def test_a_failing_hidden_test_is_reported_without_its_code(feedback):
    page = _page(feedback, "hardcodedrate")
    assert "HiddenTestFailed" in page
    assert "reference_marginal_rate" not in page, "the hidden test's code must not be shown"


def test_visible_test_failures_still_explain_what_is_wrong(feedback):
    page = html.unescape(re.sub(r"<[^>]+>", "", _page(feedback, "wrong")))
    # The visible assertion's message as it evaluated (an f-string: these figures are not in the code).
    assert ("AssertionError: the 100 admissions above the baseline should earn 30% of tariff each, so the "
            "income is £1,000,000 + £30,000 = £1,030,000; got") in page
    assert "Are you paying emergency growth at the full tariff?" in page


def test_feedback_pages_load_nothing_from_outside_and_show_the_chart(feedback, tmp_path, browser):
    page_file = feedback / "reference" / "paying_providers" / "paying_providers.html"
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(page_file.as_uri())
    page.wait_for_selector(CHART, timeout=30_000)
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "feedback.png"))
    lines = line_marks(page.locator(CHART).first)
    errors = page.locator("text=Error loading script").count()
    page.close()
    assert [url for url in requested if not url.startswith(("file:", "data:", "blob:"))] == []
    assert errors == 0
    assert lines == 4, "one line per payment mechanism"
