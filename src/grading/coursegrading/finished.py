"""A test cell earns its points only if it ran to its last line.

nbgrader scores a test cell by what the kernel reports: no error output, full
points. A student's notebook can change what the kernel reports (replace
IPython's `showtraceback` and `run_cell` so a failed assertion leaves no error
and an "ok" reply), and then every test passes. No check inside the kernel can
stop that, since the student's code runs there first.

So the grading step asks for proof from outside the student's reach: before
running the notebook, `MarkTestEnds` appends to each autograded test cell a
line that prints a marker made of a random token, new for every cell of every
run; after running it, `CheckTestEnds` looks for that marker in the cell's
output. A failed assertion stops the cell before its last line, so no marker
is printed, whatever the kernel says about errors: the cell is given an error
output (TestDidNotFinish) and scores nothing. The marker and its line
are then removed, so the autograded notebook, formgrader and feedback show the
cell as the instructor wrote it.

Limits, said plainly: a student who read this module could write code that
finds the marker line in the cell's source and prints it without running the
tests. That needs code aimed at this course's grader, which the instructor
guide tells graders to look for (any use of `get_ipython`, `run_cell` or
`showtraceback` in a submission). A test cell that ends with an expression no
longer shows its value (nbgrader's partial credit by a number); this course's
tests give all or nothing.

Both preprocessors run in `Autograde.autograde_preprocessors`, set in the
course's `nbgrader_config.py`, around nbgrader's `Execute`.
"""

from __future__ import annotations

import re
import secrets

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Bool

PREFIX = "coursegrading: test cell finished "
# Appended as a line of its own and removed exactly, so the cell's source comes back unchanged.
MARK_LINE = re.compile(r'\n__import__\("builtins"\)\.print\("' + re.escape(PREFIX) + r'([0-9a-f]{32})"\)\Z')
NOT_FINISHED = "TestDidNotFinish"
NOT_FINISHED_MESSAGE = ("this test cell stopped before its last line but reported no error, so its result cannot be "
                        "trusted: scored 0 (did the notebook change how errors are reported?)")


def is_autograded_test(cell) -> bool:
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


class MarkTestEnds(Preprocessor):
    """Appends to each autograded test cell a line printing a fresh random marker."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only if it is enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if is_autograded_test(cell):
            token = secrets.token_hex(16)
            # `builtins.print`, not `print`: a student's variable named print must not break honest tests.
            cell.source = f'{cell.source}\n__import__("builtins").print("{PREFIX}{token}")'
        return cell, resources


def _joined_stdout(outputs: list) -> list:
    """The outputs with each run of consecutive stdout streams joined into one: the kernel may send
    one print's text and its newline as two messages, and the marker must be found whole."""
    joined = []
    for output in outputs:
        if (output.output_type == "stream" and output.name == "stdout" and joined
                and joined[-1].output_type == "stream" and joined[-1].name == "stdout"):
            joined[-1].text += output.text
        else:
            joined.append(output)
    return joined


class CheckTestEnds(Preprocessor):
    """Scores 0 a test cell whose marker was not printed; removes the marker line and its output."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only if it is enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if not is_autograded_test(cell):
            return cell, resources
        found = MARK_LINE.search(cell.source)
        if found is None:  # not marked (a cell made after MarkTestEnds ran): nothing to check
            return cell, resources
        cell.source = cell.source[:found.start()]
        marker = f"{PREFIX}{found.group(1)}"
        finished, outputs = False, []
        for output in _joined_stdout(cell.outputs):
            if output.output_type == "stream" and output.name == "stdout" and marker in output.text:
                finished = True
                output.text = output.text.replace(marker + "\n", "", 1).replace(marker, "", 1)
                if not output.text:
                    continue
            outputs.append(output)
        reported = any(output.output_type == "error" for output in outputs)
        if not finished and not reported:
            outputs.append(nbformat.v4.new_output("error", ename=NOT_FINISHED, evalue=NOT_FINISHED_MESSAGE,
                                                  traceback=[f"{NOT_FINISHED}: {NOT_FINISHED_MESSAGE}"]))
        cell.outputs = outputs
        return cell, resources
