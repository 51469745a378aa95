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


def test_a_failing_hidden_check_is_reported_without_its_inputs_or_its_message(feedback):
    from carepool.exercises.kit import HIDDEN_FAILED

    page = html.unescape(re.sub(r"<[^>]+>", "", _page(feedback, "hardcodedrate")))
    assert HIDDEN_FAILED.split(":")[0] in page
    # The hidden check that caught it calls the function with rate=0.5, and says so only to the instructor.
    assert "rate=0.5" not in page and "not always 30%" not in page


def test_visible_check_failures_still_explain_what_is_wrong(feedback):
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", "", _page(feedback, "wrong"))).split())
    # The visible check's message (wrapped to fit Validate: compared with its spaces and line breaks as one), in the course's terms, with the student's own (wrong) answer.
    assert "WrongAnswer: the 100 admissions above the baseline should each earn 30% of the price" in page
    assert "Are you paying emergency growth at the full price?" in page


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


def test_feedback_shows_the_students_own_figures(feedback, graded):
    from coursegrading.course import course_setting
    from coursegrading.judge import load_checks

    seed = course_setting(graded.course, "JudgeAnswers", "course_seed")
    figures = load_checks(graded.course, "checks", "paying_providers").figures_for(seed, "reference")
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _page(feedback, "reference"))).split())
    assert "Your own figures (reference)" in page
    assert f"£{figures['price']:,}" in page and f"{figures['baseline']:,} admissions a year" in page
