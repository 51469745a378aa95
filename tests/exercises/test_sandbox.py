"""Autograding untrusted notebooks in the sandbox: each attack fails, honest work keeps its marks.

A copy of the released course gets one submission per attack, each the
reference answers with the attack appended to an answer cell. The attack
writes what it managed into its own output, which the tests read back from
the autograded notebook, beside the instructor's files and the gradebook.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursegrading.autograde import FAILED, GRADED, grade_class
from coursegrading.submissions import folder_problem
from tests.exercises.grading_support import CELL_TIMEOUT, hidden_probes, instructor_lines, page_text, release_nb, source_nb
from tests.exercises.kit import (ROOT, autograded_points, make, nbgrader, read_nb, reference_answers,
                                 scores, submit, with_answers)

A = "paying_providers"
ATTACKED_CELL = "marginal_rate_income_answer"


def attacks(course: Path, port: int) -> dict[str, str]:
    """Each attacking student's code, run where student code runs: inside an answer cell."""
    solution = course / "source" / A / f"{A}.ipynb"
    return {
        "readsolution": f"""
import os
print("IDENTITY", os.getuid(), os.getgid(), open("/proc/self/status").read().split("CapEff:")[1].split()[0])
for path in [{str(solution)!r}, "../../../source/{A}/{A}.ipynb", {str(course / 'nbgrader_config.py')!r},
             {str(course / 'gradebook.db')!r}, os.path.expanduser("~root/.bashrc"), "/root/.bashrc"]:
    try:
        print("READ", path, open(path, errors="replace").read())
    except OSError as err:
        print("BLOCKED", path, type(err).__name__)
""",
        "writegradebook": f"""
import os, sqlite3
for path in [{str(course / 'gradebook.db')!r}, "../../../gradebook.db"]:
    try:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE grade SET manual_score = 99")
        print("WROTE", path)
    except Exception as err:
        print("BLOCKED", path, type(err).__name__)
for path in [{str(course / 'planted.txt')!r}, "/tmp/planted.txt", os.path.expanduser("~/planted.txt"),
             "planted.txt"]:
    try:
        open(path, "w").write("planted")
        print("WROTE", path)
    except OSError as err:
        print("BLOCKED", path, type(err).__name__)
try:
    os.symlink({str(course / 'gradebook.db')!r}, "planted_link.db")
    print("WROTE planted_link.db")
except OSError as err:
    print("BLOCKED planted_link.db", type(err).__name__)
""",
        "readother": f"""
import glob, os
for pattern in [{str(course / 'submitted' / '*' / A / '*.ipynb')!r}, "../../*/{A}/*.ipynb",
                {str(course / 'release' / '*' / '*')!r}, {str(course / 'feedback' / '*')!r}]:
    print("FOUND", pattern, glob.glob(pattern))
print("ROOT", sorted(os.listdir("/")), "HOME", sorted(os.listdir(os.path.expanduser("~"))))
""",
        "network": f"""
import socket
for host in ["127.0.0.1", "localhost"]:
    try:
        socket.create_connection((host, {port}), timeout=3).sendall(b"stolen")
        print("CONNECTED", host)
    except OSError as err:
        print("BLOCKED", host, type(err).__name__)
""",
        # Prints the source lines of every frame that calls it: a hidden test's own code.
        "spyhidden": """
import inspect
_honest_marginal_rate_income = marginal_rate_income
def marginal_rate_income(*args, **kwargs):
    for frame in inspect.stack()[1:]:
        print("SPY", frame.code_context)
    return _honest_marginal_rate_income(*args, **kwargs)
""",
    }


@dataclass
class Attacked:
    course: Path
    outcomes: dict
    received: list[bytes]


