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
"""

from __future__ import annotations

from typing import Callable


def grade_on_cluster(scheduler: str, job: Callable[[str], object], students: list[str],
                     progress: Callable | None) -> dict[str, object]:
    """Run `job(student)` for every student on the cluster at `scheduler`; return each student's outcome."""
    from distributed import Client, as_completed

    from coursegrading.autograde import FAILED, Outcome

    outcomes: dict[str, object] = {}
    with Client(scheduler) as client:
        futures = {client.submit(job, student, pure=False): student
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
