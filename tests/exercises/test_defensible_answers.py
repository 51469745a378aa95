"""Where the record supports more than one answer, each is accepted; an answer it does not support is not.

Each submission is the reference answers with other readings put in, graded by the real
`make autograde`: one with every other defensible reading at once (the reference holds the rest,
and gets full marks in test_autograde), one with a reading the record does not support.
"""

from __future__ import annotations

import shutil

import pytest

from tests.exercises.conftest import release_nb, source_nb
from tests.exercises.kit import CELL_TIMEOUT, autograded_points, make, reference_answers, scores, submit, with_answers


def _replace(answer: str, old: str, new: str) -> str:
    assert answer.count(old) == 1, f"{old!r} is not once in the reference answer"
    return answer.replace(old, new)


# assignment -> student -> (answer cell, [(reference text, replacement)], graded cells that should lose their marks)
READINGS = {
    "comparing_models": {
        # PCTs from their first wave (2000); ACSs to their statutory successors (2022); the ACO from the
        # community provider contract it grew out of (2016) to 2019.
        "otherreadings": ("model_table_answer", [('"era_start": [2002, 2017, 2017]', '"era_start": [2000, 2017, 2016]'),
                                                 ('"era_end": [2013, 2018, 2018]', '"era_end": [2013, 2022, 2019]')], set()),
        # 2012 is when American ACOs began (the Medicare Shared Savings Program), not an English policy.
        "americanaco": ("model_table_answer", [('"era_start": [2002, 2017, 2017]', '"era_start": [2002, 2017, 2012]')],
                        {"era_of_each_model"}),
    },
    "reading_sources": {
        # The kf-comments are undated: either answer is defensible. The ACS term may have circulated
        # a little before Next Steps (March 2017).
        "otherreadings": ("arrangements_answer", [('"kf-comments": True', '"kf-comments": False')], set()),
        "earlyterm": ("dating_answer", [("acs_term_years = (2017, 2018)", "acs_term_years = (2016, 2018)")], set()),
        # Accountable care systems were renamed in February 2018: the term did not last to 2019.
        "lateterm": ("dating_answer", [("acs_term_years = (2017, 2018)", "acs_term_years = (2017, 2019)")],
                     {"acs_vocabulary_dates_a_source"}),
    },
}


@pytest.fixture(scope="module")
def readings_class(released, tmp_path_factory):
    course = tmp_path_factory.mktemp("readings") / "course"
    shutil.copytree(released.course, course)
    for assignment, students in READINGS.items():
        source, release = source_nb(course, assignment), release_nb(course, assignment)
        ref = reference_answers(source)
        for student, (cell, edits, _) in students.items():
            answer = ref[cell]
            for old, new in edits:
                answer = _replace(answer, old, new)
            submit(course, student, assignment, with_answers(release, dict(ref, **{cell: answer})))
        run = make("autograde", f"ASSIGNMENT={assignment}", f"COURSE={course}", f"CELL_TIMEOUT={CELL_TIMEOUT}")
        assert run.returncode == 0, f"make autograde {assignment} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
        assert " 0 failed to run," in run.stdout, run.stdout[-3000:]  # a submission not graded proves nothing
    return course


@pytest.mark.parametrize("assignment, student", [(a, s) for a, students in READINGS.items() for s in students])
def test_each_defensible_reading_is_accepted_and_an_unsupported_one_is_not(readings_class, assignment, student):
    points = autograded_points(source_nb(readings_class, assignment))
    _, _, losing = READINGS[assignment][student]
    got = scores(readings_class, assignment, student)
    assert {gid: got[gid] for gid in points} == {gid: 0.0 if gid in losing else pts for gid, pts in points.items()}
