"""Autograding a whole class, several students at once, with progress and a summary.

Each submission is checked first (`submissions.problem_with`), then graded by
nbgrader's own `Autograde` converter (`inprocess`), in its own process forked
from one that imported nbgrader once (`pool`), so nbgrader's start is paid once
per run, not per student, and one broken or never-ending submission cannot
stop the rest of the class being graded: a submission that outlasts its limit
is stopped with its kernel. By default one submission per core is graded at a
time; `--workers 1` grades one at a time, with the same scores. Given a Dask
scheduler's address (``--scheduler``) the submissions are graded by that
cluster's workers instead (`distributed`). A broken submission is reported,
never scored as empty. The summary tells apart the submissions that were
graded, those that failed to run (and why), and the students with no
submission; what happened to each student is also kept for the export
(`status`).

Students' code runs in a sandbox (`coursegrading.sandbox`) unless
`sandbox=False` (``--no-sandbox``) is asked for; if the sandbox cannot start,
grading refuses rather than running the code unsandboxed.

Command line (from the repository root)::

    .venv/bin/python -m coursegrading.autograde ASSIGNMENT [--workers N] [--scheduler ADDRESS]
        [--cell-timeout S] [--no-sandbox] [--cold-kernels]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from jupyter_client.manager import AsyncKernelManager

from coursegrading import inprocess, pool, status, warm_kernels
from coursegrading import limits as limiting
from coursegrading import sandbox as sandboxing
from coursegrading.course import run_nbgrader
from coursegrading.inprocess import default_db_url, with_busy_timeout
from coursegrading.submissions import folder_problem, problem_with

GRADED, FAILED, MISSING = "graded", "failed to run", "missing"
# Errors that mean the code never finished, not that an answer was wrong.
NEVER_FINISHED = {"CellTimeoutError", "DeadKernelError"}
DEFAULT_COURSE = Path("exercises")


@dataclass(frozen=True)
class Outcome:
    """What happened to one student's submission of one assignment."""

    student: str
    status: str  # GRADED, FAILED or MISSING
    reason: str = ""
    score: float | None = None  # the gradebook's score after autograding, if any
    max_score: float | None = None


def kernel_manager(sandbox: bool) -> str:
    """The kernel manager nbgrader runs students' notebooks with: the sandbox's, or nbgrader's own."""
    if sandbox:
        sandboxing.check_available()
        manager = sandboxing.SandboxedKernelManager
    else:
        manager = AsyncKernelManager  # nbgrader's own choice, overriding the course's sandbox
    return f"{manager.__module__}.{manager.__name__}"


def check_cell_timeout(cell_timeout: int | None) -> None:
    if cell_timeout is not None and int(cell_timeout) < 1:
        raise ValueError(f"cell_timeout: must be a whole number of seconds, 1 or more; got {cell_timeout!r}")


def autograde_submission(course_dir: Path | str, assignment: str, student: str,
                         cell_timeout: int | None = None,
                         timeout: float | None = None, sandbox: bool = True) -> subprocess.CompletedProcess:
    """Autograde one student's submission with the `nbgrader autograde` program, as an instructor would by hand.

    `cell_timeout` (seconds) overrides the course's per-cell limit;
    `timeout` bounds the whole run. With `sandbox` (the default) the kernel
    runs in the sandbox; `SandboxUnavailable` is raised if it cannot start.
    """
    check_cell_timeout(cell_timeout)
    # Given on the command line, so a course whose config does not name the sandbox is sandboxed too.
    args = ["autograde", assignment, "--student", student, "--force",
            f"--Execute.kernel_manager_class={kernel_manager(sandbox)}"]
    if cell_timeout is not None:
        args.append(f"--Execute.timeout={int(cell_timeout)}")
    return run_nbgrader(course_dir, *args, timeout=timeout)


def _gradebook(course_dir: Path, db_url: str | None):
    from nbgrader.api import Gradebook  # imported late: nbgrader is the `grading` extra

    return Gradebook(with_busy_timeout(db_url or default_db_url(course_dir)))


