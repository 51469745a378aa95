"""`make autograde`: grading that tells a right answer from a blank or a wrong one."""

from __future__ import annotations

import re

import pytest

from tests.exercises.grading_support import source_nb
from tests.exercises.kit import ASSIGNMENTS, WRONG_ANSWERS, autograded_points, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_gets_full_autograded_marks(graded, assignment):
    points = autograded_points(source_nb(graded.course, assignment))
    got = scores(graded.course, assignment, "reference")
    assert {gid: got[gid] for gid in points} == points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_gets_no_autograded_marks(graded, assignment):
    points = autograded_points(source_nb(graded.course, assignment))
    got = scores(graded.course, assignment, "blank")
    assert {gid: got[gid] for gid in points} == {gid: 0 for gid in points}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_plausible_wrong_answer_loses_exactly_the_marks_it_should(graded, assignment):
    points = autograded_points(source_nb(graded.course, assignment))
    _, _, losing = WRONG_ANSWERS[assignment]
    got = scores(graded.course, assignment, "wrong")
    expected = {gid: 0.0 if gid in losing else pts for gid, pts in points.items()}
    assert {gid: got[gid] for gid in points} == expected


def test_emergency_growth_paid_at_full_tariff_scores_less_than_the_marginal_rate(graded):
    points = autograded_points(source_nb(graded.course, "paying_providers"))
    right = sum(scores(graded.course, "paying_providers", "reference")[g] for g in points)
    wrong = sum(scores(graded.course, "paying_providers", "wrong")[g] for g in points)
    # It loses the marginal rate's own test, and the two that ask what one more admission earns.
    assert wrong == right - points["mret_payment_above_baseline"] - points["income_from_one_more_admission"] \
        - points["payments_that_make_growth_a_loss"]


def test_an_answer_that_passes_visible_tests_can_fail_hidden_ones(graded):
    got = scores(graded.course, "paying_providers", "hardcodedrate")
    assert got["mret_payment_above_baseline"] == 0, "ignoring the rate argument is caught by a hidden test"
    assert got["mret_full_tariff_up_to_baseline"] == 1


def test_summary_tells_graded_failed_and_missing_apart(graded):
    stdout, _ = graded.outputs["paying_providers"]
    sections = re.split(r"^(Graded.*|Failed to run:|Missing:)$", stdout, flags=re.M)
    by_heading = {sections[i].split(" ")[0].rstrip(":"): sections[i + 1] for i in range(1, len(sections), 2)}
    assert set(by_heading) == {"Graded", "Failed", "Missing"}
    assert "reference: 9 / 13" in by_heading["Graded"]
    assert "blank: 0 / 13" in by_heading["Graded"]
    for student in ("brokenjson", "deletedcell", "loopsforever"):
        assert f"{student}:" in by_heading["Failed"]
        assert f"{student}:" not in by_heading["Graded"]
    assert "absent:" in by_heading["Missing"]
    # every paying_providers student plus the one on the list who never submitted
    headline = next(line for line in stdout.splitlines() if line.startswith("paying_providers:"))
    assert headline == "paying_providers: 10 students: 6 graded, 3 failed to run, 1 missing"


def test_grading_prints_only_progress_not_kernels_banners_or_library_warnings(graded):
    for assignment, (_, stderr) in graded.outputs.items():
        other = [line for line in stderr.splitlines() if line.strip() and not re.match(r"^\[\d+/\d+\] ", line)]
        assert other == [], f"make autograde {assignment} printed more than its progress"


def test_progress_is_shown_for_each_student_while_grading(graded):
    _, stderr = graded.outputs["paying_providers"]
    progress = re.findall(r"^\[(\d+)/(\d+)\] (\S+):", stderr, flags=re.M)
    assert [int(done) for done, _, _ in progress] == list(range(1, 11))
    assert {total for _, total, _ in progress} == {"10"}
