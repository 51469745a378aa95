"""Kernels forked from a warm kernel server: the same sandbox and rights as a cold kernel, each student apart.

Each test starts real kernels through the course's kernel manager, as
nbgrader's autograder does, and asks them from inside what they can see and do.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coursegrading import sandbox, warm_kernels
from coursegrading.sandbox import SandboxedKernelManager

# What a kernel reports about itself, printed as one JSON line.
LOOK_AROUND = """
import json, os, sys
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
open_files = {}
for fd in os.listdir("/proc/self/fd"):
    try:
        open_files[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # the listing's own descriptor, closed by now
        pass
print(json.dumps({
    "preloaded": sorted(m for m in ("numpy", "pandas", "altair", "carepool") if m in sys.modules),
    "uid": os.getresuid(), "gid": os.getresgid(),
    "rights": {k: status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")},
    "session_leader": os.getsid(0) == os.getpid(),
    "cwd": os.getcwd(), "files": sorted(os.listdir(".")), "path0": sys.path[0],
    "argv0": os.path.basename(sys.argv[0]), "env": dict(os.environ),
    "pid": os.getpid(), "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "root": sorted(os.listdir("/")), "grading_code_visible": os.path.exists({grading!r}),
    "open_files": open_files,
}))
"""


def look_around_code() -> str:
    return LOOK_AROUND.replace("{grading!r}", repr(str(Path(warm_kernels.__file__).parent)))


def kinds(open_files: dict[str, str]) -> dict[str, int]:
    """How many files of each kind (socket, pipe, eventfd, a path...) a kernel opened beyond stdin, stdout and stderr.

    Left out: a warm kernel's FIFO (what keeps its sandbox's placeholder
    waiting; a cold kernel has none) and ipykernel's copies of the grader's
    own stdout and stderr, which every kernel inherits (a cold one both, a
    warm one the server's stderr twice), and IPython's history database,
    whose journal comes and goes as it writes.
    """
    graders = {os.readlink(f"/proc/self/fd/{fd}") for fd in (1, 2)}
    counted: dict[str, int] = {}
    for fd, target in open_files.items():
        if int(fd) > 2 and not target.endswith("/alive") and target not in graders and "/.ipython/" not in target:
            kind = target.split("[")[0] if "[" in target else target
            if "/carepool-sandbox-info-" in kind:  # the kernel's own output log, in a folder of its own
                kind = Path(kind).name
            counted[kind] = counted.get(kind, 0) + 1
    return counted


async def _run(code_cells: list[str], workdir: Path, server: str | None, log=None) -> list[str]:
    """Start a sandboxed kernel (forked from `server` if given) in `workdir`, run the cells, return their stdout."""
    manager = SandboxedKernelManager(kernel_name="python3", warm_kernel_server=server or "")
    if log is not None:
        manager.log = log
    await manager.start_kernel(cwd=str(workdir))
    client = manager.client()
    client.start_channels()
    printed = []
    try:
        await client.wait_for_ready(timeout=60)
        for code in code_cells:
            out = []

            def hook(msg, out=out):
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

            await client.execute_interactive(code, output_hook=hook, timeout=60)
            printed.append("".join(out))
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=False)
    return printed


def in_own_loop(coroutine):
    """Run `coroutine` to its end on an event loop of its own (in the full suite, this thread may have one running)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def run(code_cells: list[str], workdir: Path, server: str | None, log=None) -> list[str]:
    return in_own_loop(_run(code_cells, workdir, server, log))


@pytest.fixture(scope="module")
def server():
    sandbox.check_available()
    with warm_kernels.running(sandbox.kernel_env()) as socket_path:
        yield socket_path


@pytest.fixture
def workdir(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "answers.ipynb").write_text("{}")
    (folder / "helper.py").write_text("VALUE = 42\n")
    for path in (tmp_path, folder):
        path.chmod(0o755)
    (folder / "answers.ipynb").chmod(0o644)
    (folder / "helper.py").chmod(0o644)
    return folder


def test_a_warm_kernel_has_the_imports_done_and_nothing_else_of_the_server(server, workdir):
    [seen] = run([look_around_code()], workdir, server)
    warm = json.loads(seen)
    assert warm["preloaded"] == ["altair", "carepool", "numpy", "pandas"]
    # Only its own files: stdin, stdout and stderr, the FIFO its sandbox lives by, and ipykernel's own.
    server_folder = str(Path(server).parent)
    assert not [f for f in warm["open_files"].values() if server_folder in f or "carepool-warm" in f]
    assert not warm["grading_code_visible"]


def test_a_warm_kernel_has_a_cold_kernels_sandbox_rights_and_surroundings(server, workdir):
    [warm_seen] = run([look_around_code()], workdir, server)
    [cold_seen] = run([look_around_code()], workdir, None)
    warm, cold = json.loads(warm_seen), json.loads(cold_seen)
    assert cold["preloaded"] == []  # the cold kernel really was started cold
    assert warm["uid"] == cold["uid"] == [sandbox.UID] * 3
    assert warm["gid"] == cold["gid"] == [sandbox.GID] * 3
    no_rights = {"CapInh": "0" * 16, "CapPrm": "0" * 16, "CapEff": "0" * 16, "CapBnd": "0" * 16,
                 "CapAmb": "0" * 16, "NoNewPrivs": "1"}
    assert warm["rights"] == cold["rights"] == no_rights
    for same in ("cwd", "files", "path0", "argv0", "env", "root"):
        assert warm[same] == cold[same], same
    # The same files open, kind for kind (a socket or pipe of the server's left open would be one more).
    assert kinds(warm["open_files"]) == kinds(cold["open_files"])
    assert warm["pid"] in warm["processes"]
    assert warm["cwd"] == sandbox.WORKDIR
    assert warm["files"] == ["answers.ipynb", "helper.py"]
    assert warm["argv0"] == "ipykernel_launcher.py"
    assert warm["session_leader"]  # its own session: no terminal of the instructor's to type into
    # Its own pid namespace: bubblewrap's init, the placeholder and the kernel, nothing of the host.
    assert len(warm["processes"]) <= 4 and max(warm["processes"]) < 100


def test_each_warm_kernel_has_its_own_tmp_home_and_random_numbers(server, workdir):
    leave = ("import numpy, os\n"
             "open('/tmp/left.txt', 'w').write('x'); open(os.path.expanduser('~/left.txt'), 'w').write('x')\n"
             "print(numpy.random.random())")
    find = ("import numpy, os\n"
            "print(os.path.exists('/tmp/left.txt'), os.path.exists(os.path.expanduser('~/left.txt')),"
            " numpy.random.random())")
    [first] = run([leave], workdir, server)
    [second] = run([find], workdir, server)
    tmp_seen, home_seen, number = second.split()
    assert (tmp_seen, home_seen) == ("False", "False")
    assert float(first) != float(number), "both kernels drew the server's copied random state"


def test_a_warm_kernel_imports_modules_beside_the_notebook_as_a_cold_one_does(server, workdir):
    [warm] = run(["import helper; print(helper.VALUE)"], workdir, server)
    [cold] = run(["import helper; print(helper.VALUE)"], workdir, None)
    assert warm.strip() == cold.strip() == "42"


def test_a_kernel_is_started_cold_when_the_warm_server_cannot_be_reached(workdir, tmp_path):
    [seen] = run([look_around_code()], workdir, str(tmp_path / "no-server-here"))
    fallback = json.loads(seen)
    assert fallback["preloaded"] == []
    assert fallback["uid"] == [sandbox.UID] * 3 and fallback["rights"]["CapEff"] == "0" * 16


def _forked_from(server: str) -> list[str]:
    """Processes running the server's program: the server, and any kernel (or its parent) forked from it."""
    return subprocess.run(["pgrep", "-f", server], capture_output=True, text=True).stdout.split()


def test_a_warm_kernels_sandbox_and_processes_end_with_the_kernel(server, workdir):
    before = _forked_from(server)
    assert len(before) == 1  # the server alone
    started = time.monotonic()
    run(["print('done')"], workdir, server)
    took = time.monotonic() - started
    # jupyter_client would wait shutdown_wait_time (5 s) and then kill a sandbox that outlived its kernel.
    assert took < 5, f"starting, running and stopping a warm kernel took {took:.1f} s"
    def left() -> list[str]:
        running = sorted(set(_forked_from(server)) - set(before))
        states = subprocess.run(["ps", "-eo", "stat=,pid=,ppid="], capture_output=True, text=True).stdout
        unreaped = [line for line in states.splitlines() if line.startswith("Z") and line.split()[2] == before[0]]
        return running + unreaped

    deadline = time.monotonic() + 5  # the server collects a kernel's parent within a second
    while left():
        assert time.monotonic() < deadline, f"left running or not collected: {left()}"
        time.sleep(0.2)


def test_two_warm_kernels_at_once_each_see_their_own_submission(server, tmp_path):
    folders = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}.ipynb").write_text("{}")
        folder.chmod(0o755)
        (folder / f"{name}.ipynb").chmod(0o644)
        folders.append(folder)
    tmp_path.chmod(0o755)
    code = "import os; print(sorted(os.listdir('.')))"

    async def both():
        return await asyncio.gather(*(_run([code], folder, server) for folder in folders))

    [[first], [second]] = in_own_loop(both())
    assert first.strip() == "['first.ipynb']" and second.strip() == "['second.ipynb']"


def test_a_request_for_a_process_that_does_not_exist_is_refused(server):
    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="could not enter the sandbox"):
        warm_kernels.request_kernel(server, 2 ** 22 + 7, {}, ["python", "-m", "ipykernel_launcher"], "/nonexistent",
                                    sandbox.WORKDIR, sandbox.kernel_env())