def outputs_text(course: Path, student: str) -> str:
    """Everything the student's autograded notebook printed or raised, as plain text."""
    nb = read_nb(course / "autograded" / student / A / f"{A}.ipynb")
    parts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                parts.append("".join(output["text"]))
            elif output["output_type"] == "error":
                parts += [output["ename"], output["evalue"], *output["traceback"]]
            else:
                parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def attacked(released, tmp_path_factory) -> Attacked:
    course = tmp_path_factory.mktemp("attacked") / "course"
    shutil.copytree(released.course, course)
    source, release = source_nb(course, A), release_nb(course, A)
    ref = reference_answers(source)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    for student, code in attacks(course, listener.getsockname()[1]).items():
        submit(course, student, A, with_answers(release, dict(ref, **{ATTACKED_CELL: ref[ATTACKED_CELL] + "\n" + code})))
    submit(course, "honest", A, with_answers(release, ref))
    # Links planted for nbgrader (which copies by following them) and for the later steps.
    planted = submit(course, "plantlink", A, with_answers(release, ref)).parent
    (planted / "solution.ipynb").symlink_to(course / "source" / A / f"{A}.ipynb")
    (planted / "gradebook.db").symlink_to("../../../gradebook.db")
    (planted / "passwd").symlink_to("/etc/passwd")
    outcomes = {o.student: o for o in grade_class(course, A, cell_timeout=CELL_TIMEOUT, progress=None)}
    received = []
    try:
        while True:
            connection, _ = listener.accept()
            received.append(connection.recv(100))
    except BlockingIOError:
        pass
    listener.close()
    return Attacked(course, outcomes, received)


def test_student_code_runs_as_an_unprivileged_user_with_no_capabilities(attacked):
    uid, gid, capabilities = outputs_text(attacked.course, "readsolution").split("IDENTITY ")[1].split()[:3]
    assert (uid, gid) == ("65534", "65534")
    assert int(capabilities, 16) == 0


def test_student_code_cannot_read_the_solutions_configuration_or_gradebook(attacked):
    seen = outputs_text(attacked.course, "readsolution")
    assert "READ " not in seen
    assert seen.count("BLOCKED ") == 6
    leaked = [line for line in instructor_lines(attacked.course) if line in seen]
    assert leaked == [], "solution or hidden-test lines reached the student's output"


def test_student_code_cannot_change_the_gradebook_or_leave_files_behind(attacked):
    seen = outputs_text(attacked.course, "writegradebook")
    for path in (attacked.course / "gradebook.db", "../../../gradebook.db", attacked.course / "planted.txt"):
        assert f"BLOCKED {path}" in seen
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{attacked.course / 'gradebook.db'}") as gb:
        manual = [g.manual_score for s in gb.assignment_submissions(A) for n in s.notebooks for g in n.grades]
    assert 99 not in manual
    assert not (attacked.course / "planted.txt").exists()
    # What it wrote in its working folder, home and /tmp (all private, in memory) is gone with the kernel.
    assert "WROTE planted.txt" in seen and "WROTE planted_link.db" in seen
    assert not Path("/tmp/planted.txt").exists()
    left = [p.name for p in (attacked.course / "autograded" / "writegradebook" / A).iterdir()]
    assert [name for name in left if name.startswith("planted")] == []


def test_student_code_cannot_see_other_students_or_the_release_and_feedback(attacked):
    seen = outputs_text(attacked.course, "readother")
    found = [line for line in seen.splitlines() if line.startswith("FOUND")]
    assert len(found) == 4 and all(line.endswith("[]") for line in found)
    assert "'work'" in seen  # the home holds only the working copy


def test_student_code_has_no_network(attacked):
    seen = outputs_text(attacked.course, "network")
    assert "CONNECTED" not in seen and seen.count("BLOCKED") == 2
    assert attacked.received == [], "the listening socket on 127.0.0.1 received a connection"


def test_attacks_do_not_cost_honest_answers_their_marks_nor_change_other_grades(attacked):
    points = autograded_points(source_nb(attacked.course, A))
    for student in ("honest", "readsolution", "writegradebook", "readother", "network", "spyhidden"):
        assert attacked.outcomes[student].status == GRADED, attacked.outcomes[student]
        got = scores(attacked.course, A, student)
        assert {g: got[g] for g in points} == points, student


