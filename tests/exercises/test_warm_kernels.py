"""Kernels forked from a warm kernel server: the same sandbox and rights as a cold kernel, each student apart.

Each test starts real kernels through the course's kernel manager, as
nbgrader's autograder does, and asks them from inside what they can see and do.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import pytest

from coursegrading import sandbox, warm_kernels
from coursegrading.sandbox import SandboxedKernelManager

# What a kernel reports about itself, printed as one JSON line.
LOOK_AROUND = """
import json, os, sys
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
open_files = []
for fd in os.listdir("/proc/self/fd"):
    try:
        open_files.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # the listing's own descriptor, closed by now
        pass
print(json.dumps({
    "preloaded": sorted(m for m in ("numpy", "pandas", "altair", "carepool") if m in sys.modules),
    "uid": os.getresuid(), "gid": os.getresgid(),
    "rights": {k: status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")},
    "session_leader": os.getsid(0) == os.getpid(),
    "cwd": os.getcwd(), "files": sorted(os.listdir(".")), "path0": sys.path[0],
    "argv0": os.path.basename(sys.argv[0]), "env": sorted(os.environ),
    "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "root": sorted(os.listdir("/")), "grading_code_visible": os.path.exists({grading!r}),
    "open_files": sorted(open_files),
}))
"""


def look_around_code() -> str:
    return LOOK_AROUND.replace("{grading!r}", repr(str(Path(warm_kernels.__file__).parent)))


async def _run(code_cells: list[str], workdir: Path, server: str | None) -> list[str]:
    """Start a sandboxed kernel (forked from `server` if given) in `workdir`, run the cells, return their stdout."""
    manager = SandboxedKernelManager(kernel_name="python3", warm_kernel_server=server or "")
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


def run(code_cells: list[str], workdir: Path, server: str | None) -> list[str]:
    return asyncio.run(_run(code_cells, workdir, server))


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
    assert not [f for f in warm["open_files"] if server_folder in f or "carepool-warm" in f]
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


def test_a_warm_kernels_sandbox_ends_with_the_kernel(server, workdir):
    started = time.monotonic()
    run(["print('done')"], workdir, server)
    took = time.monotonic() - started
    # jupyter_client would wait shutdown_wait_time (5 s) and then kill a sandbox that outlived its kernel.
    assert took < 5, f"starting, running and stopping a warm kernel took {took:.1f} s"
    leftover = subprocess.run(["pgrep", "-f", f"{workdir}"], capture_output=True, text=True).stdout.split()
    assert leftover == []


def test_a_request_for_a_process_that_is_not_a_sandbox_is_refused(server):
    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="could not enter the sandbox"):
        warm_kernels.request_kernel(server, 2 ** 22 + 7, ["python", "-m", "ipykernel_launcher"], "/nonexistent",
                                    sandbox.WORKDIR, sandbox.kernel_env())


def test_a_request_to_join_a_process_outside_any_sandbox_is_refused(server):
    import os

    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="not in a sandbox"):
        warm_kernels.request_kernel(server, os.getpid(), ["python", "-m", "ipykernel_launcher"], "/nonexistent",
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


def test_a_sandbox_is_joined_only_once_its_placeholder_says_it_is_set_up(tmp_path):
    class StillRunning:
        def poll(self):
            return None

    info, ready = tmp_path / "sandbox.json", tmp_path / "ready"
    info.write_text('{\n    "child-pid": 4321\n}\n')  # bubblewrap says the pid as soon as the sandbox exists
    with pytest.raises(warm_kernels.WarmKernelUnavailable, match="did not start within"):
        warm_kernels.wait_for_sandbox(str(info), str(ready), StillRunning(), timeout=0.3)
    ready.touch()
    assert warm_kernels.wait_for_sandbox(str(info), str(ready), StillRunning(), timeout=0.3) == 4321