def test_a_request_naming_other_namespaces_than_the_process_has_is_refused(server):
    # As if the sandbox's pid had been reused by another process: bubblewrap's namespace ids do not match.
    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="not the sandbox bubblewrap made"):
        warm_kernels.request_kernel(server, os.getpid(), {"mnt": 1, "pid": 2}, ["python", "-m", "ipykernel_launcher"],
                                    "/nonexistent", sandbox.WORKDIR, sandbox.kernel_env())


def test_a_request_to_join_a_process_outside_any_sandbox_is_refused(server):
    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="not in a sandbox"):
        warm_kernels.request_kernel(server, os.getpid(), {}, ["python", "-m", "ipykernel_launcher"], "/nonexistent",
                                    sandbox.WORKDIR, sandbox.kernel_env())


def test_a_server_whose_grader_dies_without_stopping_it_stops_by_itself():
    import sys

    grader = ("import os\nfrom coursegrading import sandbox, warm_kernels\n"
              "with warm_kernels.running(sandbox.kernel_env()) as socket_path:\n"
              "    print(socket_path, flush=True)\n"
              "    os._exit(0)  # as if killed: no clean-up\n")
    socket_path = subprocess.run([sys.executable, "-c", grader], capture_output=True, text=True,
                                 timeout=120).stdout.strip()
    assert socket_path.endswith("/server")
    deadline = time.monotonic() + 20
    while subprocess.run(["pgrep", "-f", socket_path], capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "the warm kernel server outlived its grader"
        time.sleep(0.2)


def _warm_servers() -> set[str]:
    found = subprocess.run(["pgrep", "-f", "coursegrading.warm_kernels .*carepool-warm-"], capture_output=True, text=True)
    return set(found.stdout.split())


def test_a_server_is_started_at_once_and_waited_for_only_when_its_socket_is_needed():
    before = _warm_servers()
    with warm_kernels.starting(sandbox.kernel_env()) as ready:
        assert len(_warm_servers() - before) == 1  # started, though nobody has waited for it yet
        socket_path = ready()
        assert Path(socket_path).is_socket()
        assert ready() == socket_path  # waited for once
    assert _warm_servers() <= before


def test_a_server_that_does_not_start_leaves_every_kernel_cold_saying_so_once(monkeypatch, capsys):
    monkeypatch.setattr(warm_kernels, "READY", "a word the server never says")
    with warm_kernels.maybe_starting(True) as ready:
        assert ready() is None and ready() is None
    assert capsys.readouterr().err.count("Starting every kernel cold: the warm kernel server did not start") == 1
    with warm_kernels.maybe_starting(False) as ready:
        assert ready() is None
    assert capsys.readouterr().err == ""


def test_a_sandbox_is_joined_only_once_its_placeholder_says_it_is_set_up(tmp_path):
    class StillRunning:
        def poll(self):
            return None

    info, ready = tmp_path / "sandbox.json", tmp_path / "ready"
    info.write_text('{\n    "child-pid": 4321\n}\n')  # bubblewrap says the pid as soon as the sandbox exists
    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="did not start within"):
        warm_kernels.wait_for_sandbox(str(info), str(ready), StillRunning(), timeout=0.3)
    ready.touch()
    assert warm_kernels.wait_for_sandbox(str(info), str(ready), StillRunning(), timeout=0.3)["child-pid"] == 4321


