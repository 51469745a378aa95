"""The kernel computes, the grader judges: each student's own figures, answers read out as plain data,
checks run outside the student's kernel.

The notebooks here run in one ordinary kernel per assignment, every cell again for each student, as the
grader runs them (`coursegrading.judge.judged_notebook`); what the sandbox and nbgrader add is tested
in test_autograde.py and test_cheating.py.
"""

from __future__ import annotations

import json
import random
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest

from coursegrading.judge import WRONG, is_autograded_test, judged_notebook, load_checks
from tests.exercises.cheats import names_defined
from tests.exercises.kit import ASSIGNMENTS, COURSE, cells_by_id, read_nb, reference_answers, text

SEED = "test-course/2026"
# Students drawn once, at random: the reference must earn full marks for anyone.
STUDENTS = [f"s{random.Random(n).randrange(10**6):06d}" for n in range(8)]
WITH_FIGURES = ["integrated_care", "integrated_health_organisations", "paying_providers", "pooling_budgets"]


@contextmanager
def kernel():
    from jupyter_client.manager import KernelManager

    km = KernelManager()
    km.start_kernel()
    try:
        yield km
    finally:
        km.shutdown_kernel(now=True)


def source_path(assignment: str):
    return COURSE / "source" / assignment / f"{assignment}.ipynb"


def verdicts(nb) -> dict[str, str | None]:
    """Each autograded cell's verdict: None if it passed, else the grader's message."""
    found = {}
    for cell in nb.cells:
        if is_autograded_test(cell):
            [output] = cell.outputs
            found[cell.metadata.nbgrader.grade_id] = output.get("evalue") if output.output_type == "error" else None
    return found


def judge(km, notebook, assignment: str, student: str):
    return judged_notebook(notebook, assignment, student, COURSE, SEED, timeout=120, km=km)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_reference_earns_full_marks_for_every_student(assignment):
    with kernel() as km:
        for student in STUDENTS:
            nb = judge(km, source_path(assignment), assignment, student)
            failed = {gid: why for gid, why in verdicts(nb).items() if why}
            assert failed == {}, f"{assignment}, {student}: {failed}"


@pytest.mark.parametrize("assignment", WITH_FIGURES)
def test_every_student_has_their_own_figures_reproducible_from_the_seed(assignment):
    checks = load_checks(COURSE, "checks", assignment)
    drawn = [checks.figures_for(SEED, student) for student in STUDENTS]
    assert drawn == [checks.figures_for(SEED, student) for student in STUDENTS], "same seed, same figures"
    assert len({json.dumps(f, sort_keys=True) for f in drawn}) == len(STUDENTS), "every student's differ"
    assert checks.figures_for("another course", STUDENTS[0]) != drawn[0], "another course's seed, other figures"
    for figures in drawn:
        for name, value in figures.items():
            figure = checks.figures[name]
            assert figure.low <= value <= figure.high, (name, value)
    practice = checks.figures_for(SEED, None)
    assert practice == {name: f.practice for name, f in checks.figures.items()}


@pytest.mark.parametrize("assignment", WITH_FIGURES)
def test_a_notebook_with_figures_shows_the_students_own_in_a_locked_cell(assignment):
    figures_cells = [c for c in read_nb(source_path(assignment))["cells"] if "your_figures()" in text(c)]
    assert len(figures_cells) == 1 and figures_cells[0]["metadata"]["nbgrader"]["locked"], assignment


def copied(source: dict, answers_of_another: dict) -> dict:
    """The reference notebook with every data answer replaced by another student's values, typed in.

    What a student hands in who copied a classmate's results rather than working them out: functions
    stay as the classmate wrote them (right for anyone), numbers and lists are the classmate's own.
    """
    nb = json.loads(json.dumps(source))
    typed = {name: value for name, value in answers_of_another.items() if name.isidentifier()}
    for grade_id, code in reference_answers(source).items():
        cell = cells_by_id(nb)[grade_id]
        if cell["cell_type"] != "code":
            continue
        lines = [code] + [f"{name} = __import__('json').loads({json.dumps(typed[name])!r})"
                          for name in names_defined(code) if name in typed]
        cell["source"] = "\n".join(lines) + "\n"
    return nb


