"""Each student's own figures, and checks that judge answers as plain data.

An assignment (one module of `carepool.exercises`) names its *figures*: the
place's budgets, prices, plans and amounts a question uses, each with a range
in which the question still teaches the same idea. A student's figures are
drawn from a seed made of the course's seed, the assignment and the student's
id, so every student has their own and anyone with the course's seed can
reproduce them; with no student (a notebook downloaded from the book) they are
the *practice* figures, the course's published ones.

Its *checks* judge answers. A check names its *probes*, expressions read in
the student's namespace (``"tariff_income(100, {price})"``, the student's
own figures written in as numbers), and a test of their values. A value is
first turned into plain data (numbers, strings, booleans, None, and lists and
dicts of them) and sent through JSON, so an object that pretends to be equal
to anything never reaches the test: it arrives as "not an answer".

The same checks run in two places:

- in the student's kernel, where a test cell's ``check("...")`` runs the
  visible checks so that Validate gives feedback at once (the student can
  read and change everything there, so this earns no marks);
- in the grader's own process (`coursegrading.judge`), which reads every
  probe's value out of the kernel as JSON after the notebook has run, computes
  the expected answers itself from the student's figures, and runs the
  visible and the hidden checks (the hidden ones live with the instructor,
  never in the notebook). Its verdicts are the grade.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import random
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

# nbgrader's Validate cuts each line of a message at 87 characters: messages are wrapped below that.
WIDTH = 78
NOT_ANSWERED = "not answered"
HIDDEN_FAILED = ("A check run only when your work is graded failed: an edge case of this answer is wrong. "
                 "Check your answer against the question and the checks you can run.")


class Wrong(AssertionError):
    """An answer that is wrong, with what is wrong in the course's terms."""

    def __init__(self, message: str):
        super().__init__("\n".join(textwrap.fill(part, WIDTH) for part in message.split("\n")))

    def _render_traceback_(self) -> list[str]:
        # IPython shows what this returns in place of a traceback: the student sees what is wrong,
        # whole, and no line of this module (IPython never hides the frame an error is raised in).
        return f"{type(self).__name__}: {self}".split("\n")


@dataclass(frozen=True)
class Figure:
    """One figure of a question: its practice value and the range each student's is drawn from."""

    practice: float
    low: float
    high: float
    step: float
    about: str
    unit: str = ""

    def draw(self, rng: random.Random) -> float:
        steps = round((self.high - self.low) / self.step)
        value = self.low + self.step * rng.randint(0, steps)
        whole = all(float(x).is_integer() for x in (self.low, self.step, self.practice))
        return int(round(value)) if whole else round(value, 10)


class Figures(dict):
    """A student's figures: a dict from name to value that shows itself as a small table."""

    def __init__(self, values: dict, about: dict[str, Figure], student: str | None):
        super().__init__(values)
        self._about, self.student = about, student

    def _caption(self) -> str:
        if self.student is None:
            return "Practice figures (the course's own). Your instructor's release gives you your own."
        return f"Your own figures ({self.student}): every student's differ."

    def _show(self, name: str) -> str:
        value, unit = self[name], self._about[name].unit
        number = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return f"£{number}" if unit == "£" else f"{number} {unit}".strip()

    def __repr__(self) -> str:
        rows = [f"  {name} = {self[name]!r}: {self._about[name].about}" for name in self]
        return "\n".join([self._caption(), *rows])

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(self._show(name))}</td>"
                       f"<td>{html.escape(self._about[name].about)}</td></tr>" for name in self)
        return (f"<table><caption>{html.escape(self._caption())}</caption>"
                f"<thead><tr><th>name</th><th>value</th><th>what it is</th></tr></thead><tbody>{rows}</tbody></table>")


