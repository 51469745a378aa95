"""A class with attackers beside honest students: every attack is stopped by a limit the Linux kernel
enforces, reported with the limit it hit, and every honest student is graded as if alone.

One class, graded once (the costly part), with low limits set as an instructor would, in the
course's nbgrader_config.py. Each attack was first run without its limit and seen to succeed
(an unbounded fork, a 50 MB write to the kernel's host folder, `unshare -U -r id` printing uid 0).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import pytest
from coursegrading.autograde import FAILED, GRADED, grade_class
from coursegrading.status import load

from tests.exercises import ordinary_user
from tests.exercises.grading_support import CELL_TIMEOUT, release_nb, source_nb
from tests.exercises.kit import (
    cells_by_id,
    make,
    read_nb,
    reference_answers,
    submit,
    with_answers,
    wrong_answers,
)

A = "paying_providers"
CELL = "block_and_capitation_answer"
LIMITS = {"process_limit": "64", "file_size_limit": '"8M"', "disk_limit": '"32M"', "output_limit": '"2M"'}

ATTACKS = {
    # Each child sleeps on, holding its place; without a per-sandbox limit this takes the host's last pid.
    "forkbomb": "import os, time\nwhile True:\n    if os.fork() == 0:\n        time.sleep(3600)\n",
    "memoryhog": "hog = []\nwhile True:\n    hog.append(bytearray(100 * 1024 ** 2))\n",
    # Home is a tmpfs of the disk limit; each file is under the file size limit.
    "diskfiller": "for i in range(10_000):\n    open(f'/home/student/fill{i}', 'wb').write(b'x' * 4 * 1024 ** 2)\n",
    # The one host folder the kernel may write: where its connection file and sockets are.
    "hostfiller": ("import os, ipykernel.connect\nfolder = os.path.dirname(ipykernel.connect.get_connection_file())\n"
                   "for i in range(10_000):\n    open(os.path.join(folder, f'fill{i}'), 'wb').write(b'x' * 4 * 1024 ** 2)\n"),
    "bigfile": "with open('/tmp/big', 'wb') as big:\n    while True:\n        big.write(b'x' * 1024 ** 2)\n",
    "outputflood": "while True:\n    print('x' * 100_000)\n",
}
# Runs to the end and is graded as the reference is: the attempts print what they got.
NESTED = ("import ctypes, subprocess\n"
          "run = subprocess.run(['unshare', '-U', '-r', 'id'], capture_output=True, text=True)\n"
          "print('unshare -U:', run.returncode, run.stdout.strip(), run.stderr.strip())\n"
          "libc = ctypes.CDLL(None, use_errno=True)\n"
          "print('unshare(CLONE_NEWUSER):', libc.unshare(0x10000000), ctypes.get_errno())\n")
EXPECTED = {"forkbomb": "processes limit (64 processes and threads)", "memoryhog": "memory limit (2 GiB)",
            "diskfiller": "disk limit", "hostfiller": "disk limit", "bigfile": "file size limit (8 MiB)",
            "outputflood": "output limit (2 MiB)"}


@pytest.fixture(scope="module")
def attacked(released, tmp_path_factory):
    course = tmp_path_factory.mktemp("limits") / "course"
    shutil.copytree(released.course, course)
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\n".join(f"c.SandboxedKernelManager.{name} = {value}" for name, value in LIMITS.items()) + "\n")
    source, release = source_nb(course, A), release_nb(course, A)
    reference = reference_answers(source)
    for honest in ("reference", "honest2", "honest3"):
        submit(course, honest, A, with_answers(release, reference))
    submit(course, "wrong", A, with_answers(release, wrong_answers(A, source)))
    for student, attack in ATTACKS.items():
        submit(course, student, A, with_answers(release, dict(reference, **{CELL: attack + "\n" + reference[CELL]})))
    submit(course, "nested", A, with_answers(release, dict(reference, **{CELL: NESTED + "\n" + reference[CELL]})))
    outcomes = {o.student: o for o in grade_class(course, A, cell_timeout=CELL_TIMEOUT, workers=2)}
    return course, outcomes


def test_every_attack_is_stopped_and_reported_with_the_limit_it_hit(attacked):
    course, outcomes = attacked
    said = {student: (outcomes[student].status, outcomes[student].reason) for student in EXPECTED}
    for student, limit in EXPECTED.items():
        status, reason = said[student]
        assert status == FAILED and limit in reason, (student, said)
    # The reason reaches grades.csv as it is.
    run = make("export", f"COURSE={course}")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    rows = {row["student_id"]: row for row in csv.DictReader(open(course / "grades.csv", encoding="utf-8"))
            if row["assignment"] == A}
    for student, limit in EXPECTED.items():
        assert limit in rows[student]["reason"], rows[student]


def test_honest_students_beside_them_are_graded_as_if_alone(attacked):
    course, outcomes = attacked
    reference = outcomes["reference"]
    assert reference.status == GRADED and reference.score > 0, reference
    for student in ("honest2", "honest3", "nested"):
        assert (outcomes[student].status, outcomes[student].score) == (GRADED, reference.score), outcomes[student]
    assert outcomes["wrong"].status == GRADED and outcomes["wrong"].score < reference.score


def test_no_user_namespace_can_be_made_inside_the_sandbox(attacked):
    course, _ = attacked
    notebook = read_nb(course / "autograded" / "nested" / A / f"{A}.ipynb")
    printed = "".join(o["text"] if isinstance(o["text"], str) else "".join(o["text"])
                      for o in cells_by_id(notebook)[CELL]["outputs"] if "text" in o)
    assert "unshare -U: 1" in printed and "Operation not permitted" in printed, printed
    assert "uid=0" not in printed
    assert "unshare(CLONE_NEWUSER): -1 1" in printed, printed  # EPERM from the system-call filter


def test_a_flood_of_output_is_cut_at_the_limit_and_the_notebook_says_so(attacked):
    course, _ = attacked
    notebook = course / "autograded" / "outputflood" / A / f"{A}.ipynb"
    assert notebook.stat().st_size < 4 * 1024 ** 2
    assert "output stopped here: the output limit (2 MiB) was reached" in notebook.read_text(encoding="utf-8")


def test_the_status_of_every_student_is_kept(attacked):
    course, outcomes = attacked
    assert set(load(course, A)) == set(outcomes)


def _record_many(course: str, prefix: str, count: int) -> None:
    from coursegrading import status
    from coursegrading.autograde import GRADED, Outcome

    for number in range(count):
        status.record(course, A, [Outcome(f"{prefix}{number}", GRADED)])


def test_two_graders_recording_at_once_lose_no_status(tmp_path):
    (tmp_path / "source").mkdir()
    code = f"from tests.exercises.test_limits import _record_many; _record_many({str(tmp_path)!r}, {{!r}}, 150)"
    graders = [subprocess.Popen([sys.executable, "-c", code.format(prefix)]) for prefix in ("a", "b")]
    assert [grader.wait(120) for grader in graders] == [0, 0]
    assert len(load(tmp_path, A)) == 300


def test_grading_as_an_ordinary_user_holds_the_same_limits_in_user_namespaces(released):
    """Without root the sandbox is made in a user namespace; the process limit is then per sandbox
    (RLIMIT_NPROC counts within each), the filter still refuses nested namespaces, and grading says
    once which limits it cannot set here (no cgroup without root), then grades everyone."""
    user = ordinary_user.account()
    with ordinary_user.folder_of(user) as folder:
        course = folder / "course"
        shutil.copytree(released.course, course)
        with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write("c.SandboxedKernelManager.process_limit = 64\n")
        source, release = source_nb(course, A), release_nb(course, A)
        reference = reference_answers(source)
        submit(course, "reference", A, with_answers(release, reference))
        submit(course, "forkbomb", A, with_answers(release, dict(reference, **{CELL: ATTACKS["forkbomb"] + reference[CELL]})))
        submit(course, "nested", A, with_answers(release, dict(reference, **{CELL: NESTED + "\n" + reference[CELL]})))
        ordinary_user.give(course, user)
        grade = [sys.executable, "-m", "coursegrading.autograde", A, "--course", str(course),
                 "--cell-timeout", str(CELL_TIMEOUT), "--workers", "2"]
        run = subprocess.run(ordinary_user.as_user(grade, user), capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
        said = {o: load(course, A)[o] for o in ("reference", "forkbomb", "nested")}
        nested = read_nb(course / "autograded" / "nested" / A / f"{A}.ipynb")
        owner = (course / "autograded" / "reference").stat().st_uid
    assert owner == user.pw_uid != 0 or os.geteuid() != 0
    assert run.stderr.count("Note: no cgroup can be made here") == 1, run.stderr[-3000:]
    assert said["reference"]["status"] == said["nested"]["status"] == GRADED, said
    assert said["forkbomb"]["status"] == FAILED and "processes limit (64" in said["forkbomb"]["reason"], said
    printed = "".join(o["text"] if isinstance(o["text"], str) else "".join(o["text"])
                      for o in cells_by_id(nested)[CELL]["outputs"] if "text" in o)
    assert "unshare(CLONE_NEWUSER): -1 1" in printed and "uid=0" not in printed, printed


def test_a_process_past_its_cpu_time_is_killed_and_the_sandbox_says_by_which_limit(tmp_path):
    from coursegrading import sandbox
    from coursegrading.limits import Limits

    folder = tmp_path / "kernel"
    folder.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(folder, 0o777)
    ended = folder / "ended"
    argv = sandbox.bwrap_argv(str(folder), str(folder), Limits(cpu_seconds=1), ended=str(ended))
    run = subprocess.run([*argv, sys.executable, "-c", "while True: pass"], capture_output=True, timeout=60)
    said = int(ended.read_text())
    assert run.returncode == said == 128 + 24, (run, said)  # SIGXCPU
    assert sandbox._SIGNALLED[said] == "CPU time"


LEAVE_AND_DIE = """
import os, signal, tempfile
from coursegrading import limits
pid = os.getpid()
limits.SandboxCgroup(f"carepool-{pid}-kernel-{pid}-left", limits.Limits())
folder = tempfile.mkdtemp(prefix=f"carepool-kernel-{pid}-")
assert limits.mount_small_tmpfs(folder, 65534, 65534)
print(folder, flush=True)
os.kill(pid, signal.SIGKILL)
"""


def test_what_a_killed_grader_leaves_is_swept_up():
    from coursegrading import limits

    if os.geteuid() != 0 or limits.cgroup_layout() is None:
        pytest.skip("needs root and cgroups here: a grader without them makes neither a cgroup nor a mount")
    run = subprocess.run([sys.executable, "-c", LEAVE_AND_DIE], capture_output=True, text=True, timeout=60)
    folder = run.stdout.strip()
    assert run.returncode == -9 and folder, run.stderr
    mounted = lambda: any(line.split()[1] == folder for line in open("/proc/self/mounts"))  # noqa: E731
    assert mounted()
    removed = limits.sweep_leftovers()
    assert folder in removed and not mounted() and not os.path.exists(folder)
    assert sum("-left" in path for path in removed) == len(limits.cgroup_layout()[1])
