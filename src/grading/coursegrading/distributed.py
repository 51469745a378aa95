"""Grading on a Dask cluster: the same job, run by the cluster's workers.

For a class too big for one machine, `make autograde ... SCHEDULER=tcp://host:8786`
hands each submission to a worker of an existing Dask distributed cluster
(started by dask-jobqueue on an HPC queue, dask-kubernetes, or `dask scheduler`
and `dask worker` by hand). Every worker must see the course folder at the same
path (a shared file system) and, with several machines, one gradebook they can
all reach: PostgreSQL (`--db-url`), as SQLite over a network file system is
not safe. Each worker imports nbgrader once and grades one submission at a
time per thread; give workers one thread each (``--nthreads 1``) and as many
processes as cores, since nbgrader runs one notebook per process at a time.

Each submission is graded in a process of its own on the worker (as on one
machine, `pool`), so one that runs past the submission time limit is stopped
without stopping its worker. Dask's workers are daemonic by default, and a
daemonic process may not start others: start them with
``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (Dask's own setting). On daemonic
workers submissions are graded in the worker itself, and only the per-cell
time limit applies; `grade_on_cluster` says so before it starts.

Each worker process starts its own warm kernel server (`warm_kernels`) the
first time it grades, on its own machine, and keeps it until it exits.
"""

from __future__ import annotations

import atexit
import multiprocessing
import sys
from contextlib import ExitStack
from functools import cache, partial
from typing import Callable

DAEMONIC_WORKERS = ("the cluster's workers are daemonic (Dask's default), so they cannot stop a submission that "
                    "runs past {limit:g} s; start them with DASK_DISTRIBUTED__WORKER__DAEMON=False to have that")


def _daemonic() -> bool:
    return multiprocessing.current_process().daemon


@cache
def _warm_server() -> str | None:
    """This worker's warm kernel server, started on first use and stopped when the worker exits."""
    from coursegrading import warm_kernels

    stack = ExitStack()
    atexit.register(stack.close)
    return stack.enter_context(warm_kernels.maybe_running(True))


def grade_in_own_process(job: Callable[[str], object], submission_timeout: float | None, warm: bool,
                         student: str) -> object:
    """On a worker: `job(student)` in a process of its own, stopped after `submission_timeout` seconds.

    With `warm`, the student's kernel is forked from this worker's warm kernel server.
    """
    from coursegrading import pool

    if warm:
        job = partial(job, warm_server=_warm_server())
    if _daemonic():
        return job(student)
    return pool.grade_all(job, [student], 1, submission_timeout, None)[student]


def grade_on_cluster(scheduler: str, job: Callable[[str], object], students: list[str],
                     progress: Callable | None, submission_timeout: float | None = None,
                     warm: bool = False) -> dict[str, object]:
    """Run `job(student)` for every student on the cluster at `scheduler`; return each student's outcome.

    A submission still running after `submission_timeout` seconds is stopped and FAILED, as on one machine.
    With `warm`, each worker forks students' kernels from a warm kernel server of its own.
    """
    from distributed import Client, as_completed

    from coursegrading.autograde import FAILED, Outcome

    outcomes: dict[str, object] = {}
    with Client(scheduler) as client:
        if submission_timeout is not None and any(client.run(_daemonic).values()):
            print(DAEMONIC_WORKERS.format(limit=submission_timeout), file=sys.stderr)
        task = partial(grade_in_own_process, job, submission_timeout, warm)
        futures = {client.submit(task, student, pure=False): student
                   for student in students}
        for future in as_completed(futures):
            student = futures[future]
            try:
                outcome = future.result()
            except Exception as err:  # a worker lost or a job that raised: this student's failure only
                outcome = Outcome(student, FAILED, f"grading failed on the cluster: {type(err).__name__}: {err}")
            outcomes[student] = outcome
            if progress:
                progress(len(outcomes), len(students), outcome)
    return outcomes
