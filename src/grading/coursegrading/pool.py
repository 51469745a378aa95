"""Grading several submissions at once on this machine, each in a process of its own.

Every submission is graded in its own process, so one that never ends can be
stopped (with its kernel) without touching the others, and nothing one
student's grading leaves in memory reaches the next. The processes are forked
from a server that imported nbgrader once (multiprocessing's ``forkserver``
with a preload), so starting one costs a fork, not nbgrader's import.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from contextlib import contextmanager
from multiprocessing.connection import wait
from typing import Callable

# What the fork server imports once, so each grading process starts with it loaded.
PRELOAD = ["nbgrader.converters", "nbgrader.coursedir", "nbgrader.utils", "nbgrader.api",
           "coursegrading.autograde"]


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


def _grade_in_child(job: Callable, student: str, sender) -> None:
    os.setsid()  # its own process group, so a stop reaches everything it started
    try:
        sender.send(job(student))
    except BaseException as err:  # reported to the parent as this student's failure, not raised there
        sender.send(err)
    finally:
        sender.close()


def _stop(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.join(5)


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
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_grade_in_child, args=(job, student, sender),
                                          name=f"grading {student}")
                with _main_not_rerun():
                    process.start()
                sender.close()
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
