"""Grading several submissions at once on this machine, each in a process of its own.

Every submission is graded in its own process, so one that never ends can be
stopped (with its kernel) without touching the others, and nothing one
student's grading leaves in memory reaches the next. The processes are forked
from a server that imported nbgrader once (multiprocessing's ``forkserver``
with a preload), so starting one costs a fork, not nbgrader's import.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import time
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

# What the fork server imports once, so each grading process starts with it loaded (and its first-time work done).
PRELOAD = ["coursegrading.ready_to_grade"]
CHECKS_TO_PRELOAD = "COURSEGRADING_PRELOAD_CHECKS"  # the course's checks folder, loaded by ready_to_grade


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


@contextmanager
def _main_not_rerun():
    """Start processes without them re-running the program's main module (multiprocessing would, by default)."""
    main = sys.modules["__main__"]
    saved = {name: main.__dict__.pop(name) for name in ("__spec__", "__file__") if name in main.__dict__}
    main.__spec__ = None
    try:
        yield
    finally:
        del main.__spec__
        main.__dict__.update(saved)


def start(checks: Path | None = None) -> None:
    """Start the fork server now, without waiting for its imports (seconds), so they overlap other start-up work.

    Given the course's `checks` folder, the server also loads the course's checks once, and with them
    what they import (the course's model), so that no grading process imports them afresh
    (`ready_to_grade`). `grade_all` starts the server anyway if it is not running.
    """
    if checks is not None and Path(checks).is_dir():
        os.environ[CHECKS_TO_PRELOAD] = str(Path(checks).resolve())  # read by the server as it starts
    _context()
    with _main_not_rerun():
        multiprocessing.forkserver.ensure_running()


def _run_in_child(job: Callable[[], object], sender) -> None:
    os.setsid()  # its own process group, so a stop reaches everything it started
    try:
        sender.send(job())
    except BaseException as err:  # reported to the parent (as this student's failure, when grading)
        sender.send(err)
    finally:
        sender.close()


def _started(context, job: Callable[[], object], name: str):
    """A process forked from the fork server running `job`, and the end of the pipe its result comes on."""
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run_in_child, args=(job, sender), name=name)
    with _main_not_rerun():
        process.start()
    sender.close()
    return receiver, process


def call(job: Callable[[], object]) -> object:
    """`job()` run in a process forked from the fork server, where nbgrader is already imported; its result.

    For the grader's own work with nbgrader (listing the class), so that
    the grader need not import nbgrader itself: seconds, on a busy start.
    """
    receiver, process = _started(_context(), job, "grading helper")
    try:
        result = receiver.recv()
    except EOFError:
        result = RuntimeError(f"the helper process stopped (exit code {process.exitcode})")
    finally:
        receiver.close()
        process.join(30)
    if isinstance(result, BaseException):
        raise result
    return result


def _stop(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.join(5)
    # Killed, it could not remove its kernel's cgroup or unmount its folder: done here.
    from coursegrading.limits import sweep_leftovers

    sweep_leftovers()


def grade_all(job: Callable[[str], object], students: list[str], workers: int, submission_timeout: float | None,
              progress: Callable | None) -> dict[str, object]:
    """Run `job(student)` for every student, `workers` at a time; return each student's outcome.

    A job that raises, dies or runs longer than `submission_timeout` seconds
    gives that student a FAILED outcome saying so.
    """
    from coursegrading.autograde import FAILED, Outcome

    context = _context()
    waiting = list(students)
    running: dict[object, tuple[str, object, float]] = {}  # receiving end -> (student, process, start)
    outcomes: dict[str, object] = {}

    def finish(student: str, outcome) -> None:
        outcomes[student] = outcome
        if progress:
            progress(len(outcomes), len(students), outcome)

    try:
        while waiting or running:
            while waiting and len(running) < workers:
                student = waiting.pop(0)
                receiver, process = _started(context, partial(job, student), f"grading {student}")
                running[receiver] = (student, process, time.monotonic())
            ready = wait(list(running), timeout=1.0)
            for receiver in ready:
                student, process, _ = running.pop(receiver)
                try:
                    result = receiver.recv()
                except EOFError:
                    process.join(5)
                    result = RuntimeError(f"the grading process stopped (exit code {process.exitcode})")
                receiver.close()
                process.join(30)
                if isinstance(result, BaseException):
                    result = Outcome(student, FAILED, f"grading failed: {type(result).__name__}: {result}")
                finish(student, result)
            now = time.monotonic()
            for receiver, (student, process, started) in list(running.items()):
                if submission_timeout is not None and now - started > submission_timeout:
                    _stop(process)
                    running.pop(receiver)
                    receiver.close()
                    finish(student, Outcome(student, FAILED,
                                            f"did not finish within {submission_timeout:g} s in all (stopped; not graded)"))
    finally:
        for receiver, (_, process, _) in running.items():
            _stop(process)
            receiver.close()
    return outcomes
