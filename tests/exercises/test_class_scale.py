"""Grading a class at scale: in parallel, on a Dask cluster, into PostgreSQL, with the same scores as one at a time.

One small class of paying_providers submissions (right, failing a hidden
test, cheating by editing the tests, never ending, not a notebook, and a
student on the list who never submitted) is graded three times from the same
released course: one submission at a time into SQLite with every kernel
started cold, two at a time into SQLite with kernels forked from a warm
kernel server, and by a Dask LocalCluster of two worker processes (each with
its own warm kernel server) into a real PostgreSQL server. Every grade of
every cell must be the same each time.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

import pytest

from coursegrading import pool
from coursegrading.autograde import FAILED, GRADED, MISSING, grade_class
from tests.exercises.grading_support import (CELL_TIMEOUT, LOOP_FOREVER, grade_and_say_what_was_left_to_do,
                                            release_nb, sleeps, source_nb)
from scripts import system_tools
from tests.exercises.kit import (autograded_points, nbgrader, reference_answers, submit,
                                 with_answers, wrong_answers)

A = "paying_providers"
NEVER_ENDS = "while True:\n    __import__('time').sleep(1)\n"
EXPECTED_STATUS = {"reference": GRADED, "hardcodedrate": GRADED, "editedtests": GRADED,
                   "loopsforever": FAILED, "brokenjson": FAILED, "absent": MISSING}


def make_class(course: Path) -> None:
    source, release = source_nb(course, A), release_nb(course, A)
    ref = reference_answers(source)
    submit(course, "reference", A, with_answers(release, ref))
    hidden = dict(ref, marginal_rate_income_answer=ref["marginal_rate_income_answer"].replace(
        "rate * price * growth", "0.3 * price * growth"))
    submit(course, "hardcodedrate", A, with_answers(release, hidden))
    edited = with_answers(release, wrong_answers(A, source))
    for cell in edited["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell["source"] = "assert True  # tests removed by the student"
    submit(course, "editedtests", A, edited)
    # Never ends in its own answer cell, so it meets the cell limit once; a never-ending function meets it at
    # each cell that calls it (twice here, 65 s a grading), and the graded class of tests/exercises has one.
    block = NEVER_ENDS + ref["block_and_capitation_answer"]
    submit(course, "loopsforever", A, with_answers(release, dict(ref, block_and_capitation_answer=block)))
    submit(course, "brokenjson", A, json.dumps(with_answers(release, ref))[:-200])
    added = nbgrader(course, "db", "student", "add", "absent", "--first-name=Ab", "--last-name=Sent")
    assert added.returncode == 0, added.stdout + added.stderr


def cell_scores(db_url: str, students) -> dict[str, dict[str, float]]:
    """Every graded cell's score of every student's submission in the gradebook at `db_url`."""
    from nbgrader.api import Gradebook, MissingEntry

    found = {}
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                notebook = gb.find_submission_notebook(A, A, student)
            except MissingEntry:
                continue
            found[student] = {grade.name: grade.score for grade in notebook.grades}
    return found


def fresh_copy(released, tmp: Path, name: str) -> Path:
    course = tmp / name / "course"
    shutil.copytree(released.course, course)
    make_class(course)
    return course


@pytest.fixture(scope="module")
def serial(released, tmp_path_factory):
    course = fresh_copy(released, tmp_path_factory.mktemp("serial"), "serial")
    outcomes = grade_class(course, A, cell_timeout=CELL_TIMEOUT, workers=1, warm=False)
    return course, {o.student: o for o in outcomes}


@pytest.fixture(scope="module")
def parallel(released, tmp_path_factory):
    course = fresh_copy(released, tmp_path_factory.mktemp("parallel"), "parallel")
    seen = []
    outcomes = grade_class(course, A, cell_timeout=CELL_TIMEOUT, workers=2,
                           progress=lambda done, total, outcome: seen.append((done, total, outcome.student)))
    return course, {o.student: o for o in outcomes}, seen


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A real PostgreSQL server in a temporary folder on a free local port, stopped afterwards."""
    pg_bin = system_tools.postgres_bin()  # whichever major version Debian installed
    if pg_bin is None or not (pg_bin / "initdb").is_file():
        reason = "PostgreSQL is not installed (Debian's postgresql package: make test installs it)"
        # Under make test, which installs it, a missing server is a failure, not a skip.
        pytest.fail(reason) if system_tools.required() else pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="carepool-pg-"))
    data, port = folder / "data", _free_port()
    # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(folder, "postgres")
    def run(*cmd):
        done = subprocess.run([*as_owner, *cmd], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    run(str(pg_bin / "initdb"), "-D", str(data), "-U", "grader", "-A", "trust", "--no-sync")
    run(str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start")
    try:
        run(str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "gradebook")
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run([*as_owner, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def on_dask_into_postgres(released, postgres, tmp_path_factory):
    import dask
    from distributed import LocalCluster

    course = fresh_copy(released, tmp_path_factory.mktemp("dask"), "dask")
    # The assignment's cells go into the PostgreSQL gradebook as they went into SQLite: by generating it there.
    made = nbgrader(course, "generate_assignment", A, "--force", f"--CourseDirectory.db_url={postgres}")
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    added = nbgrader(course, "db", "student", "add", "absent", f"--CourseDirectory.db_url={postgres}")
    assert added.returncode == 0, added.stdout + added.stderr
    # Workers started as the instructor guide says (not daemonic): each submission in its own process.
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcomes = grade_class(course, A, cell_timeout=CELL_TIMEOUT, db_url=postgres,
                               scheduler=cluster.scheduler_address)
    return course, {o.student: o for o in outcomes}


def test_on_dask_a_submission_past_its_time_limit_is_stopped_and_reported_failed():
    import dask
    from distributed import LocalCluster

    from coursegrading.distributed import grade_on_cluster

    started = time.monotonic()
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcomes = grade_on_cluster(cluster.scheduler_address, partial(sleeps, 600), ["slow"], None,
                                    submission_timeout=5)
    assert outcomes["slow"].status == FAILED
    assert "did not finish within 5 s" in outcomes["slow"].reason
    assert time.monotonic() - started < 120, "stopped at its limit, not after the job's 600 s"


def test_the_class_has_every_kind_of_submission(serial):
    _, outcomes = serial
    assert {student: o.status for student, o in outcomes.items()} == EXPECTED_STATUS
    assert "CellTimeoutError" in outcomes["loopsforever"].reason
    assert "not valid JSON" in outcomes["brokenjson"].reason


def test_one_at_a_time_scores_what_it_should(serial):
    course, _ = serial
    points = autograded_points(source_nb(course, A))
    got = cell_scores(f"sqlite:///{course / 'gradebook.db'}", ["reference", "hardcodedrate", "editedtests"])
    assert {g: got["reference"][g] for g in points} == points
    assert got["hardcodedrate"]["mret_payment_above_baseline"] == 0
    # The edited tests were put back: the wrong answer loses its marks.
    assert got["editedtests"]["mret_payment_above_baseline"] == 0


def test_parallel_grading_with_warm_kernels_equals_one_at_a_time_with_cold_ones_score_for_score(serial, parallel):
    serial_course, serial_outcomes = serial
    parallel_course, parallel_outcomes, _ = parallel
    students = list(EXPECTED_STATUS)
    assert ({s: (o.status, o.score) for s, o in parallel_outcomes.items()}
            == {s: (o.status, o.score) for s, o in serial_outcomes.items()})
    assert (cell_scores(f"sqlite:///{parallel_course / 'gradebook.db'}", students)
            == cell_scores(f"sqlite:///{serial_course / 'gradebook.db'}", students))


def test_parallel_progress_counts_every_student_once(parallel):
    _, _, seen = parallel
    assert [done for done, _, _ in seen] == list(range(1, len(EXPECTED_STATUS) + 1))
    assert sorted(student for _, _, student in seen) == sorted(EXPECTED_STATUS)


def test_a_dask_cluster_grading_into_postgresql_equals_local_grading(serial, on_dask_into_postgres, postgres):
    serial_course, serial_outcomes = serial
    _, dask_outcomes = on_dask_into_postgres
    assert ({s: (o.status, o.score) for s, o in dask_outcomes.items()}
            == {s: (o.status, o.score) for s, o in serial_outcomes.items()})
    students = list(EXPECTED_STATUS)
    in_postgres = cell_scores(postgres, students)
    assert set(in_postgres) == {"reference", "hardcodedrate", "editedtests", "loopsforever"}
    assert in_postgres == cell_scores(f"sqlite:///{serial_course / 'gradebook.db'}", students)


def test_a_submission_that_outlasts_its_limit_is_stopped_with_its_kernel(released, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(released.course, course)
    source, release = source_nb(course, A), release_nb(course, A)
    ref = reference_answers(source)
    block = LOOP_FOREVER + ref["block_and_capitation_answer"].split("\n\n\n", 1)[1]
    submit(course, "loopsforever", A, with_answers(release, dict(ref, block_and_capitation_answer=block)))
    started = time.monotonic()
    # The cell limit is longer than the whole submission's: the whole-submission limit stops it.
    [outcome] = grade_class(course, A, ["loopsforever"], cell_timeout=600, submission_timeout=20, workers=2)
    assert outcome.status == FAILED and "did not finish within 20 s" in outcome.reason
    assert time.monotonic() - started < 120
    # Killed at once, but a process killed with its group can take a moment to go on a busy machine.
    deadline = time.monotonic() + 15
    while True:
        # A cold kernel's command line names its folder (carepool-kernel-...); a warm one's, its server's.
        leftover = subprocess.run(["pgrep", "-f", "carepool-kernel|carepool-warm"],
                                  capture_output=True, text=True).stdout.split()
        if not leftover or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert leftover == [], "the stopped submission's kernel is not left running"


def test_a_grading_process_starts_with_nbgraders_first_time_work_done(released, tmp_path):
    """What the fork server did once (`ready_to_grade`, the course's checks and model), no student's grading
    pays for again."""
    course = tmp_path / "course"
    shutil.copytree(released.course, course)
    submit(course, "reference", A, with_answers(release_nb(course, A), reference_answers(source_nb(course, A))))
    pool.start(checks=course / "checks")  # as grade_class starts it: the course's checks loaded once there
    said = pool.call(partial(grade_and_say_what_was_left_to_do, course, A, "reference"))
    assert said["status"] == GRADED
    assert said["mapped_before"], "SQLAlchemy still had nbgrader's tables to map"
    assert said["imported"] == [], "modules every student's grading imported afresh"


def test_a_job_run_by_the_fork_server_gives_back_its_result_or_its_error():
    assert pool.call(partial(sleeps, 0, "someone")) == "someone"
    with pytest.raises(ValueError, match="workers: must be 1 or more"):
        pool.call(partial(grade_class, Path("exercises"), "paying_providers", workers=0))