@pytest.mark.parametrize("assignment", WITH_FIGURES)
def test_a_copied_notebook_earns_nothing_it_got_right_only_for_someone_elses_figures(assignment, tmp_path):
    checks = load_checks(COURSE, "checks", assignment)
    source = read_nb(source_path(assignment))
    alice, bob = STUDENTS[0], STUDENTS[1]
    with kernel() as km:
        # What alice's reference computes, for each probe that names a variable (a data answer).
        mine = judge(km, source_path(assignment), assignment, alice)
        theirs = judge(km, source_path(assignment), assignment, bob)
        values, differs = {}, set()
        for grade_id in checks.grade_ids():
            for key, expression in checks.probes(grade_id, checks.figures_for(SEED, alice)).items():
                if expression.isidentifier():
                    values[expression] = mine.metadata["judged"]["answers"][grade_id][key]["value"]
                    if theirs.metadata["judged"]["answers"][grade_id][key]["value"] != values[expression]:
                        differs.add(grade_id)
        assert differs, f"{assignment}: no data answer depends on the figures, so copying cannot be caught"
        notebook = tmp_path / f"{assignment}.ipynb"
        notebook.write_text(json.dumps(copied(source, values)))
        as_alice = verdicts(judge(km, notebook, assignment, alice))
        as_bob = verdicts(judge(km, notebook, assignment, bob))
    assert {gid: why for gid, why in as_alice.items() if why} == {}, "alice's own results earn alice full marks"
    assert {gid for gid in differs if as_bob[gid] is None} == set(), (
        f"bob earned marks with alice's results: {as_bob}")


def test_an_answer_cell_that_stops_is_named_by_the_check_below_it(tmp_path):
    assignment = "pooling_budgets"
    source = read_nb(source_path(assignment))
    broken = json.loads(json.dumps(source))
    answer = cells_by_id(broken)["deficit_chance_answer"]
    answer["source"] = text(answer).replace('chance.loc["local_authority", "silos"]', 'chance.loc["council", "silos"]')
    notebook = tmp_path / f"{assignment}.ipynb"
    notebook.write_text(json.dumps(broken))
    with kernel() as km:
        found = verdicts(judge(km, notebook, assignment, STUDENTS[0]))
    why = found["pooling_makes_each_partners_risk_the_systems"]
    assert "stopped with NameError" in why and "deficit_chance_answer" in why and "KeyError" in why, why


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_checks_and_every_check_a_test_cell(assignment):
    checks = load_checks(COURSE, "checks", assignment)
    source = read_nb(source_path(assignment))
    tests = {c["metadata"]["nbgrader"]["grade_id"]: text(c) for c in source["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade") and not c["metadata"]["nbgrader"].get("solution")
             and c["cell_type"] == "code"}
    assert set(tests) == set(checks.grade_ids())
    for grade_id, code in tests.items():
        # One readable call: no hidden tests and no expected values in what students read.
        assert f'check("{grade_id}")' in code and "HIDDEN" not in code and "assert" not in code, grade_id
        assert any(c.hidden for c in checks.checks_of(grade_id)) or grade_id in VISIBLE_ONLY, (
            f"{grade_id} has no hidden check: say why in VISIBLE_ONLY")


# Cells whose checks are all visible, and why that is enough.
VISIBLE_ONLY = {
    "income_from_one_more_admission": "every mechanism's figure is checked, for the student's own figures",
    "payments_that_make_growth_a_loss": "the whole list is checked, for the student's own figures",
    "wrong_pocket_in_silos": "the council's change and the whole list are checked exactly",
    "pooling_raises_risk_for_the_partners_above_the_system": "the whole list is checked",
    "era_of_each_model": "every model's start and end are checked",
    "longest_single_holder_of_demand_risk": "one label, checked exactly",
    "better_care_fund_missed_its_plan": "both measures are checked exactly",
    "plan_against_outcome_is_not_cause": "both claims are checked",
    "aligned_payment_rewards_avoiding_admissions": "both payments are checked exactly",
    "shared_duty_lowers_the_trusts_risk": "both chances are checked exactly",
    "shared_duty_leaves_the_council_out": "the whole list is checked",
    "acs_vocabulary_dates_a_source": "both years of the window are checked",
    "the_wrong_pocket_remains_for_the_council": "every arrangement's figure and the whole list are checked exactly",
    "capitation_turns_activity_into_cost": "both payments are checked exactly",
    "what_a_source_cannot_show": "one verdict, checked exactly",
}


