"""`make formgrader` in headless Chromium: it runs as an ordinary user (started as root, as the
course's owner), the instructor's menus are there, a submission's chart is drawn with nothing loaded
from outside, and a submission whose outputs and written answer attack the instructor runs nothing,
in formgrader or in its feedback file, and makes no request to the Jupyter API."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from coursegrading.autograde import GRADED, grade_class

from tests.exercises import ordinary_user
from tests.exercises.grading_support import CHART, line_marks, release_nb, source_nb
from tests.exercises.kit import ROOT, make, reference_answers, submit, with_answers

A = "paying_providers"
ATTACKED_CELL, WRITTEN_ANSWER = "block_and_capitation_answer", "incentive_each_mechanism_creates"
# Every way a kernel's output could carry script into the page; each would set window.pwned or call the API.
OUTPUT_ATTACKS = r'''from IPython.display import HTML, SVG, Javascript, Markdown, display
import altair as alt
import pandas as pd
display(HTML("<script>window.pwned = 'script'; fetch('/api/kernels', {method: 'POST'})</script>"
             "<img src=x onerror=\"window.pwned = 'onerror'; fetch('/api/terminals', {method: 'POST'})\">"
             "<iframe src=\"javascript:parent.pwned = 'iframe'\"></iframe>"
             "<iframe srcdoc=\"<script>parent.pwned = 'srcdoc'</script>\"></iframe>"
             "<a id=\"jslink\" href=\"javascript:window.pwned = 'link'; fetch('/api/contents')\">a link to click</a>"))
display(Javascript("window.pwned = 'javascript output'"))
display(Markdown("[a markdown link](javascript:window.pwned='markdown') <img src=y onerror=\"window.pwned='md'\">"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><script>window.pwned = "svg"</script>'
            '<rect width="9" height="9"/></svg>'))
alt.renderers.enable("html")  # a chart drawn by scripts in the browser
display(alt.Chart(pd.DataFrame({"x": [1, 2, 3, 4], "y": [1, 4, 9, 16]})).mark_line().encode(x="x", y="y"))
alt.renderers.enable("svg")
'''
ANSWER_ATTACK = ('<img src="z" onerror="window.pwned = \'answer\'"> [a link in my answer](javascript:window.pwned=\'answer link\')'
                 " <script>window.pwned = 'answer script'</script> Block contracts reward keeping people out of hospital.")
# A case the sanitiser might have missed, put in the page after it loaded: the policy must still stop it.
MISSED = ("document.body.insertAdjacentHTML('beforeend', '<img id=\"missed\" src=\"x\" "
          "onerror=\"window.pwned = &quot;missed&quot;\">')")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _uid_serving(port: int) -> int | None:
    """The uid of the Jupyter server listening on `port`."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if any(b"jupyter" in part for part in command) and str(port).encode() in command:
                return os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
    return None


@pytest.fixture(scope="module")
def formgrader(released):
    user = ordinary_user.account()
    with ordinary_user.folder_of(user) as folder:
        course = folder / "course"
        shutil.copytree(released.course, course)
        source, release = source_nb(course, A), release_nb(course, A)
        reference = reference_answers(source)
        submit(course, "reference", A, with_answers(release, reference))
        submit(course, "attacker", A, with_answers(release, dict(
            reference, **{ATTACKED_CELL: OUTPUT_ATTACKS + reference[ATTACKED_CELL], WRITTEN_ANSWER: ANSWER_ATTACK})))
        outcomes = grade_class(course, A, ["reference", "attacker"], cell_timeout=60, workers=2)
        assert [o.status for o in outcomes] == [GRADED, GRADED], outcomes
        run = make("feedback", f"ASSIGNMENT={A}", f"COURSE={course}")
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        ordinary_user.give(course, user)
        port = _free_port()
        # Started as root, as an instructor might: make drops to the course's owner.
        started = ["make", "--no-print-directory", "-o", "setup", "formgrader", f"COURSE={course}", f"PORT={port}"]
        server = subprocess.Popen(ordinary_user.with_python_shown(started), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
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
            yield course, port, token, "".join(log), user
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)


