"""The kernel computes, the grader judges.

nbgrader's own way is to run the test cells in the student's kernel and
score a cell by whether it raised an error. But the student's code runs in
that kernel first, and can change what it reports (an input transformer that
cuts every test down to nothing, an object equal to anything): the kernel
would judge itself.

`JudgeAnswers` takes the place of nbgrader's `Execute` when autograding
(`Autograde.autograde_preprocessors` in the course's `nbgrader_config.py`):

1. it starts the student's kernel (in the sandbox) and tells it whose
   figures to show (the graded student's, from the course's seed);
2. it runs the student's notebook with every autograded test cell left
   empty: no check, visible or hidden, runs in the student's kernel;
3. after the last cell it reads each graded cell's *probes* out of the kernel
   as JSON (plain data: numbers, strings, booleans, lists and dicts of them),
   through the Jupyter protocol's ``user_expressions``, discarding anything
   the kernel prints meanwhile, so nothing of a probe reaches the notebook;
4. in this process, which no student code has touched, it computes the
   expected answers from the student's own figures and runs the visible and
   hidden checks; each test cell's outputs become the verdict (a pass, or an
   error saying what is wrong), which is what nbgrader's `SaveAutoGrades`
   records, and the cell's source is put back as the instructor wrote it.

A kernel that lies about its answers gains only what typing a guess gains.

The checks are the course's, not this module's: for an assignment `A` the
file ``<course>/<checks_dir>/A.py`` (never released) must define
``assignment``, an object with ``figures_for(course_seed, student)``,
``grade_ids()``, ``probes(grade_id, figures)`` (name -> expression),
``judge(grade_id, figures, read)`` (a list of what is wrong),
``kernel_setup(course_seed, student)`` and ``probe_expression(expression)``
(code to send to the kernel) and ``read_probe(text)``; the course's are
built with `carepool.exercises.kit`.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from queue import Empty
from time import monotonic

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async, run_sync
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_solution
from traitlets import Float, Unicode

WRONG = "WrongAnswer"
PASSED = "Correct: every check of this cell passed (judged by the grader from your answers).\n"
KERNEL_STOPPED = "the kernel stopped before this answer could be read"
MAX_ANSWER = 1_000_000  # characters of JSON one answer may take: more is not an answer


class ChecksMissing(RuntimeError):
    """An assignment has no checks file: it cannot be graded."""


def is_autograded_test(cell) -> bool:
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


_LOADED: dict[tuple[Path, float], object] = {}


def load_checks(course_root: Path | str, checks_dir: str, assignment: str):
    """The `assignment` object of the course's checks file for `assignment` (loaded once per process)."""
    path = (Path(course_root) / checks_dir / f"{assignment}.py").resolve()
    if not path.is_file():
        raise ChecksMissing(f"no checks for {assignment}: {path} is missing (see coursegrading.judge)")
    key = (path, path.stat().st_mtime)
    if key not in _LOADED:
        spec = importlib.util.spec_from_file_location(f"coursechecks_{assignment}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _LOADED[key] = module.assignment
    return _LOADED[key]


def verdict(wrong: list[str]) -> nbformat.NotebookNode:
    """A test cell's output: a pass, or an error that nbgrader scores 0, saying what is wrong."""
    if not wrong:
        return nbformat.v4.new_output("stream", name="stdout", text=PASSED)
    message = "\n".join(wrong)
    return nbformat.v4.new_output("error", ename=WRONG, evalue=message, traceback=[f"{WRONG}: {message}"])


def stopped_answer_cell(cells: list, test_index: int) -> str | None:
    """The nearest answer cell above a test cell that stopped with an error: its id and the error."""
    for cell in reversed(cells[:test_index]):
        if cell.cell_type == "code" and is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    error = ": ".join(part for part in (output.get("ename"), output.get("evalue")) if part)
                    return f"The answer cell above ({cell.metadata.nbgrader.get('grade_id')}) stopped with {error}"
            return None
    return None


class JudgeAnswers(Execute):
    """Run the student's notebook without its tests, read the answers out as data, judge them here."""

    course_seed = Unicode("", help="The course's seed: every student's figures are drawn from it, the "
                                   "assignment and the student's id.").tag(config=True)
    checks_dir = Unicode("checks", help="The folder of the course (relative to its root) holding each "
                                        "assignment's checks, <assignment>.py; never released.").tag(config=True)
    probe_timeout = Float(15.0, help="Seconds one answer may take to read before the kernel is "
                                     "interrupted.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        about = (resources or {}).get("nbgrader", {})
        student, assignment = about.get("student"), about.get("assignment")
        root = self.config.get("CourseDirectory", {}).get("root") or "."
        checks = load_checks(root, self.checks_dir, assignment)
        figures = checks.figures_for(self.course_seed, student)
        tests = {index: cell for index, cell in enumerate(nb.cells) if is_autograded_test(cell)}
        sources = {index: cell.source for index, cell in tests.items()}
        for cell in tests.values():
            cell.source = ""  # nbclient runs no empty cell: no test enters the student's kernel
        read: dict[str, dict] = {}
        try:
            NotebookClient.__init__(self, nb, km)
            self.reset_execution_trackers()
            self._check_assign_resources(resources)
            with self.setup_kernel():
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                self._setup(checks.kernel_setup(self.course_seed, student))
                for index, cell in enumerate(self.nb.cells):
                    self.preprocess_cell(cell, resources, index)
                for index, cell in tests.items():
                    grade_id = cell.metadata.nbgrader["grade_id"]
                    read[grade_id] = {name: self._probe(checks, expression)
                                      for name, expression in checks.probes(grade_id, figures).items()}
            self.set_widgets_metadata()
        finally:
            for index, cell in tests.items():
                cell.source = sources[index]
        for index, cell in tests.items():
            grade_id = cell.metadata.nbgrader["grade_id"]
            if grade_id not in checks.grade_ids():  # a test cell with no checks earns nothing, saying why
                cell.outputs = [verdict([f"No checks are defined for {grade_id} in {self.checks_dir}/"
                                         f"{assignment}.py: the instructor must add them."])]
                continue
            wrong = checks.judge(grade_id, figures, read.get(grade_id, {}))
            if wrong and any("error" in got for got in read.get(grade_id, {}).values()):
                stopped = stopped_answer_cell(nb.cells, index)
                if stopped:  # the cause first: what this cell could not read, that cell did not set
                    wrong.insert(0, f"{stopped}: fix that cell first.")
            cell.outputs = [verdict(wrong)]
            cell.execution_count = None
        # For the instructor's tools and the tests: what was read, and for whose figures.
        self.resources["judged"] = {"figures": dict(figures), "answers": read}
        return nb, self.resources

    def _setup(self, code: str) -> None:
        """Run the grader's own line in the kernel before any of the student's code."""
        reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
        if reply is None or reply["content"].get("status") != "ok":
            raise RuntimeError(f"the kernel could not be set up for grading: {reply and reply['content']}")

    def _probe(self, checks, expression: str) -> dict:
        text = run_sync(self._async_probe)(checks.probe_expression(expression))
        if len(text) > MAX_ANSWER:
            return {"not_data": f"more than {MAX_ANSWER:,} characters of JSON"}
        return checks.read_probe(text)

    async def _async_probe(self, code: str) -> str:
        """The JSON text the kernel gives for `code`, or an error of ours as JSON if it gives none in time."""
        import json

        if not await ensure_async(self.km.is_alive()):
            return json.dumps({"error": KERNEL_STOPPED})
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"answer": code},
                                 allow_stdin=False)
        deadline = monotonic() + self.probe_timeout
        while True:
            left = deadline - monotonic()
            if left <= 0:
                await ensure_async(self.km.interrupt_kernel())
                return json.dumps({"error": f"it ran past the time limit ({self.probe_timeout:g} s)"})
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=min(left, 1.0)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    return json.dumps({"error": KERNEL_STOPPED})
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue  # a late reply to an interrupted probe
            got = msg["content"].get("user_expressions", {}).get("answer", {})
            if got.get("status") != "ok":
                return json.dumps({"error": f"{got.get('ename', 'Error')}: {got.get('evalue', '')}"})
            try:
                text = ast.literal_eval(got.get("data", {}).get("text/plain", ""))
            except (ValueError, SyntaxError):
                return "not JSON"
            return text if type(text) is str else "not JSON"


def judged_notebook(notebook: Path | str, assignment: str, student: str, course_root: Path | str,
                    course_seed: str, timeout: int = 60, km=None) -> nbformat.NotebookNode:
    """Run a notebook as the grader would for `student` (without nbgrader or the sandbox); return it judged.

    For the instructor (`python -m coursegrading.variant`) and tests: run on the
    source notebook, it shows a student's figures and the model answer. Given
    `km`, a kernel manager whose kernel is running, the notebook runs in that
    kernel (every cell again, the grader's set-up first) instead of a new one.
    """
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(Path(course_root).resolve())
    config.JudgeAnswers.course_seed = course_seed
    nb = nbformat.read(str(notebook), as_version=4)
    judge = JudgeAnswers(config=config, timeout=timeout)
    resources = {"nbgrader": {"student": student, "assignment": assignment},
                 "metadata": {"path": str(Path(notebook).parent)}}
    nb, resources = judge.preprocess(nb, resources, km=km)
    nb.metadata["judged"] = resources["judged"]
    return nb
