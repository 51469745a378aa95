"""Feedback that never shows hidden tests.

nbgrader's feedback is made from the autograded notebook, whose test cells are
the instructor's versions, hidden tests included; a failing hidden test's
traceback would also quote its code. `RedactHiddenTests` (set in
`exercises/nbgrader_config.py` for `nbgrader generate_feedback`) removes the
hidden lines from each test cell and replaces the error a hidden test raised
by a short note.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
NOTE = "A hidden test on an edge case failed. Check your answer against the question and the visible tests."


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


def _hidden_in_traceback(output: dict, hidden: list[str]) -> bool:
    text = ANSI.sub("", "\n".join(output.get("traceback", [])))
    return BEGIN in text or END in text or any(line in text for line in hidden)


def _message_is_hidden(output: dict, hidden: list[str]) -> bool:
    message = ANSI.sub("", str(output.get("evalue", ""))).strip()
    return bool(message) and any(message[:40] in line for line in hidden)


class RedactHiddenTests(Preprocessor):
    """Strip hidden tests, and errors that quote them, from the notebook feedback is made from."""

    # nbconvert runs only enabled preprocessors; this one must always run.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN not in cell.source:
            return cell, resources
        cell.source, hidden_lines = split_hidden(cell.source)
        hidden = [line.strip() for line in hidden_lines if line.strip()]
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if _message_is_hidden(output, hidden):
                output["ename"], output["evalue"] = "HiddenTestFailed", NOTE
            if output["ename"] == "HiddenTestFailed" or _hidden_in_traceback(output, hidden):
                # Keep what went wrong, drop the code it went wrong in.
                output["traceback"] = [f"{output['ename']}: {output['evalue']}"]
        return cell, resources