def _in_a_fork(act) -> str:
    """Run `act()` in a forked child (rights are dropped for good) and return what it reported."""
    said, says = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(said)
        try:
            report = act()
        except BaseException as err:
            report = f"{type(err).__name__}: {err}"
        os.write(says, report.encode())
        os._exit(0)
    os.close(says)
    with os.fdopen(said) as told:
        report = told.read()
    os.waitpid(child, 0)
    return report


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping from root to nobody needs the tests to run as root")
def test_dropping_rights_as_root_leaves_nobody_with_none():
    def drop_and_look():
        sandbox.drop_privileges(in_user_namespace=False)
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
        return json.dumps([os.getresuid(), os.getresgid(), os.getgroups(),
                           [status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")]])

    uids, gids, groups, rights = json.loads(_in_a_fork(drop_and_look))
    assert uids == [sandbox.UID] * 3 and gids == [sandbox.GID] * 3 and groups == []
    assert rights == ["0" * 16] * 5 + ["1"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a process with rights to keep: the tests run as root")
def test_a_drop_that_leaves_a_right_is_refused_not_trusted():
    # Told (wrongly) that a user namespace already made it nobody, root keeps its uid: the check must catch it.
    report = _in_a_fork(lambda: sandbox.drop_privileges(in_user_namespace=True) or "dropped")
    assert report.startswith("PermissionError: rights left after dropping them")


def test_what_a_kernel_prints_to_its_own_stderr_is_kept_less_ipykernels_banner(tmp_path):
    log = tmp_path / "kernel.log"
    log.write_text("NOTE: When using the `ipython kernel` entry point, Ctrl-C will not work.\n\n"
                   "To exit, you will have to explicitly quit this process.\n\n"
                   "To connect another client to this kernel, use:\n    --existing /tmp/x/kernel.json\n"
                   "Fatal Python error: Segmentation fault\n")
    assert sandbox.kernel_output(str(log)) == "Fatal Python error: Segmentation fault"
    assert sandbox.kernel_output(str(tmp_path / "never-written.log")) == ""


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_what_a_kernel_prints_to_its_real_stderr_reaches_the_graders_log_not_its_terminal(server, workdir, warm, capfd):
    import logging

    records = []
    log = logging.getLogger(f"test-kernel-output-{warm}")
    log.addHandler(logging.Handler())
    log.handlers[-1].emit = records.append
    # Past ipykernel's capture, straight to the kernel's own stderr (as a crash report would be).
    code = "import os, sys; os.write(sys.stderr._original_stdstream_copy, b'said to the real stderr')"
    run([code], workdir, server if warm else None, log)
    said = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert len(said) == 1 and said[0].endswith("not into the notebook:\nsaid to the real stderr")
    assert "ipython kernel" not in said[0]  # the banner is not news
    printed = capfd.readouterr()
    assert "said to the real stderr" not in printed.out + printed.err
    assert "NOTE: When using the `ipython kernel`" not in printed.out + printed.err