class FloatLike(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize("value, expected", [
    (np.float64(2.5), 2.5), (np.int64(3), 3), (np.array([1.0, 2.0]), [1.0, 2.0]), (np.bool_(True), True),
    (pd.Series({"a": 1.5}), {"a": 1.5}), ({"x": (1, "y")}, {"x": [1, "y"]}),
])
def test_numbers_arrays_and_tables_are_read_as_plain_data(value, expected):
    from carepool.exercises.kit import probe_json, read_probe

    assert read_probe(probe_json("value", {"value": value})) == {"value": expected}


class StrLike(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class ListLike(list):
    def __eq__(self, other):
        return True


class DictLike(dict):
    def __eq__(self, other):
        return True


class Anything:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("liar", [Anything(), FloatLike(1.0), StrLike("ACO"), ListLike([1]), DictLike(a=1),
                                  [Anything()], {"tariff": FloatLike(1590.0)}])
def test_objects_that_equal_anything_are_not_answers(liar):
    from carepool.exercises.kit import probe_json, read_probe

    got = read_probe(probe_json("value", {"value": liar}))
    assert "not_data" in got, got


@pytest.mark.parametrize("reply", ['{"value": 1, "extra": 2}', "[1]", "not json", '{"value": [' * 100_000, ""])
def test_a_reply_that_is_not_an_answer_is_read_as_none(reply):
    from carepool.exercises.kit import read_probe

    assert "not_data" in read_probe(reply)


def test_a_visible_check_in_the_kernel_says_what_is_wrong_without_printing_the_answer():
    from carepool.exercises.kit import Wrong
    from carepool.exercises import paying_providers

    figures = paying_providers.your_figures(course=SEED, student=STUDENTS[0])
    space = {"np": np, "tariff_income": lambda activity, price: np.asarray(activity, dtype=float) * price * 1.1}
    with pytest.raises(Wrong) as raised:
        exec('check("tariff_pays_every_unit_at_price")', {**space, "check": paying_providers.check})
    message = str(raised.value)
    assert "100 times PRICE" in message
    assert f"{100 * figures['price']:,}" not in message and str(100 * figures["price"]) not in message
    assert all(len(line) <= 80 for line in message.splitlines()), "Validate cuts lines longer than 87"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_released_notebook_holds_no_hidden_check_and_no_expected_value(released, assignment):
    checks = load_checks(COURSE, "checks", assignment)
    released_nb = read_nb(released.course / "release" / assignment / f"{assignment}.ipynb")
    code = "\n".join(text(c) for c in released_nb["cells"] if c["cell_type"] == "code")
    for check in checks.checks:
        if check.hidden:
            for expression in check.probes.values():
                # A probe that only names a variable asks for an answer the notebook itself names.
                assert expression.isidentifier() or expression not in code, (assignment, expression)
    # The figures are the student's own, shown by the figures cell: none is typed into the code students get.
    for name, value in checks.figures_for(SEED, None).items():
        literals = {str(value), f"{value:_}" if isinstance(value, int) else str(value)}
        assert not [literal for literal in literals if len(literal) >= 4 and literal in code], (assignment, name)


def test_the_grader_answers_wrong_where_no_checks_exist(tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(COURSE / "checks", course / "checks")
    (course / "checks" / "paying_providers.py").write_text(
        "from carepool.exercises.kit import Assignment\nassignment = Assignment('paying_providers', {})\n")
    with kernel() as km:
        nb = judged_notebook(source_path("paying_providers"), "paying_providers", "x", course, SEED, km=km)
    assert all(why and "No checks are defined" in why for why in verdicts(nb).values())
    assert {c.outputs[0].get("ename") for c in nb.cells if is_autograded_test(c)} == {WRONG}
