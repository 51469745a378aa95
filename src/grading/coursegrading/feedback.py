"""Feedback that never shows hidden tests.

nbgrader's feedback is made from the autograded notebook, whose test cells are
the instructor's versions, hidden tests included; a failing hidden test's
traceback would also quote its code. `RedactHiddenTests` (set in
`exercises/nbgrader_config.py` for `nbgrader generate_feedback`) removes the
hidden lines from each test cell and shows, in place of its outputs, only
whether it passed: a short note, or a visible test's own message.
"""

from __future__ import annotations

import json
import re

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
NOTE = "A hidden test on an edge case failed. Check your answer against the question and the visible tests."
PASSED = "The tests in this cell passed (outputs of cells with hidden tests are not shown).\n"


def split_hidden(source: str) -> tuple[str, list[str]]:
    """The source without its hidden-test regions, and the hidden lines themselves."""
    kept, hidden, inside = [], [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), hidden


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _visible_message(output: dict, visible_source: str) -> str | None:
    """The error's message if it is one the visible tests give (quoted in the cell's visible code), else None."""
    message = ANSI.sub("", str(output.get("evalue", ""))).strip()
    if output.get("ename") == "AssertionError" and message and message in visible_source:
        return message
    return None


def _quotes(output: dict, hidden: list[str]) -> bool:
    text = ANSI.sub("", json.dumps(output, ensure_ascii=False))
    return BEGIN in text or END in text or any(line in text for line in hidden)


class RedactHiddenTests(Preprocessor):
    """Strip hidden tests, and any output that could quote them, from the notebook feedback is made from.

    A test cell with hidden tests keeps only its visible code, and its outputs
    are replaced by a fixed note and the outcome: student code runs inside the
    test and could print the hidden code (from the calling frame, say) or put
    it in an error. A visible test's own assertion message is kept. Any other
    output that quotes a hidden line is dropped too.
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
            cell.source, _ = split_hidden(cell.source)
            cell.outputs = [self._outcome(cell)]
        else:
            cell.outputs = [output for output in cell.get("outputs", []) if not _quotes(output, self._hidden)]
        return cell, resources

    def _outcome(self, cell) -> nbformat.NotebookNode:
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if error is None:
            return nbformat.v4.new_output("stream", name="stdout", text=PASSED)
        message = _visible_message(error, cell.source)
        ename, evalue = ("AssertionError", message) if message else ("HiddenTestFailed", NOTE)
        return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
