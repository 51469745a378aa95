"""`make formgrader` in headless Chromium: it starts (as root too), the instructor's menus are there,
and a submission's chart is drawn with nothing loaded from outside."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from coursegrading.autograde import GRADED, grade_class
from tests.exercises.grading_support import CHART, line_marks, release_nb, source_nb
from tests.exercises.kit import ROOT, reference_answers, submit, with_answers

A = "paying_providers"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def formgrader(released, tmp_path_factory):
    course = tmp_path_factory.mktemp("formgrader") / "course"
    shutil.copytree(released.course, course)
    submit(course, "reference", A, with_answers(release_nb(course, A), reference_answers(source_nb(course, A))))
    [outcome] = grade_class(course, A, ["reference"], cell_timeout=60, workers=1)
    assert outcome.status == GRADED, outcome
    port = _free_port()
    server = subprocess.Popen(["make", "--no-print-directory", "-o", "setup", "formgrader", f"COURSE={course}",
                               f"PORT={port}"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    log, token = [], None
    deadline = time.monotonic() + 240
    while token is None and time.monotonic() < deadline and server.poll() is None:
        line = server.stdout.readline()
        log.append(line)
        found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", line)
        token = found.group(1) if found else None
    try:
        assert token, "make formgrader did not start:\n" + "".join(log[-30:])
        yield course, port, token, "".join(log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)


def test_make_formgrader_starts_even_as_root(formgrader):
    # The fixture waited for the server's address, so it started; as root, that needed --allow-root.
    _, _, _, log = formgrader
    assert "Running as root is not recommended" not in log
    assert os.geteuid() != 0 or "--allow-root" in log


def test_the_instructor_gets_formgrader_and_a_chart_loads_nothing_from_outside(formgrader, tmp_path, browser):
    from nbgrader.api import Gradebook

    course, port, token, _ = formgrader
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(A, A, "reference").id
    base = f"http://127.0.0.1:{port}"
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base}/lab?token={token}", timeout=180_000)
    page.wait_for_selector("#jp-MainMenu", timeout=180_000)
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").click(timeout=60_000)
    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    page.goto(f"{base}/formgrader/submissions/{submission}/?index=0", timeout=180_000)
    page.wait_for_selector(CHART, timeout=60_000)
    page.locator(CHART).first.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "formgrader.png"))
    lines = line_marks(page.locator(CHART).first)
    page.close()
    assert {"Formgrader", "Create assignment", "Assignment List"} <= set(items)
    assert lines == 4, "one line per payment mechanism"
    assert [url for url in requested if not url.startswith((base, "data:", "blob:"))] == []