def _scores(course_dir: Path, assignment: str, student: str, db_url: str | None) -> tuple[float | None, float | None]:
    from nbgrader.api import MissingEntry

    with _gradebook(course_dir, db_url) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None, None
        return float(submission.score), float(submission.max_score)


def roster(course_dir: Path, db_url: str | None) -> set[str]:
    """Every student in the gradebook."""
    if not (course_dir / "gradebook.db").exists() and db_url is None:
        return set()
    with _gradebook(course_dir, db_url) as gb:
        return {student.id for student in gb.students}


def _never_finished(autograded: Path) -> str | None:
    """Why the autograded notebooks' code never finished (a cell timed out, the kernel died), if so."""
    for notebook in sorted(autograded.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, start=1):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") in NEVER_FINISHED:
                    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", f"cell {number}")
                    what = "ran past the per-cell time limit" if output["ename"] == "CellTimeoutError" else "crashed the kernel"
                    return f"{output['ename']}: {notebook.name}, {grade_id} {what}; later cells were still run"
    return None


# How a limit shows in a cell's error when the kernel survives it (the per-process limits).
_LIMIT_ERRORS = (("MemoryError", "", "memory"), ("OSError", "[Errno 27]", "file size"),
                 ("OSError", "[Errno 28]", "disk"), ("BlockingIOError", "[Errno 11]", "processes"))


