"""A class on the course's real JupyterHub (hub/, `make hub`), driven as its people would drive it.

One hub for the module: an instructor and two students, local accounts with passwords, each
person's JupyterLab running as their own Unix user. In headless Chromium through the hub, the two
students log in, fetch the released assignment in JupyterLab's Assignment List, work it (one with
the instructor's own answers, one with a plausible wrong answer), press Validate and submit; the
instructor marks the written answer in formgrader; each student fetches their feedback in the
Assignment List. The instructor's bulk steps are run as a real instructor runs them, in a terminal
as the instructor's Unix user: releasing the assignment (coursegrading.release's generate, which
writes the course's seed into the figures cell, then `nbgrader release_assignment`), `nbgrader
collect`, autograding the class sandboxed and in parallel (`python -m coursegrading.autograde`,
what `make autograde` runs), and `nbgrader generate_feedback` / `release_feedback`. The attacks
are made as a student's Unix user: reading another student's submission or the instructor's
source, through the exchange or the file system, must be refused.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts import system_tools
from tests.exercises.kit import (WRONG_ANSWERS, autograded_points, cells_by_id, press_validate, read_nb,
                                 reference_answers, with_answers)
from tests.support import ARTIFACTS, ROOT

pytestmark = [pytest.mark.hub, pytest.mark.browser]

A = "integrated_health_organisations"  # the smallest assignment: 16 cells, one written answer
COURSE_ID = "who-holds-the-budget"
BIN = Path(sys.executable).parent
# The screenshots kept as test artefacts (test-artifacts/hub-<name>.png); the others stay in pytest's folder.
KEPT = ("right-assignment-list-fetched", "wrong-validate", "instructor-formgrader", "right-feedback-fetched")
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
LAB = "#jp-main-dock-panel"
ARGUMENT = ("the IHO answers the objection about who bears a bad year only in part: the trust holds the "
            "risk, but social care stays with the council, so the wrong pocket remains.")
MARK = 1.5  # what the instructor gives the right student's written argument in formgrader


def _missing(what: str) -> None:
    """A named missing thing: fails under `make test` (which installs everything), else skips."""
    if system_tools.required():
        pytest.fail(f"{what} (make test should have provided it)")
    pytest.skip(what)


@dataclass
class Class:
    hub: object
    instructor: str
    students: list[str]
    passwords: dict[str, str]
    course: Path
    exchange: Path
    shots: Path
    seen: dict = field(default_factory=dict)

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def run_as(self, user: str, *argv: str, cwd: Path | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess:
        """A command in `user`'s terminal on the hub: their Unix user, and the environment their server has."""
        from serve import classroom

        env = {"HOME": str(self.home(user)), "USER": user, "LOGNAME": user, "PATH": f"{BIN}:/usr/bin:/bin",
               "COURSE_EXCHANGE": str(self.exchange),
               "JUPYTER_CONFIG_PATH": str(ROOT / "hub" / ("instructor" if user == self.instructor else "student"))}
        if user == self.instructor:
            env["COURSE_ROOT"] = str(self.course)
        return subprocess.run(classroom.as_user(user, list(argv), self.hub.state), cwd=cwd or self.home(user),
                              env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def hub_class(tmp_path_factory):
    if os.geteuid() != 0:
        _missing("root: the hub makes local accounts (useradd) and runs each person's server as that account")
    if not PROXY.exists():
        _missing(f"{PROXY} (configurable-http-proxy, from package-lock.json: npm ci)")
    if not (BIN / "jupyterhub").exists():
        _missing(f"{BIN / 'jupyterhub'} (jupyterhub, from requirements.lock: make python-env)")
    sys.path.insert(0, str(ROOT / "hub"))
    import serve

    base = Path(tempfile.mkdtemp(prefix="course-hub-test-"))
    os.chmod(base, 0o755)
    shots = tmp_path_factory.mktemp("hub-screenshots")
    hub = serve.Hub(base / "class", prefix="whbt-", students=2)
    try:
        hub.start()
        klass = hub.klass
        yield Class(hub, klass["instructor"], klass["students"], hub.accounts(), Path(klass["course"]),
                    Path(klass["exchange"]), shots)
    finally:
        hub.stop()
        shutil.rmtree(base, ignore_errors=True)
        for name in KEPT:
            if (shots / f"{name}.png").exists():
                ARTIFACTS.mkdir(exist_ok=True)
                shutil.copy2(shots / f"{name}.png", ARTIFACTS / f"hub-{name}.png")


def _log_in(browser, hub_class: Class, user: str):
    """The hub's login page, filled in and sent: the hub then starts the user's server."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{hub_class.hub.url}/hub/login", timeout=60_000)
    page.fill("#username_input", user)
    page.fill("#password_input", hub_class.passwords[user])
    page.click("#login_submit", no_wait_after=True)
    return page


def _wait_for_lab(page) -> None:
    page.wait_for_selector(LAB, timeout=240_000)
    page.wait_for_selector("#jp-MainMenu .lm-MenuBar-itemLabel >> text=Nbgrader", timeout=120_000)


def _nbgrader_menu(page) -> list[str]:
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").click(timeout=60_000)
    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return items


def _open_assignment_list(page) -> None:
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").click(timeout=60_000)
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click(timeout=60_000)
    page.wait_for_selector("#released_assignments_list", timeout=60_000)


def _assignment_row(page, list_id: str):
    return page.locator(f"#{list_id} .list_item:not(.nested_list_item)", has_text=A)


def _contents(page, user: str, path: str, hub_url: str) -> str:
    return f"{hub_url}/user/{user}/api/contents/{path}"


def _xsrf(page) -> dict:
    token = next((c["value"] for c in page.context.cookies() if c["name"] == "_xsrf"), "")
    return {"X-XSRFToken": token}


def _work_and_submit(page, hub_class: Class, student: str, answers: dict[str, str], name: str) -> dict:
    """The student's part, in their JupyterLab: fetch, answer, validate, submit. Returns what they saw."""
    seen = {}
    _open_assignment_list(page)
    fetch = _assignment_row(page, "released_assignments_list").get_by_role("button", name="Fetch")
    fetch.click(timeout=120_000)
    _assignment_row(page, "fetched_assignments_list").wait_for(timeout=120_000)
    page.screenshot(path=str(hub_class.shots / f"{name}-assignment-list-fetched.png"))
    # The student's answers, saved by their own server (as JupyterLab saves a notebook they typed in).
    path = f"{A}/{A}.ipynb"
    url = _contents(page, student, path, hub_class.hub.url)
    got = page.request.get(url, headers=_xsrf(page))
    assert got.ok, got.text()
    fetched = got.json()["content"]
    seen["fetched"] = fetched
    saved = page.request.put(url, headers=_xsrf(page), data=json.dumps(
        {"type": "notebook", "format": "json", "content": with_answers(fetched, answers)}))
    assert saved.ok, saved.text()
    # Validate, in the notebook, as the student presses it.
    page.goto(f"{hub_class.hub.url}/user/{student}/lab/tree/{path}", timeout=120_000)
    seen["validate"] = press_validate(page, hub_class.shots / f"{name}-validate.png")
    page.keyboard.press("Escape")
    # Submit, in the Assignment List.
    _open_assignment_list(page)
    _assignment_row(page, "fetched_assignments_list").get_by_role("button", name="Submit").click(timeout=60_000)
    _assignment_row(page, "submitted_assignments_list").wait_for(timeout=120_000)
    page.screenshot(path=str(hub_class.shots / f"{name}-submitted.png"))
    return seen


def _check(run: subprocess.CompletedProcess, what: str) -> str:
    assert run.returncode == 0, f"{what} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run.stdout + run.stderr


@pytest.fixture(scope="module")
def semester(hub_class: Class, browser):
    """The whole round, once: release, fetch, work, validate, submit, collect, autograde, mark, feedback."""
    c = hub_class
    right, wrong = c.students
    started = time.monotonic()
    # Everyone logs in at once: the hub starts the three servers side by side.
    pages = {user: _log_in(browser, c, user) for user in [c.instructor, right, wrong]}

    # The instructor releases the assignment, in their terminal.
    release_one = f"from pathlib import Path; from coursegrading.release import generate; generate(Path('.'), {A!r})"
    released = c.run_as(c.instructor, str(BIN / "python"), "-c", release_one, cwd=c.course)
    _check(released, "generating the student version")
    _check(c.run_as(c.instructor, str(BIN / "nbgrader"), "release_assignment", A, cwd=c.course),
           "nbgrader release_assignment")

    for user, page in pages.items():
        _wait_for_lab(page)
        c.seen[f"menu:{user}"] = _nbgrader_menu(page)
    pages[right].screenshot(path=str(c.shots / "student-lab.png"))

    source = read_nb(c.course / "source" / A / f"{A}.ipynb")
    grade_id, wrong_code, c.seen["should_lose"] = WRONG_ANSWERS[A]
    written = next(gid for gid, cell in cells_by_id(source).items()
                   if cell["cell_type"] == "markdown" and cell["metadata"]["nbgrader"].get("grade"))
    c.seen["written"] = written
    c.seen["written_points"] = float(cells_by_id(source)[written]["metadata"]["nbgrader"]["points"])
    # The code answers: the instructor's own for one student, one plausible mistake for the other; each
    # writes an argument of their own, signed, so that whose feedback is whose can be told.
    c.seen["right_answers"] = {**reference_answers(source), written: f"The argument of {right}: {ARGUMENT}"}
    c.seen["wrong_answers"] = {**reference_answers(source), grade_id: wrong_code,
                               written: f"The argument of {wrong}: {ARGUMENT}"}
    c.seen[right] = _work_and_submit(pages[right], c, right, c.seen["right_answers"], "right")
    c.seen[wrong] = _work_and_submit(pages[wrong], c, wrong, c.seen["wrong_answers"], "wrong")

    # The instructor collects and autogrades the class in their terminal, as `make autograde` does.
    _check(c.run_as(c.instructor, str(BIN / "nbgrader"), "collect", A, cwd=c.course), "nbgrader collect")
    c.seen["autograde"] = _check(c.run_as(c.instructor, str(BIN / "python"), "-m", "coursegrading.autograde", A,
                                          "--course", str(c.course), "--workers", "2", cwd=c.course),
                                 "python -m coursegrading.autograde")

    # ... and marks the written answer in formgrader.
    c.seen["formgrader"] = _mark_written_answer(pages[c.instructor], c, right, written)

    # Feedback, generated and released in the instructor's terminal; each student fetches theirs.
    _check(c.run_as(c.instructor, str(BIN / "nbgrader"), "generate_feedback", A, cwd=c.course),
           "nbgrader generate_feedback")
    _check(c.run_as(c.instructor, str(BIN / "nbgrader"), "release_feedback", A, cwd=c.course),
           "nbgrader release_feedback")
    for student, name in ((right, "right"), (wrong, "wrong")):
        page = pages[student]
        _open_assignment_list(page)
        page.locator("#refresh_assignments_list").click()
        button = _assignment_row(page, "submitted_assignments_list").get_by_role("button", name="Fetch Feedback")
        button.click(timeout=120_000)
        _assignment_row(page, "submitted_assignments_list").get_by_text("view feedback").wait_for(timeout=120_000)
        page.screenshot(path=str(c.shots / f"{name}-feedback-fetched.png"))
    c.seen["seconds"] = time.monotonic() - started
    for page in pages.values():
        page.context.close()
    return c


def _mark_written_answer(page, c: Class, student: str, written: str) -> dict:
    """In formgrader: the student's submission, the written answer's score typed in as a grader does."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{c.course / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(A, A, student).id
    base = f"{c.hub.url}/user/{c.instructor}"
    page.goto(f"{base}/formgrader/submissions/{submission}/?index=0", timeout=120_000)
    score = page.locator(f"input.score#{written}")  # formgrader names each score box after its grade cell
    score.wait_for(timeout=60_000)
    # The box is on the page before formgrader has fetched the grades; when they arrive it redraws each box
    # from the gradebook, wiping anything typed earlier, and only then listens for a change to save.
    page.wait_for_function("() => window.formgrader && formgrader.grades && formgrader.grades.loaded",
                           timeout=60_000)
    score.fill(str(MARK))
    with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT",
                              timeout=60_000) as saved:
        score.press("Tab")  # formgrader saves the score when the box loses focus
    assert saved.value.ok, saved.value.status
    page.screenshot(path=str(c.shots / "instructor-formgrader.png"))
    return {"url": page.url}


# --- what must hold -------------------------------------------------------------------------------------------


def test_students_get_the_assignment_list_and_validate_and_only_the_instructor_gets_formgrader(semester):
    c = semester
    instructor = set(c.seen[f"menu:{c.instructor}"])
    assert {"Formgrader", "Assignment List"} <= instructor, instructor
    for student in c.students:
        items = set(c.seen[f"menu:{student}"])
        assert "Assignment List" in items, items
        assert not items & {"Formgrader", "Create assignment", "Course List"}, items


def test_each_student_fetched_the_release_with_the_courses_figures_and_no_solution(semester):
    c = semester
    for student in c.students:
        text = json.dumps(c.seen[student]["fetched"])
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "your_figures(course=" in text, "the release writes the course's seed into the figures cell"


def test_validate_passes_the_right_work_and_names_the_wrong_answers_cells(semester):
    c = semester
    right, wrong = c.students
    assert "Success! Your notebook passes all the tests." in c.seen[right]["validate"], c.seen[right]["validate"]
    shown = c.seen[wrong]["validate"]
    assert "The following cell failed" in shown, shown
    failing = {gid for gid in autograded_points(read_nb(c.course / "source" / A / f"{A}.ipynb"))
               if f'check("{gid}")' in shown}
    assert failing == set(c.seen["should_lose"]), shown[:3000]


def test_the_class_is_autograded_in_parallel_in_the_sandbox_with_honest_scores(semester):
    from tests.exercises.kit import scores

    c = semester
    right, wrong = c.students
    assert re.search(r"2 graded", c.seen["autograde"]), c.seen["autograde"][-2000:]
    points = autograded_points(read_nb(c.course / "source" / A / f"{A}.ipynb"))
    got_right, got_wrong = scores(c.course, A, right), scores(c.course, A, wrong)
    assert {g: got_right[g] for g in points} == points
    lost = {g for g in points if got_wrong[g] == 0}
    assert lost == set(c.seen["should_lose"])
    # Graded as the instructor, with the students' code in the sandbox (as `make autograde` grades: the command
    # refuses to grade at all when the sandbox cannot start, and warns when it is turned off).
    assert "without the sandbox" not in c.seen["autograde"] and "Not grading" not in c.seen["autograde"]
    autograded = c.course / "autograded" / right / A / f"{A}.ipynb"
    assert autograded.stat().st_uid == pwd.getpwnam(c.instructor).pw_uid


def test_the_written_answer_is_marked_in_formgrader(semester):
    from nbgrader.api import Gradebook

    c = semester
    right = c.students[0]
    with Gradebook(f"sqlite:///{c.course / 'gradebook.db'}") as gb:
        grade = gb.find_grade(c.seen["written"], A, A, right)
        assert grade.manual_score == MARK


def test_each_student_fetches_only_their_own_feedback_with_their_own_scores(semester):
    c = semester
    right, wrong = c.students
    points = autograded_points(read_nb(c.course / "source" / A / f"{A}.ipynb"))
    lost = sum(points[g] for g in c.seen["should_lose"])
    expected = {right: sum(points.values()) + MARK, wrong: sum(points.values()) - lost}
    for student in c.students:
        found = sorted((c.home(student) / A / "feedback").rglob("*.html"))
        assert len(found) == 1, found
        assert found[0].stat().st_uid == pwd.getpwnam(student).pw_uid, "fetched by the student's own server"
        page = found[0].read_text(encoding="utf-8")
        other = next(s for s in c.students if s != student)
        assert f"The argument of {student}" in page and f"The argument of {other}" not in page
        score, maximum = map(float, re.search(r"\(Score: ([\d.]+) / ([\d.]+)\)", page).groups())
        assert score == pytest.approx(expected[student]), (student, score, expected)
        assert maximum == pytest.approx(sum(points.values()) + c.seen["written_points"])


def _refused(run: subprocess.CompletedProcess) -> bool:
    return run.returncode != 0 and "Permission denied" in run.stderr


def test_a_student_cannot_read_another_students_submission_through_the_exchange_or_the_files(semester):
    c = semester
    right, wrong = c.students
    inbound = c.exchange / COURSE_ID / "inbound"
    [theirs] = [p for p in inbound.iterdir() if p.name.startswith(f"{right}+{A}+")]
    # The exchange's inbound folder may not be listed, so the submission's name cannot be found ...
    assert _refused(c.run_as(wrong, "ls", str(inbound)))
    # ... nor guessed: it ends in a random string nbgrader adds. (That is the whole defence: nbgrader makes
    # each submission's folder open to all, "Hidden from other users by the timestamp" as its code says,
    # so the folder's name must stay unknown to other students.)
    assert len(theirs.name.split("+")) == 4 and len(theirs.name.split("+")[3]) >= 12, theirs.name
    # nbgrader's own listing of the inbound submissions, as the student, shows none of them.
    listed = c.run_as(wrong, str(BIN / "nbgrader"), "list", "--inbound")
    assert right not in listed.stdout + listed.stderr
    # The other student's home (their fetched work and feedback) is closed to them.
    assert _refused(c.run_as(wrong, "cat", str(c.home(right) / A / f"{A}.ipynb")))
    assert _refused(c.run_as(wrong, "ls", str(c.home(right))))
    # Released feedback: its folder may not be listed, so another student's file cannot be found.
    assert _refused(c.run_as(wrong, "ls", str(c.exchange / COURSE_ID / "feedback")))


def test_a_student_cannot_read_the_instructors_source_or_the_class_submissions(semester):
    c = semester
    wrong = c.students[1]
    for target in (c.course / "source" / A / f"{A}.ipynb", c.course / "checks" / f"{A}.py",
                   c.course / "gradebook.db", c.course / "submitted"):
        assert _refused(c.run_as(wrong, "cat", str(target))), target
    assert _refused(c.run_as(wrong, "ls", str(c.course)))


def _answers(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_stopping_the_hub_leaves_no_process_port_account_or_file(semester):
    """Last in the module: the hub, with every server still running, is stopped as `make hub-stop` stops it."""
    c = semester
    klass = c.hub.klass
    uids = {pwd.getpwnam(user).pw_uid for user in [c.instructor, *c.students]}
    running = [pid for uid in uids for pid in _processes_of(uid)]
    assert running, "the class's servers are running before the hub stops"
    proxy = int((c.hub.state / "hub" / "proxy.pid").read_text())
    c.hub.stop()
    assert [pid for uid in uids for pid in _processes_of(uid)] == []
    assert not Path(f"/proc/{proxy}").exists(), "the proxy stopped"
    assert c.hub.process.poll() is not None
    for port in (klass["port"], klass["hub_port"], klass["proxy_api_port"]):
        assert not _answers(port), f"port {port} still answers"
    for user in [c.instructor, *c.students]:
        with pytest.raises(KeyError):
            pwd.getpwnam(user)
    assert not c.hub.state.exists()


def _processes_of(uid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                found.append(int(entry.name))
        except FileNotFoundError:
            pass
    return found
