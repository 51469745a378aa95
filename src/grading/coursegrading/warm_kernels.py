"""Students' kernels forked from one that has already done the imports.

A graded notebook's kernel spends most of its life starting: Python,
ipykernel, then the notebook's own imports (numpy, pandas, Altair, carepool),
about three seconds of the five a submission takes. Every student pays the
same three seconds for the same modules. Here one process per grading run, the
*warm kernel server*, imports them once; each student's kernel is a fork of it.

The sandbox is unchanged. Each student still gets a sandbox of their own, made
by bubblewrap exactly as for a kernel started cold (`sandbox.bwrap_argv`), but
running only a placeholder (`cat` on a FIFO). The server's fork joins that
sandbox's namespaces (`sandbox.enter`), so it sees only the sandbox's file
system, network and processes, joins its cgroup, drops to the unprivileged
user with no capabilities, takes the same limits and system-call filter as a
cold kernel (`limits`), and only then becomes the kernel. When the kernel exits, the
FIFO closes, the placeholder ends and bubblewrap takes down whatever is left.

The server holds nothing of the instructor's: it starts with the sandbox's
environment, in `/`, and imports only libraries. Its socket is in a folder
only the instructor can enter. A kernel that cannot be started warm (a
non-Python kernel, or the server gone) is started cold, as before.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Callable, Iterator

from coursegrading import limits, sandbox

# What a kernel and the course's notebooks import; importing them once is what a warm kernel saves. Named,
# not imported here: numpy, pandas, Altair and carepool belong to the students' environment, not to grading.
PRELOAD = (
    # ipykernel, and what it imports only as it starts (its debugger's own modules are left to the kernel:
    # imported here, they would print their warnings to the grader's terminal)
    "ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "IPython.core.completerlib", "IPython.core.debugger",
    "IPython.core.logger", "IPython.core.oinspect", "IPython.extensions.storemagic", "faulthandler", "psutil",
    "sqlite3", "tornado.platform.asyncio", "tornado.queues",
    # the notebooks' imports
    "numpy", "pandas", "altair", "carepool",
    # what Altair imports for its first chart of a pandas table, drawn as SVG
    "narwhals.stable.v1", "narwhals._pandas_like.dataframe", "pandas.core.methods.to_dict", "vl_convert",
)
READY = "ready"


class WarmKernelUnavailable(RuntimeError):
    """No warm kernel could be had; the kernel is started cold instead."""


# --- the server --------------------------------------------------------------------------------

def serve(socket_path: str) -> None:
    """Import PRELOAD, then fork a kernel into a sandbox for each request on `socket_path`, one at a time."""
    # As ipykernel_launcher does: no working folder on the path (the kernel puts its own back, as '').
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:  # not in this environment: a notebook that needs it fails cold or warm alike
            pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    listener.settimeout(1.0)
    grader = os.getppid()
    print(READY, flush=True)
    os.dup2(2, 1)  # the grader reads only READY from stdout (each kernel gets an output file of its own)
    while True:
        _reap()
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != grader:  # the grader is gone (killed, say) without stopping us: stop
                return
            continue
        connection.settimeout(None)
        try:
            request = json.loads(connection.makefile("r").readline())
            if os.fork() == 0:
                _start_kernel(request, connection, listener)  # never returns
        except Exception as err:  # a bad request fails that request, not the server
            _reply(connection, {"ok": False, "error": f"{type(err).__name__}: {err}"})
        finally:
            connection.close()


def _reap() -> None:
    """Collect the forks whose kernels have ended."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:  # none left
        pass


def _reply(connection: socket.socket, message: dict) -> None:
    try:
        connection.sendall((json.dumps(message) + "\n").encode())
    except OSError:
        pass


