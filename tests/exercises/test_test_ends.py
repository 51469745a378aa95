"""A test cell earns its points only if it ran to its last line (coursegrading.finished).

The whole defence against a notebook that hides its errors is checked end to end
in test_cheating.py; here, that the check fits nbgrader's own pipeline and leaves
no trace in what instructors and students see.
"""

from __future__ import annotations

import json

import nbformat
from nbgrader.converters import Autograde
from traitlets.config import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from coursegrading.finished import MARK_LINE, NOT_FINISHED, PREFIX, CheckTestEnds, MarkTestEnds
from tests.exercises.grading_support import source_nb
from tests.exercises.kit import ASSIGNMENTS, COURSE, cells_by_id, read_nb, text


def test_the_course_runs_nbgraders_own_autograde_steps_with_the_check_around_execute():
    configured = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    steps = list(configured.Autograde.autograde_preprocessors)
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    execute = steps.index("nbgrader.preprocessors.Execute")
    assert steps[execute - 1] == "coursegrading.finished.MarkTestEnds"
    assert steps[execute + 1] == "coursegrading.finished.CheckTestEnds"
    # Everything else is nbgrader's own list, in its order.
    assert [import_item(s) for s in steps if not s.startswith("coursegrading.")] == defaults


def _test_cell(source: str):
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade": True, "solution": False, "points": 2,
                                                                    "grade_id": "t"}})


def _run(step, *cells) -> None:
    """Runs a preprocessor as nbconvert's exporter does (by calling it), over a notebook of these cells."""
    nb = nbformat.v4.new_notebook(cells=list(cells))
    step()(nb, {})


def test_a_test_cell_that_printed_its_marker_comes_back_as_written():
    cell = _test_cell("assert answer == 3\nprint('checked')\n")
    _run(MarkTestEnds, cell)
    token = MARK_LINE.search(cell.source).group(1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"checked\n{PREFIX}{token}\n")]
    _run(CheckTestEnds, cell)
    assert cell.source == "assert answer == 3\nprint('checked')\n"
    assert [o.text for o in cell.outputs] == ["checked\n"]


def test_a_marker_sent_in_pieces_still_counts():
    # The kernel may send a print's text and its newline as two stream messages (seen in grading).
    cell = _test_cell("print('checked')\nassert answer == 3")
    _run(MarkTestEnds, cell)
    token = MARK_LINE.search(cell.source).group(1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)
                    for text in ("checked\n", f"{PREFIX}{token}", "\n")]
    _run(CheckTestEnds, cell)
    assert not any(o.output_type == "error" for o in cell.outputs)
    assert [o.text for o in cell.outputs] == ["checked\n"]


def test_a_test_cell_that_stopped_early_without_an_error_scores_nothing():
    cell = _test_cell("assert answer == 3")
    _run(MarkTestEnds, cell)
    cell.outputs = []  # what a notebook that hides its errors leaves behind
    _run(CheckTestEnds, cell)
    assert cell.source == "assert answer == 3"
    assert [o.ename for o in cell.outputs if o.output_type == "error"] == [NOT_FINISHED]


def test_an_old_marker_or_another_cells_marker_does_not_count():
    first, second = _test_cell("assert a"), _test_cell("assert b")
    for cell in (first, second):
        _run(MarkTestEnds, cell)
    tokens = [MARK_LINE.search(c.source).group(1) for c in (first, second)]
    assert tokens[0] != tokens[1]
    second.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{PREFIX}{tokens[0]}\n")]
    _run(CheckTestEnds, second)
    assert any(o.output_type == "error" for o in second.outputs)


def test_a_failed_test_keeps_its_own_error_and_gets_no_second_one():
    cell = _test_cell("assert answer == 3, 'expected 3'")
    _run(MarkTestEnds, cell)
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="expected 3", traceback=[])]
    _run(CheckTestEnds, cell)
    assert [o.ename for o in cell.outputs] == ["AssertionError"]


def test_autograded_notebooks_show_each_test_cell_as_the_instructor_wrote_it(graded):
    for assignment in ASSIGNMENTS:
        wrote = {gid: text(c) for gid, c in cells_by_id(source_nb(graded.course, assignment)).items()
                 if c["metadata"]["nbgrader"].get("grade") and not c["metadata"]["nbgrader"].get("solution")}
        for student in ("reference", "blank"):
            notebook = graded.course / "autograded" / student / assignment / f"{assignment}.ipynb"
            graded_cells = cells_by_id(read_nb(notebook))
            assert {gid: text(graded_cells[gid]) for gid in wrote} == wrote, (student, assignment)
            assert PREFIX not in json.dumps(read_nb(notebook)), (student, assignment)