def test_an_honest_submission_scores_the_same_without_the_sandbox(attacked, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(attacked.course, course, ignore=shutil.ignore_patterns("autograded", "submitted"))
    shutil.copytree(attacked.course / "submitted" / "honest", course / "submitted" / "honest")
    run = make("autograde", f"ASSIGNMENT={A}", f"COURSE={course}", f"CELL_TIMEOUT={CELL_TIMEOUT}", "SANDBOX=off")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "WARNING: grading without the sandbox" in run.stderr
    assert scores(course, A, "honest") == scores(attacked.course, A, "honest")


def test_planted_links_are_refused_before_grading(attacked):
    outcome = attacked.outcomes["plantlink"]
    assert outcome.status == FAILED
    for name in ("solution.ipynb", "gradebook.db", "passwd"):
        assert f"{name} (a link)" in outcome.reason
    assert not (attacked.course / "autograded" / "plantlink").exists(), "nothing was copied"


def test_links_and_special_files_anywhere_in_a_submission_are_found(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "ok.txt").write_text("fine")
    assert folder_problem(tmp_path) is None
    (tmp_path / "notes" / "up").symlink_to("../..", target_is_directory=True)
    os.mkfifo(tmp_path / "pipe")
    os.link(tmp_path / "notes" / "ok.txt", tmp_path / "hard.txt")
    problem = folder_problem(tmp_path)
    assert "notes/up (a link)" in problem and "pipe (not a plain file)" in problem
    assert "hard.txt (a hard link)" in problem


def test_feedback_never_shows_hidden_checks_a_submission_tried_to_print(attacked):
    # The spy prints the code of every frame that calls its function. The grader calls it for the hidden
    # checks only after the last cell, and discards what the kernel prints then; the checks themselves run
    # in the grader's process, so no frame of theirs is there to read.
    hidden = {e for e in hidden_probes(attacked.course, "spyhidden") if "marginal_rate_income" in e}
    assert hidden, "there are hidden questions calling the spied function"
    run = make("feedback", f"ASSIGNMENT={A}", f"COURSE={attacked.course}")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    page = page_text(attacked.course / "feedback" / "spyhidden" / A / f"{A}.html")
    assert "Score: 9.0 / 13.0" in page
    assert "SPY" in outputs_text(attacked.course, "spyhidden"), "the spy ran in the student's own cells"
    hidden_code = [line for line in instructor_lines(attacked.course) if "hidden" in line or "close(" in line]
    shown = [found for found in [*hidden, *hidden_code] if found in page]
    assert shown == [], f"feedback showed hidden checks: {shown[:3]}"


def test_grading_refuses_to_run_unsandboxed_when_bubblewrap_is_missing(attacked, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(attacked.course, course)
    before = hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest()
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no /usr/bin, so no bwrap
    run = subprocess.run([sys.executable, "-m", "coursegrading.autograde", A, "--course", str(course)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode != 0
    assert "bubblewrap" in run.stderr and "--no-sandbox" in run.stderr and "SANDBOX=off" in run.stderr
    assert hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest() == before


def test_plain_nbgrader_autograde_in_the_course_is_sandboxed_too(attacked):
    # formgrader's autograde button and `nbgrader autograde` read the course's nbgrader_config.py.
    release, ref = release_nb(attacked.course, A), reference_answers(source_nb(attacked.course, A))
    code = attacks(attacked.course, 9)["readsolution"]
    submit(attacked.course, "plainnbgrader", A, with_answers(release, dict(ref, **{ATTACKED_CELL: ref[ATTACKED_CELL] + "\n" + code})))
    run = nbgrader(attacked.course, "autograde", A, "--student", "plainnbgrader", "--force")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    seen = outputs_text(attacked.course, "plainnbgrader")
    uid, gid, capabilities = seen.split("IDENTITY ")[1].split()[:3]
    assert (uid, gid, int(capabilities, 16)) == ("65534", "65534", 0)
    assert "READ " not in seen and seen.count("BLOCKED ") == 6


def test_a_course_cloned_under_tmp_is_reachable_by_the_unprivileged_kernel():
    # /tmp inside the sandbox is an empty tmpfs: the folders leading to a venv under it must be made, passable.
    from coursegrading.sandbox import _parents

    made = _parents(Path("/tmp/clone/.venv"), bound=[])
    assert made == ["--perms", "0755", "--dir", "/tmp/clone"]
    # Folders inside something already bound keep the host's own permissions.
    assert _parents(Path("/usr/lib/python3/dist-packages"), bound=[Path("/usr")]) == []