def _start_kernel(request: dict, connection: socket.socket, listener: socket.socket) -> None:
    """In the server's fork: enter the sandbox, fork the kernel there, say whether it started, wait for its end.

    This process stays the kernel's parent, outside the sandbox's pid
    namespace, so the kernel is never orphaned and is collected the moment
    it ends (else its sandbox could not close).
    """
    try:
        listener.close()
        # Opened on the host's side, before joining: the kernel's stdout and stderr.
        output = os.open(request["output"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        for procs in request.get("cgroup", []):  # the sandbox's cgroup: its memory and process limits
            Path(procs).write_text(str(os.getpid()))
        joined_user = sandbox.enter(request["sandbox_pid"], request["namespaces"])  # pid namespace: next fork's
        said, says = os.pipe()
        kernel = os.fork()
        if kernel == 0:
            connection.close()
            os.close(said)
            _become_kernel(request, joined_user, says, output)  # never returns
        os.close(says)
        with os.fdopen(said, "r") as told:
            problem = told.read()  # "" once the kernel is ready to start, else why it is not
        _reply(connection, {"ok": False, "error": problem} if problem else {"ok": True, "pid": kernel})
        connection.close()
        _, status = os.waitpid(kernel, 0)
        if request.get("ended"):  # as a shell says it: 128 + the signal that ended the kernel (a limit's, say)
            code = os.waitstatus_to_exitcode(status)
            Path(request["ended"]).write_text(str(128 - code if code < 0 else code))
    except BaseException as err:
        _reply(connection, {"ok": False, "error": f"could not enter the sandbox: {type(err).__name__}: {err}"})
    finally:
        os._exit(0)


def _become_kernel(request: dict, joined_user: bool, says: int, output: int) -> None:
    """In the sandbox: drop to the student's rights, hold the placeholder's FIFO, then run ipykernel.

    Anything that goes wrong before ipykernel starts is written to `says`
    (nothing if all went well), so a kernel that kept a right, or could not
    take its place, is never reported started: the kernel is then started cold.
    """
    status = 1
    try:
        try:
            os.setsid()  # no controlling terminal to push keystrokes into
            sandbox.drop_privileges(joined_user)
            # The limits a cold kernel gets from prlimit and bubblewrap's filter.
            limits.apply_rlimits(limits.Limits(**request.get("limits", {})), per_sandbox_nproc=joined_user)
            program = limits.seccomp_program()
            if program is not None:
                limits.apply_seccomp(program)
            # The placeholder's `cat` waits for a writer; from now on it ends when this kernel does.
            alive = os.open(request["alive"], os.O_WRONLY)
            os.chdir(request["workdir"])
        except BaseException as err:
            os.write(says, f"could not start in the sandbox: {type(err).__name__}: {err}".encode())
            raise
        finally:
            os.close(says)
        null = os.open("/dev/null", os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        for fd in map(int, os.listdir("/proc/self/fd")):  # nothing of the server's (its socket, pipes) stays open
            if fd > 2 and fd != alive:
                try:
                    os.close(fd)
                except OSError:  # the listing's own, already gone
                    pass
        os.environ.clear()
        os.environ.update(request["env"])
        # As `python -m ipykernel_launcher ARGS` would have them: the launcher's path, then its arguments.
        arguments = list(request["argv"][3:])
        sys.argv = [find_spec("ipykernel_launcher").origin, *arguments]
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed()  # the fork copied the server's random state; each student gets their own
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=arguments)
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(status)


# --- the grader's side -------------------------------------------------------------------------

@contextmanager
def starting(env: dict[str, str]) -> Iterator[Callable[[], str]]:
    """A warm kernel server started for the time of the `with`, without waiting for its imports (seconds).

    Yields `ready()`: it waits until the server is ready, then returns its
    socket's path (or raises `WarmKernelUnavailable`), so the grader can do
    its own start-up work meanwhile.
    """
    folder = tempfile.mkdtemp(prefix="carepool-warm-")  # 0700: only the instructor can reach the socket
    socket_path = os.path.join(folder, "server")
    server = subprocess.Popen([sys.executable, "-m", "coursegrading.warm_kernels", socket_path], env=env, cwd="/",
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, start_new_session=True)

    @cache
    def ready() -> str:
        if server.stdout.readline().strip() != READY:
            raise WarmKernelUnavailable(f"the warm kernel server did not start (exit code {server.poll()})")
        return socket_path

    try:
        yield ready
    finally:
        server.kill()
        server.wait()
        server.stdout.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def running(env: dict[str, str]) -> Iterator[str]:
    """A warm kernel server for the time of the `with`: yields its socket's path once it is ready."""
    with starting(env) as ready:
        yield ready()


@contextmanager
def maybe_starting(wanted: bool) -> Iterator[Callable[[], str | None]]:
    """Like `starting`, if `wanted`; `ready()` returns None if the server is not wanted or did not start.

    Then kernels are started cold, and the grader is told so once.
    """
    with ExitStack() as stack:
        started = None
        if wanted:
            try:
                started = stack.enter_context(starting(sandbox.kernel_env()))
            except OSError as err:
                print(f"Starting every kernel cold: {err}", file=sys.stderr)

        @cache
        def ready() -> str | None:
            if started is None:
                return None
            try:
                return started()
            except (OSError, WarmKernelUnavailable) as err:
                print(f"Starting every kernel cold: {err}", file=sys.stderr)
                return None

        yield ready


@contextmanager
def maybe_running(wanted: bool) -> Iterator[str | None]:
    """A warm kernel server's socket if `wanted` and it starts, else None (kernels are then started cold)."""
    with maybe_starting(wanted) as ready:
        yield ready()


def request_kernel(socket_path: str, sandbox_pid: int, namespaces: dict[str, int], argv: list[str], alive: str,
                   workdir: str, env: dict[str, str], output: str = "/dev/null", timeout: float = 30,
                   limits: dict | None = None, cgroup: list[str] = (), ended: str | None = None) -> int:
    """Have the server at `socket_path` start a kernel in the sandbox whose process is `sandbox_pid`.

    `namespaces` are that sandbox's namespace ids as bubblewrap reported them;
    `argv` is the kernel's command line (as ipykernel_launcher's); what the
    kernel prints to its own stdout and stderr goes to the host's file `output`. The kernel runs
    under `limits` (`coursegrading.limits.Limits` as a dict; the defaults if not given), in the
    cgroup whose `cgroup.procs` files are `cgroup`; how it ended is written to the host's file
    `ended`. Returns
    the kernel's pid, or raises `WarmKernelUnavailable` saying why not.
    """
    request = {"sandbox_pid": sandbox_pid, "namespaces": namespaces, "argv": argv, "alive": alive,
               "workdir": workdir, "env": env, "output": output, "limits": limits or {}, "cgroup": list(cgroup),
               "ended": ended}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            client.connect(socket_path)
            client.sendall((json.dumps(request) + "\n").encode())
            reply = json.loads(client.makefile("r").readline() or "{}")
    except (OSError, ValueError) as err:
        raise WarmKernelUnavailable(f"the warm kernel server did not answer: {err}") from err
    if not reply.get("ok"):
        raise WarmKernelUnavailable(reply.get("error", "the warm kernel server gave no answer"))
    return int(reply["pid"])


def wait_for_sandbox(info: str, ready: str, process, timeout: float = 30) -> dict:
    """What bubblewrap wrote to its --info-fd (the sandboxed process's pid, its namespaces), once `ready` exists.

    The placeholder creates `ready` when bubblewrap has finished building the
    sandbox, so nothing joins a sandbox whose mounts are still being made.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(ready):
            try:
                said = json.loads(Path(info).read_text())
                said["child-pid"] = int(said["child-pid"])
                return said
            except (OSError, ValueError, KeyError):
                pass  # bubblewrap is still writing it
        if process.poll() is not None:
            raise WarmKernelUnavailable(f"the sandbox stopped before it started (exit code {process.poll()})")
        time.sleep(0.005)
    raise WarmKernelUnavailable(f"the sandbox did not start within {timeout:g} s")


if __name__ == "__main__":
    serve(sys.argv[1])