def variant_seed(course: str, assignment: str, student: str) -> int:
    """The seed of one student's figures for one assignment of one course."""
    digest = hashlib.sha256(f"{course}\n{assignment}\n{student}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


# --- plain data -------------------------------------------------------------------------------------

class NotData(Exception):
    """A value that is not plain data: not an answer."""


def as_data(value: Any, depth: int = 0) -> Any:
    """`value` as plain data (None, bool, int, float, str, and lists and string-keyed dicts of them).

    NumPy numbers and arrays and pandas Series and DataFrames are converted
    (a Series to a dict from label to value, a DataFrame to a dict from column
    to such a dict); anything else raises `NotData`. Types are compared
    exactly, so a subclass of float or dict is not taken for one.
    """
    if depth > 20:
        raise NotData("nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind in (int, float):
        return value
    module = getattr(kind, "__module__", "") or ""
    if module == "numpy":
        if hasattr(value, "tolist") and kind.__name__ in {"ndarray"}:
            return as_data(value.tolist(), depth + 1)
        if kind.__name__ == "bool_" or kind.__name__ == "bool":
            return bool(value)
        if kind.__name__.startswith(("int", "uint")):
            return int(value)
        if kind.__name__.startswith("float"):
            return float(value)
    if module.startswith("pandas") and kind.__name__ in {"Series", "DataFrame"}:
        return as_data(value.to_dict(), depth + 1)
    if kind in (list, tuple):
        return [as_data(v, depth + 1) for v in value]
    if kind is dict:
        plain = {}
        for key, v in value.items():
            key = as_data(key, depth + 1)
            if type(key) is not str:
                key = json.dumps(key)  # numbers as keys (a Series indexed by year) become their text
            plain[key] = as_data(v, depth + 1)
        return plain
    raise NotData(f"a {kind.__name__}")


def probe_json(expression: str, namespace: dict) -> str:
    """Evaluate `expression` in `namespace` and give its value as JSON: {"value": ...}, or {"error": ...}."""
    try:
        value = eval(expression, namespace)  # noqa: S307 (the student's own namespace, in their own kernel)
    except BaseException as err:  # noqa: BLE001 (any failure of the student's code is an answer's failure)
        return json.dumps({"error": f"{type(err).__name__}: {err}"[:500]})
    try:
        return json.dumps({"value": as_data(value)})
    except (NotData, ValueError, TypeError, RecursionError) as err:
        return json.dumps({"not_data": str(err)[:200]})


def read_probe(text: str) -> dict:
    """A probe's JSON read back as plain data; anything malformed is "not an answer"."""
    try:
        got = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return {"not_data": "the kernel's reply was not JSON"}
    if type(got) is not dict or len(got) != 1 or next(iter(got)) not in {"value", "error", "not_data"}:
        return {"not_data": "the kernel's reply was not an answer"}
    return got


# --- checks -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    grade_id: str
    probes: dict[str, str]
    test: Callable[[dict, dict], None]
    hidden: bool


class Answers(dict):
    """The probes' values, by name; reading one that failed raises `Wrong` saying why."""

    def __init__(self, read: dict[str, dict], expressions: dict[str, str]):
        super().__init__(read)
        self.expressions = expressions

    def __getitem__(self, name: str) -> Any:
        got = super().__getitem__(name)
        shown = self.expressions[name]
        if "error" in got:
            raise Wrong(f"`{shown}` stopped with {got['error']}")
        if "not_data" in got:
            raise Wrong(f"`{shown}` is {got['not_data']}, not an answer: give numbers, strings, True or False, "
                        "or lists and dicts of them")
        return got["value"]


@dataclass
class Assignment:
    """An assignment's figures and checks."""

    name: str
    figures: dict[str, Figure]
    checks: list[Check] = field(default_factory=list)

    # --- figures
    def figures_for(self, course: str | None, student: str | None) -> Figures:
        """A student's figures (the practice figures when there is no student)."""
        if student is None or course is None:
            values = {name: f.practice for name, f in self.figures.items()}
            return Figures(values, self.figures, None)
        rng = random.Random(variant_seed(course, self.name, student))
        return Figures({name: f.draw(rng) for name, f in self.figures.items()}, self.figures, student)

    def extended(self) -> "Assignment":
        """A copy with the same figures and checks, for the instructor's hidden checks to be added to."""
        return Assignment(self.name, self.figures, list(self.checks))

    # --- registering checks
    def visible(self, grade_id: str, **probes: str):
        return self._register(grade_id, probes, hidden=False)

    def hidden(self, grade_id: str, **probes: str):
        return self._register(grade_id, probes, hidden=True)

    def _register(self, grade_id, probes, hidden):
        def register(test):
            self.checks.append(Check(grade_id, probes, test, hidden))
            return test
        return register

    def checks_of(self, grade_id: str, hidden: bool = True) -> list[Check]:
        return [c for c in self.checks if c.grade_id == grade_id and (hidden or not c.hidden)]

    def grade_ids(self) -> list[str]:
        return list(dict.fromkeys(c.grade_id for c in self.checks))

    # --- in the grader
    def probes(self, grade_id: str, figures: Figures) -> dict[str, str]:
        """Every probe of a graded cell (visible and hidden), its figures written in, by a unique name."""
        return {f"{n}.{name}": expression.format(**figures)
                for n, check in enumerate(self.checks_of(grade_id)) for name, expression in check.probes.items()}

    def judge(self, grade_id: str, figures: Figures, read: dict[str, dict], hidden: bool = True) -> list[str]:
        """What is wrong with a graded cell's answers (an empty list if nothing is), from the probes' JSON.

        With `hidden` False only the visible checks run (in the student's kernel, for Validate)."""
        wrong = []
        for n, check in enumerate(self.checks_of(grade_id, hidden)):
            names = {name: f"{n}.{name}" for name in check.probes}
            answers = Answers({name: read.get(key, {"error": NOT_ANSWERED}) for name, key in names.items()},
                              {name: check.probes[name].format(**figures) for name in names})
            try:
                check.test(answers, figures)
            except Exception as err:  # noqa: BLE001 (a test that breaks on odd data is a wrong answer)
                message = str(err) if isinstance(err, Wrong) else (
                    f"an answer was not of the kind asked for ({type(err).__name__}: {err})")
                # A hidden check says only that it failed: its inputs and message stay with the instructor.
                message = HIDDEN_FAILED if check.hidden else message
                if message not in wrong:
                    wrong.append(message)
        return wrong

    # --- what the grader sends to the kernel (see coursegrading.judge)
    @staticmethod
    def kernel_setup(course: str, student: str) -> str:
        return f"__import__('carepool.exercises.kit', fromlist=['kit']).grading_setup({course!r}, {student!r})"

    @staticmethod
    def probe_expression(expression: str) -> str:
        return f"__import__('carepool.exercises.kit', fromlist=['kit']).probe_json({expression!r}, globals())"

    read_probe = staticmethod(read_probe)

    # --- in the student's kernel
    def your_figures(self, course: str | None = None, student: str | None = None) -> Figures:
        """This student's figures: on the course's JupyterHub the logged-in student's, else the practice ones."""
        graded = _GRADING.get("identity")
        if graded is not None:
            course, student = graded
        elif student is None:
            student = os.environ.get("JUPYTERHUB_USER")
        figures = self.figures_for(course, student)
        _CURRENT[self.name] = figures
        return figures

    def check(self, grade_id: str) -> None:
        """Run a graded cell's visible checks on the caller's answers; raise `Wrong` saying what is wrong."""
        __tracebackhide__ = True  # IPython shows the student the message, not this module's lines
        namespace = sys._getframe(1).f_globals
        figures = _CURRENT.get(self.name) or self.your_figures()
        read = {}
        for n, check in enumerate(self.checks_of(grade_id, hidden=False)):
            for name, expression in check.probes.items():
                read[f"{n}.{name}"] = read_probe(probe_json(expression.format(**figures), namespace))
        wrong = self.judge(grade_id, figures, read, hidden=False)
        if wrong:
            failed = _last_failure()
            if failed and any("error" in got for got in read.values()):
                # The cause first: the names this cell could not read are what the failed cell did not set.
                wrong.insert(0, failed)
            raise Wrong("\n".join(wrong))
        print("The checks in this cell passed. More are run when your work is graded.")


# Set in a kernel by the grader before a student's code runs (`grading_setup`); the figures shown while
# grading are the graded student's whatever the notebook asks for. Student code can change this, and
# then only its own figures are wrong: the grader computes the expected answers itself.
_GRADING: dict = {}
_CURRENT: dict[str, Figures] = {}


def grading_setup(course: str, student: str) -> None:
    _GRADING["identity"] = (course, student)


def _last_failure() -> str | None:
    """The last error a cell stopped with in this kernel (IPython keeps it), unless it was a check's."""
    error = getattr(sys, "last_value", None)
    if error is None or isinstance(error, Wrong):
        return None
    if type(error) is NotImplementedError and not str(error):
        return ("The answer cell above has not been answered yet: it still raises NotImplementedError. "
                "Replace that line with your answer and run the cell.")
    stopped = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"The answer cell above stopped with {stopped}: fix that cell first."


# --- helpers for writing checks -----------------------------------------------------------------------

def need(condition: bool, message: str) -> None:
    """Raise `Wrong(message)` unless `condition` holds."""
    if not condition:
        raise Wrong(message)


def number(value: Any, what: str) -> float:
    """`value` as a float if it is a number (not a boolean), else `Wrong` naming `what`."""
    need(type(value) in (int, float), f"{what} should be a number; it is {value!r}")
    need(not math.isnan(value), f"{what} should be a number; it is NaN")
    return float(value)


def close(value: Any, expected: float, what: str, why: str, within: float = 0.01) -> None:
    """`value` is a number within `within` of `expected` (relative for large numbers), else `Wrong`."""
    got = number(value, what)
    need(abs(got - expected) <= max(within, abs(expected) * 1e-9), f"{why}; {what} is {value!r}")


def names(value: Any, what: str) -> list[str]:
    """`value` as a sorted list of strings, else `Wrong` naming `what`."""
    need(type(value) is list and all(type(v) is str for v in value),
         f"{what} should be a list of names (strings); it is {value!r}")
    return sorted(value)


def mapping(value: Any, what: str) -> dict:
    need(type(value) is dict, f"{what} should be a dict; it is {value!r}")
    return value