def test_make_formgrader_started_as_root_runs_as_the_courses_ordinary_owner(formgrader):
    course, port, _, log, user = formgrader
    assert f"formgrader runs as {user.pw_name}" in log
    assert _uid_serving(port) == user.pw_uid != 0


def test_make_formgrader_refuses_to_serve_a_course_root_owns_as_root(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the refusal is for a course owned by root, when make runs as root; these tests run as a user")
    run = make("formgrader", f"COURSE={tmp_path}", "PORT=1", timeout=120)
    assert run.returncode != 0
    assert "FORMGRADER_USER=grader" in run.stdout + run.stderr


def _submission_id(course: Path, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_submission_notebook(A, A, student).id


def test_the_instructor_gets_formgrader_and_a_chart_loads_nothing_from_outside(formgrader, tmp_path, browser):
    course, port, token, _, _ = formgrader
    submission = _submission_id(course, "reference")
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
    # The page's own scripts still run under its policy: formgrader filled in the autograded scores.
    scores = []
    for _ in range(120):
        # formgrader's script fetches each cell's grade from its API and shows the autograded score in the box
        scores = [value for value in page.eval_on_selector_all("input.score",
                                                               "inputs => inputs.map(i => i.value || i.placeholder)")
                  if value]
        if scores:
            break
        page.wait_for_timeout(500)
    page.close()
    assert {"Formgrader", "Create assignment", "Assignment List"} <= set(items)
    assert lines == 4, "one line per payment mechanism"
    assert scores, "formgrader's own scripts ran under the policy and filled in the autograded scores"
    assert [url for url in requested if not url.startswith((base, "data:", "blob:"))] == []


def _nothing_ran(page, shots: Path, name: str) -> dict:
    """Click the attacker's link, put in a case a sanitiser could miss, and say what ran and was asked for."""
    page.wait_for_load_state("load")
    link = page.locator("#jslink")
    if link.count():
        link.first.click()
    page.evaluate(MISSED)
    page.wait_for_timeout(1000)
    page.locator("text=Block contracts reward").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{name}.png"))
    frames = [frame.evaluate("() => window.pwned === undefined ? null : String(window.pwned)")
              for frame in page.frames]
    return {"pwned": [value for value in frames if value], "charts": page.locator(CHART).count(),
            "policy": page.locator('meta[http-equiv="Content-Security-Policy"]').count()}


def test_an_attacking_submission_runs_nothing_in_formgrader_and_never_reaches_the_api(formgrader, tmp_path,
                                                                                      browser):
    course, port, token, _, _ = formgrader
    base = f"http://127.0.0.1:{port}"
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/lab?token={token}", timeout=180_000)  # logged in, as the instructor would be
    page.wait_for_selector("#jp-MainMenu", timeout=180_000)
    requested, dialogs = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base}/formgrader/submissions/{_submission_id(course, 'attacker')}/?index=1", timeout=180_000)
    seen = _nothing_ran(page, tmp_path, "formgrader-attacker")
    shown = page.locator("#notebook-container").first.inner_text()
    page.close()
    assert seen["pwned"] == [] and dialogs == []
    assert [url for url in requested if url.startswith(f"{base}/api/")] == []
    assert seen["policy"] == 1
    assert seen["charts"] >= 2, "the chart drawn by scripts is shown as a picture, beside the reference chart"
    assert "<script>window.pwned = 'script'" in shown, "the attack is shown to the instructor as text"


def test_an_attacking_submission_runs_nothing_in_its_feedback_file(formgrader, tmp_path, browser):
    course, _, _, _, _ = formgrader
    feedback = course / "feedback" / "attacker" / A / f"{A}.html"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    requested, dialogs = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(feedback.as_uri())
    seen = _nothing_ran(page, tmp_path, "feedback-attacker")
    page.close()
    assert seen["pwned"] == [] and dialogs == []
    assert [url for url in requested if not url.startswith(("file:", "data:"))] == []
    assert seen["policy"] == 1 and seen["charts"] >= 2
