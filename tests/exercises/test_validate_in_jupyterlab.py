"""Validate in a real JupyterLab, in headless Chromium, gives the verdicts the grader gives.

A student on the course's JupyterHub (their figures follow `JUPYTERHUB_USER`) opens their released
notebook with honest work in it, one answer wrong, and presses Validate; the same notebook is then
autograded for that student. Validate must name exactly the cells the grader scores 0, and show each
message whole (nbgrader cuts a line at 87 characters).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coursegrading.autograde import GRADED, grade_class
from coursegrading.course import course_setting
from coursegrading.release import personalise
from tests.exercises.grading_support import release_nb, source_nb
from tests.exercises.kit import (WRONG_ANSWERS, autograded_points, press_validate, reference_answers, scores, submit,
                                 with_answers)

A = "paying_providers"
STUDENT = "hubstudent7"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def honest_work(released, tmp_path_factory):
    """The student's notebook (released through the exchange, so it holds the course's seed) with one
    plausible wrong answer, and the cells the grader scores 0 for it."""
    course = tmp_path_factory.mktemp("validate") / "course"
    shutil.copytree(released.course, course)
    grade_id, code, _ = WRONG_ANSWERS[A]
    notebook = with_answers(release_nb(course, A), {**reference_answers(source_nb(course, A)), grade_id: code})
    submit(course, STUDENT, A, notebook)
    [outcome] = grade_class(course, A, [STUDENT], cell_timeout=60, workers=1)
    assert outcome.status == GRADED, outcome
    lost = {gid for gid, score in scores(course, A, STUDENT).items()
            if gid in autograded_points(source_nb(course, A)) and score == 0}
    assert lost, "the wrong answer loses marks"
    return course, notebook, lost


@pytest.fixture(scope="module")
def student_lab(honest_work, tmp_path_factory):
    course, notebook, _ = honest_work
    home = tmp_path_factory.mktemp("student_home")
    (home / f"{A}.ipynb").write_text(json.dumps(notebook))
    port = _free_port()
    env = {**os.environ, "JUPYTERHUB_USER": STUDENT, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    args = [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            "--ServerApp.token=validate-test", f"--ServerApp.root_dir={home}"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    server = subprocess.Popen(args, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    deadline, log = time.monotonic() + 180, []
    while time.monotonic() < deadline and server.poll() is None:
        line = server.stdout.readline()
        log.append(line)
        if f"127.0.0.1:{port}/lab" in line:
            break
    try:
        assert server.poll() is None, "JupyterLab did not start:\n" + "".join(log[-30:])
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def test_validate_in_jupyterlab_names_the_cells_the_grader_scores_zero(honest_work, student_lab, browser, tmp_path):
    _, notebook, lost = honest_work
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{student_lab}/lab/tree/{A}.ipynb?token=validate-test", timeout=180_000)
    shown = press_validate(page, tmp_path / "validate.png")
    page.close()
    graded_ids = set(autograded_points(json.loads(json.dumps(notebook))))
    # nbgrader's dialog shows each failing cell's source, which holds its check("<grade_id>") call.
    failing = {gid for gid in graded_ids if f'check("{gid}")' in shown}
    assert failing == lost, f"Validate names {failing}, the grader scored 0 {lost}:\n{shown[:3000]}"
    assert "..." not in "\n".join(line for line in shown.splitlines() if "Wrong" in line or "should" in line), (
        "a message was cut")
    assert "Are you paying emergency growth at the full price?" in " ".join(shown.split())


def test_the_figures_a_hub_student_sees_are_those_the_grader_grades(honest_work):
    course, _, _ = honest_work
    from carepool.exercises.paying_providers import assignment

    seed = course_setting(course, "JudgeAnswers", "course_seed")
    released = personalise(json.loads(json.dumps(release_nb(course, A))), seed)
    figures_cell = next(c for c in released["cells"] if "your_figures(" in "".join(c["source"]))
    env = {**os.environ, "JUPYTERHUB_USER": STUDENT}
    shown = subprocess.run([sys.executable, "-c", "from carepool.exercises.paying_providers import your_figures\n"
                            + "".join(figures_cell["source"]).replace("figures\n", "print(dict(figures))\n")],
                           env=env, capture_output=True, text=True, check=True).stdout
    assert shown.strip() == str(dict(assignment.figures_for(seed, STUDENT)))
