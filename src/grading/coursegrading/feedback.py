"""Feedback that never shows hidden tests: a second line of defence.

The course's hidden checks are not in its notebooks at all: they run in the
grader's process (`coursegrading.judge`), and a test cell's outputs are the
grader's verdict. But nbgrader lets an instructor write hidden tests inside a
test cell between its markers, and its feedback is made from the autograded
notebook, whose test cells are the instructor's versions. `RedactHiddenTests`
(set in `exercises/nbgrader_config.py` for `nbgrader generate_feedback`)
removes any such lines from each test cell and shows, in place of its
outputs, only whether it passed: a short note, or a visible test's own message.
"""

from __future__ import annotations

import re

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

# nbgrader (ClearHiddenTests) takes any line containing these for a marker, whatever surrounds them.
BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
NOTE = "A hidden test on an edge case failed. Check your answer against the question and the visible tests."
PASSED = "The tests in this cell passed (outputs of cells with hidden tests are not shown).\n"


def split_hidden(source: str) -> tuple[str, list[str]]:
    """The source without its hidden-test regions (markers included), and the hidden lines themselves."""
    kept, hidden, inside = [], [], False
    for line in source.splitlines():
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), hidden


def hidden_line_numbers(source: str) -> set[int]:
    """The numbers (from 1) of the source's lines in a hidden-test region, markers included."""
    numbers, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN in line:
            inside = True
        if inside:
            numbers.add(number)
        if END in line:
            inside = False
    return numbers


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# IPython names the cell a frame belongs to and the line: "Cell In[6], line 3".
CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")
# Errors nbgrader writes when a cell never finished: fixed text, nothing of the test's.
NEVER_FINISHED = {"CellTimeoutError", "DeadKernelError"}


def failing_line(output: dict, execution_count: int | None) -> int | None:
    """The line of the test cell the error came from (the cell's last frame in the traceback), if known."""
    if execution_count is None:
        return None
    found = [int(line) for count, line in CELL_FRAME.findall(ANSI.sub("", "\n".join(output.get("traceback", []))))
             if int(count) == execution_count]
    return found[-1] if found else None


def _text(value) -> str:
    """Every string in an output, as written (not JSON-escaped, so quoted code is found as it is)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_text(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(v) for v in value)
    return ""


def _quotes(output: dict, hidden: list[str]) -> bool:
    text = ANSI.sub("", _text(output))
    return BEGIN in text or END in text or any(line in text for line in hidden)


class RedactHiddenTests(Preprocessor):
    """Strip hidden tests, and any output that could quote them, from the notebook feedback is made from.

    A test cell with hidden tests keeps only its visible code, and its outputs
    are replaced by its outcome: passed; the error a visible test raised, with
    its own message (and no traceback, whose context lines could show hidden
    code); or, for a failure on a hidden line, a fixed note. Student code runs
    inside the tests and could print the hidden code or put it in an error, so
    nothing else from the cell is kept, and a message that quotes a hidden line
    is replaced by the note too. Any other output that quotes a hidden line is
    dropped.
    """

    # nbconvert runs only enabled preprocessors; this one must always run.
    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        self._hidden = sorted({line.strip() for cell in nb.cells if cell.cell_type == "code"
                               for line in split_hidden(cell.source)[1] if len(line.strip()) >= 8})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if BEGIN in cell.source:
            outcome = self._outcome(cell)
            cell.source, _ = split_hidden(cell.source)
            cell.outputs = [outcome]
        else:
            cell.outputs = [output for output in cell.get("outputs", []) if not _quotes(output, self._hidden)]
        return cell, resources

    def _outcome(self, cell) -> nbformat.NotebookNode:
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if error is None:
            return nbformat.v4.new_output("stream", name="stdout", text=PASSED)
        ename = ANSI.sub("", str(error.get("ename", "Error")))
        evalue = ANSI.sub("", str(error.get("evalue", ""))).strip()
        line = failing_line(error, cell.get("execution_count"))
        visible = ((line is not None and line not in hidden_line_numbers(cell.source))
                   or (line is None and ename in NEVER_FINISHED))
        if not visible or _quotes({"evalue": evalue}, self._hidden):
            ename, evalue = "HiddenTestFailed", NOTE
        text = f"{ename}: {evalue}" if evalue else ename
        return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[text])
