"""Feedback's redaction on notebooks built here: visible failures keep their message, hidden ones show nothing of the test.

The cells are written as an instructor would, the errors as IPython records
them (the cell's execution count and the failing line in the traceback).
"""

from __future__ import annotations

import nbformat
import pytest

from coursegrading.feedback import NOTE, RedactHiddenTests, hidden_line_numbers, split_hidden

VISIBLE = 'assert total(2) == 4, f"total(2) should be 4; got {total(2)!r}"'
HIDDEN = 'assert total(-1) == 0, "negative edge case of the secret kind"'


def cell_with_tests(marker_begin: str, marker_end: str) -> str:
    return "\n".join([VISIBLE, marker_begin, HIDDEN, marker_end])


def error(execution_count: int, line: int, message: str) -> dict:
    """An AssertionError output as IPython writes it (with its ANSI colours) for a cell's line."""
    frame = (f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[{execution_count}]\x1b[39m\x1b[32m, line {line}\x1b[39m"
             f"\n\x1b[32m----> \x1b[39m\x1b[32m{line}\x1b[39m ...")
    return nbformat.v4.new_output("error", ename="AssertionError", evalue=message,
                                  traceback=["---", frame, f"\x1b[31mAssertionError\x1b[39m: {message}"])


def feedback_for(source: str, output: dict | None, execution_count: int = 7) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, execution_count=execution_count, outputs=[output] if output else [])
    nb = nbformat.v4.new_notebook(cells=[cell])
    redacted, _ = RedactHiddenTests().preprocess(nb, {})
    return redacted.cells[0]


@pytest.mark.parametrize("begin, end", [("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
                                        ("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS"),
                                        ("    #BEGIN HIDDEN TESTS here", "  ## END HIDDEN TESTS")])
def test_any_line_containing_the_marker_hides_the_tests_as_nbgrader_does(begin, end):
    cell = feedback_for(cell_with_tests(begin, end), None)
    assert HIDDEN not in cell.source and "HIDDEN TESTS" not in cell.source
    assert VISIBLE in cell.source
    assert split_hidden(cell_with_tests(begin, end))[1] == [HIDDEN]


def test_a_failed_visible_test_shows_its_own_evaluated_message():
    message = "total(2) should be 4; got 5"  # as the f-string evaluated: not in the cell's code
    cell = feedback_for(cell_with_tests("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS"), error(7, 1, message))
    [output] = cell.outputs
    assert (output.ename, output.evalue) == ("AssertionError", message)
    assert NOTE not in str(output)


def test_a_failed_hidden_test_is_summarised_without_its_code_or_message():
    cell = feedback_for(cell_with_tests("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS"),
                        error(7, 3, "negative edge case of the secret kind"))
    [output] = cell.outputs
    assert (output.ename, output.evalue) == ("HiddenTestFailed", NOTE)
    assert "secret" not in str(cell)


def test_an_error_from_another_cells_run_is_not_taken_for_this_cells_line():
    # Line 1 of In[3] (an earlier run) says nothing of where this cell (In[7]) failed: treated as hidden.
    cell = feedback_for(cell_with_tests("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS"), error(3, 1, "something"))
    assert cell.outputs[0].ename == "HiddenTestFailed"


def test_a_visible_failure_whose_message_quotes_a_hidden_line_is_summarised():
    spied = f"spied: {HIDDEN}"  # student code can read the cell's source and put it in an error
    cell = feedback_for(cell_with_tests("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS"), error(7, 1, spied))
    assert cell.outputs[0].ename == "HiddenTestFailed" and "secret" not in str(cell)


def test_hidden_line_numbers_cover_the_markers_and_what_is_between():
    assert hidden_line_numbers(cell_with_tests("# BEGIN HIDDEN TESTS", "# END HIDDEN TESTS")) == {2, 3, 4}
