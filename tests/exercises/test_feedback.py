"""`make feedback`: feedback students can read, with their marks and without hidden tests."""

from __future__ import annotations

import pytest

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
    page = _page(feedback, "wrong")
    assert "Are you paying emergency growth at the full tariff?" in page