def _limits_in_outputs(autograded: Path, limits) -> list[str]:
    """The limits a cell's code ran into and was refused (MemoryError, "File too large"...), as described."""
    found = []
    for notebook in sorted(autograded.glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                for ename, evalue, which in _LIMIT_ERRORS:
                    if output.get("ename") == ename and evalue in str(output.get("evalue", "")):
                        found.append(limits.describe(which))
    return list(dict.fromkeys(found))


def _say_in_notebooks(autograded: Path, reached: list[str]) -> None:
    """Put the limits that stopped the kernel into its never-finished cell's error, for formgrader and feedback."""
    note = "stopped by " + " and ".join(reached)
    for notebook in sorted(autograded.glob("*.ipynb")):
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        changed = False
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") in NEVER_FINISHED:
                    output["evalue"] = f"{output.get('evalue', '')} ({note})"
                    output.setdefault("traceback", []).append(f"The grader: this submission was {note}.")
                    changed = True
        if changed:
            notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _last_error(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "Error" in line]
    errors = [line for line in errors if "see the the above traceback" not in line] or errors
    return (errors or lines or ["no output"])[-1][:300]


def problem_before_grading(course_dir: Path, assignment: str, student: str) -> Outcome | None:
    """MISSING or FAILED if the submission is absent or cannot be graded as it stands; None if it can."""
    submitted = course_dir / "submitted" / student / assignment
    if not submitted.is_dir() or submitted.is_symlink():
        return Outcome(student, MISSING, f"no submission in submitted/{student}/{assignment}")
    problem = folder_problem(submitted)
    if problem:
        return Outcome(student, FAILED, problem + " (not graded; the gradebook is unchanged)")
    for released in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        problem = problem_with(submitted / released.name, released)
        if problem:
            return Outcome(student, FAILED, problem + " (not graded; the gradebook is unchanged)")
    return None


def grade_here(course_dir: Path | str, assignment: str, student: str, cell_timeout: int | None = None,
               db_url: str | None = None, sandbox: bool = True, warm_server: str | None = None) -> Outcome:
    """Check, then autograde, one submission in this process; say what happened.

    This is what each worker runs, on this machine or on a cluster's.
    `warm_server` is a warm kernel server's socket, for sandboxed kernels
    forked from it rather than started cold.
    """
    course_dir = Path(course_dir)
    check_cell_timeout(cell_timeout)
    early = problem_before_grading(course_dir, assignment, student)
    if early:
        return early
    sandboxing.REACHED.clear()
    sandboxing.LIMITS_USED.clear()
    run = inprocess.autograde(course_dir, assignment, student, kernel_manager(sandbox), cell_timeout, db_url,
                              warm_server if sandbox else None)
    stopped = list(dict.fromkeys(sandboxing.REACHED))  # limits that stopped the kernel (cgroup, signal, output)
    if not run.ok:
        why = f" (stopped by {' and '.join(stopped)})" if stopped else ""
        return Outcome(student, FAILED, "nbgrader could not grade it: " + _last_error(run.log) + why)
    score, max_score = _scores(course_dir, assignment, student, db_url)
    autograded = course_dir / "autograded" / student / assignment
    if stopped:
        _say_in_notebooks(autograded, stopped)
    refused = _limits_in_outputs(autograded, sandboxing.LIMITS_USED[-1]) if sandboxing.LIMITS_USED else []
    reached = list(dict.fromkeys(stopped + refused))
    stuck = _never_finished(autograded)
    if reached:
        what = f"reached {' and '.join(reached)}" + (f"; {stuck}" if stuck else "; later cells were still run")
        return Outcome(student, FAILED, what, score, max_score)
    if stuck:
        return Outcome(student, FAILED, stuck, score, max_score)
    return Outcome(student, GRADED, "", score, max_score)


def grade_one(course_dir: Path | str, assignment: str, student: str, cell_timeout: int | None = None,
              submission_timeout: float | None = 900, db_url: str | None = None, sandbox: bool = True) -> Outcome:
    """Check, then autograde, one student's submission in a process of its own; say what happened."""
    return grade_class(course_dir, assignment, [student], cell_timeout, submission_timeout, db_url,
                       progress=None, sandbox=sandbox, workers=1)[0]


class Progress:
    """Progress as students are done: one line each (done, failed, time left), and a bar on a terminal."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.started = time.monotonic()
        self.failed = 0

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        self.failed += outcome.status == FAILED
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done)
        detail = f"{outcome.score:g} / {outcome.max_score:g}" if outcome.status == GRADED else outcome.reason
        tally = f"{done} done, {self.failed} failed, about {left:.0f} s left"
        if self.stream.isatty():
            width = 30
            bar = "#" * round(width * done / total) + "-" * (width - round(width * done / total))
            self.stream.write("\r\x1b[K")
            print(f"[{done}/{total}] {outcome.student}: {outcome.status} {detail}", file=self.stream)
            self.stream.write(f"[{bar}] {tally}" + ("\n" if done == total else ""))
        else:
            print(f"[{done}/{total}] {outcome.student}: {outcome.status} {detail} ({tally})", file=self.stream)
        self.stream.flush()


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def grade_class(course_dir: Path | str, assignment: str, students: Iterable[str] | None = None,
                cell_timeout: int | None = None, submission_timeout: float | None = 900,
                db_url: str | None = None,
                progress: Callable[[int, int, Outcome], None] | None = None,
                sandbox: bool = True, workers: int | None = None, scheduler: str | None = None,
                warm: bool = True) -> list[Outcome]:
    """Grade every submission of `assignment`, `workers` at a time (default: one per core).

    The class is `students` if given, else everyone in the gradebook and
    everyone with a folder in `submitted/`. A student with no submission is
    MISSING; a submission that is broken or never finishes is FAILED, with the
    reason; the rest are GRADED. `progress(done, total, outcome)` is called
    after each student (in the order they finish). With `scheduler` (a Dask
    scheduler's address) the cluster's workers grade instead of local
    processes. With `sandbox` (the default), `SandboxUnavailable` is raised
    before anyone is graded if the sandbox cannot start, and with `warm` (the
    default) students' kernels are forked from one that has done the
    notebooks' imports (`warm_kernels`) rather than started cold; the scores
    are the same either way. Returns the outcomes
    in the students' order, and records them for the export.
    """
    course_dir = Path(course_dir)
    if not (course_dir / "source" / assignment).is_dir():
        raise ValueError(f"assignment: no source/{assignment} in {course_dir}")
    check_cell_timeout(cell_timeout)
    if workers is not None and int(workers) < 1:
        raise ValueError(f"workers: must be 1 or more; got {workers!r}")
    if sandbox and scheduler is None:
        sandboxing.check_available()
        limiting.sweep_leftovers()  # of an earlier run that was killed
        for missing in sandboxing.limits_not_set_here():  # said once per run, plainly; grading goes on
            print(f"Note: {missing}.", file=sys.stderr, flush=True)
    with ExitStack() as stack:
        if scheduler is None:
            # Both take seconds of imports: started first, they do them while the class is listed.
            pool.start(checks=course_dir / "checks")
            warm_server = stack.enter_context(warm_kernels.maybe_starting(sandbox and warm))
        if students is None:
            submitted = course_dir / "submitted"
            with_folder = {p.name for p in submitted.iterdir() if p.is_dir()} if submitted.is_dir() else set()
            # Listed by a grading process when there is a pool: this one need not import nbgrader (seconds).
            listed = pool.call(partial(roster, course_dir, db_url)) if scheduler is None else roster(course_dir, db_url)
            students = listed | with_folder
        students = sorted(set(students))
        job = partial(grade_here, course_dir.resolve(), assignment, cell_timeout=cell_timeout, db_url=db_url,
                      sandbox=sandbox)
        if scheduler is not None:
            from coursegrading.distributed import grade_on_cluster

            # Each of the cluster's workers starts its own warm kernel server, on its own machine.
            by_student = grade_on_cluster(scheduler, job, students, progress, submission_timeout,
                                          warm=sandbox and warm)
        else:
            job = partial(job, warm_server=warm_server())
            by_student = pool.grade_all(job, students, workers or default_workers(), submission_timeout, progress)
    outcomes = [by_student[student] for student in students]
    status.record(course_dir, assignment, outcomes)
    return outcomes


def summary(assignment: str, outcomes: list[Outcome]) -> str:
    """A plain-text summary: counts, then the graded, failed and missing students apart."""
    groups = {status: [o for o in outcomes if o.status == status] for status in (GRADED, FAILED, MISSING)}
    lines = [f"{assignment}: {len(outcomes)} students: "
             + ", ".join(f"{len(groups[s])} {s}" for s in (GRADED, FAILED, MISSING))]
    if groups[GRADED]:
        lines.append("Graded (autograded marks; written answers still to mark in formgrader):")
        lines += [f"  {o.student}: {o.score:g} / {o.max_score:g}" for o in groups[GRADED]]
    if groups[FAILED]:
        lines.append("Failed to run:")
        for o in groups[FAILED]:
            recorded = f" [{o.score:g} / {o.max_score:g} recorded]" if o.score is not None else ""
            lines.append(f"  {o.student}: {o.reason}{recorded}")
    if groups[MISSING]:
        lines.append("Missing:")
        lines += [f"  {o.student}: {o.reason}" for o in groups[MISSING]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE, help="the course folder (default: exercises)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--cell-timeout", type=int, default=None, help="seconds a cell may run (default: the course's)")
    parser.add_argument("--submission-timeout", type=float, default=900, help="seconds one submission may take in all")
    parser.add_argument("--db-url", default=None, help="the gradebook, if not exercises/gradebook.db")
    parser.add_argument("--workers", type=int, default=None,
                        help="submissions graded at once on this machine (default: one per core)")
    parser.add_argument("--scheduler", default=None,
                        help="a Dask scheduler's address (tcp://host:8786): its workers grade instead")
    parser.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                        help="run students' code with your own rights, outside the sandbox (not recommended)")
    parser.add_argument("--cold-kernels", dest="warm", action="store_false",
                        help="start every student's kernel afresh instead of forking one that has done the imports")
    args = parser.parse_args(argv)
    if not args.sandbox:
        print("WARNING: grading without the sandbox: students' code runs with your rights and can read "
              "the solutions, change the gradebook and reach the network.", file=sys.stderr, flush=True)
    try:
        # The module by its own name, not as __main__, so the jobs it hands to workers can be found by them.
        from coursegrading import autograde as this

        outcomes = this.grade_class(args.course, args.assignment, args.student, args.cell_timeout,
                               args.submission_timeout, args.db_url, progress=Progress(), sandbox=args.sandbox,
                               workers=args.workers, scheduler=args.scheduler, warm=args.warm)
    except sandboxing.SandboxUnavailable as err:
        print(f"Not grading: {err}", file=sys.stderr)
        return 3
    print(summary(args.assignment, outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
