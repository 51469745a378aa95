"""Running students' code in a sandbox while nbgrader autogrades.

nbgrader itself must read the gradebook and the source notebooks, so the
sandbox goes around the kernel only: `SandboxedKernelManager` (given to
nbgrader's `Execute` preprocessor by `coursegrading.autograde`) launches
the ipykernel inside bubblewrap (`bwrap`). Inside, the kernel sees

- read-only: /usr, the Python installation and virtualenv it runs from, and
  the installed `carepool` package, nothing else of the instructor's machine;
- a private /tmp and home (tmpfs), holding a throwaway copy of the autograded
  submission as its working folder, gone when the kernel stops;
- its own connection file and socket folder: with no network namespace of its
  own the kernel cannot reach the host's loopback, so it talks to nbgrader
  over Unix sockets (ZMQ's ``ipc`` transport) instead of TCP;

and it runs as the unprivileged user `nobody` (uid 65534) with every
capability dropped and `no_new_privs` set, in its own pid, network, ipc and
uts namespaces, with none of the instructor's environment variables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from jupyter_client import AsyncKernelManager


UID = GID = 65534  # nobody
HOME = "/home/student"
SUBMISSION = "/srv/submission"  # the autograded folder, read-only; copied into HOME/work
HOW_TO_OPT_OUT = ("To grade without the sandbox, at your own risk (students' code then runs with your rights), "
                  "use `make autograde ... SANDBOX=off` or `python -m coursegrading.autograde ... --no-sandbox`.")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start on this machine."""


def readonly_paths() -> list[Path]:
    """What the kernel needs to run: the system's programs and libraries, Python, the venv, carepool."""
    paths = [Path("/usr"), Path(sys.base_prefix).resolve(), Path(sys.prefix), _package_folder("carepool")]
    unique = []
    for path in paths:
        if path not in unique:
            unique.append(path)
    return unique


def _package_folder(name: str) -> Path:
    """Where an installed package lives (an editable install is outside the venv), found without importing it."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SandboxUnavailable(f"the {name} package is not installed in {sys.prefix}: students' code imports it")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


# The sandbox's own empty file systems: they exist, world-writable, but hold none of the host's folders.
TMPFS = (Path("/tmp"), Path(HOME))


def _parents(path: Path, bound: list[Path]) -> list[str]:
    """Create the folders leading to `path` that the sandbox lacks, passable by nobody.

    bwrap makes missing mount points 0700 (root's), and the kernel, as nobody,
    must pass through them. A folder inside a bound host folder exists already
    with the host's permissions; one inside a tmpfs (a clone under /tmp, say)
    does not.
    """
    return [arg for parent in reversed(path.parents)
            if parent != Path("/") and parent not in TMPFS
            and not any(parent == b or b in parent.parents for b in bound)
            for arg in ("--perms", "0755", "--dir", str(parent))]


def bwrap_argv(workdir: str, writable: str) -> list[str]:
    """The `bwrap` command line that runs a program as the sandboxed student.

    `workdir` (read-only inside) is copied into the private home as the
    working folder; `writable` is the one host folder bound writable (the
    kernel's connection file and sockets, private to this kernel).
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed: on Debian or Ubuntu, "
                                 "`apt-get install bubblewrap` (or `make system-packages`). " + HOW_TO_OPT_OUT)
    argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--clearenv",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "01777", "--tmpfs", "/tmp", "--perms", "01777", "--tmpfs", HOME]
    bound: list[Path] = []
    for path in readonly_paths():
        argv += [*_parents(path, bound), "--ro-bind", str(path), str(path)]
        bound.append(path)
    argv += [*_parents(Path(writable), bound), "--bind", writable, writable,
             *_parents(Path(SUBMISSION), bound), "--ro-bind", workdir, SUBMISSION, "--chdir", HOME]
    env = {"HOME": HOME, "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg"}
    for name, value in env.items():
        argv += ["--setenv", name, value]
    if os.geteuid() == 0:
        # Run as root, bwrap sets up the mounts as root; setpriv then drops to nobody for real.
        drop = ["setpriv", f"--reuid={UID}", f"--regid={GID}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs"]
    else:
        # Run as an ordinary user, bwrap needs a user namespace; inside it the kernel is nobody, with no capabilities.
        argv += ["--unshare-user", "--uid", str(UID), "--gid", str(GID), "--cap-drop", "ALL"]
        drop = []
    copy_then_run = f'cp -R {SUBMISSION}/. work && cd work && exec "$@"'
    return [*argv, "--", *drop, "/bin/sh", "-c", copy_then_run, "sandboxed"]


@cache
def check_available() -> None:
    """Start the sandbox once, as the kernel would; raise `SandboxUnavailable` saying why if it cannot."""
    with tempfile.TemporaryDirectory(prefix="carepool-sandbox-check-") as tmp:
        os.chmod(tmp, 0o755)
        probe = "import os; print(os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])"
        try:
            run = subprocess.run([*bwrap_argv(tmp, tmp), sys.executable, "-c", probe],
                                 capture_output=True, text=True, timeout=60)
        except OSError as err:
            raise SandboxUnavailable(f"bubblewrap could not be run: {err}. {HOW_TO_OPT_OUT}") from err
        if run.returncode != 0:
            raise SandboxUnavailable(f"the sandbox (bubblewrap) does not start here: {run.stderr.strip()[-500:]}. "
                                     "It needs Linux with namespaces; run as root, or as a user allowed "
                                     f"unprivileged user namespaces. {HOW_TO_OPT_OUT}")
        if run.stdout.split() != [str(UID), "0000000000000000"]:
            raise SandboxUnavailable(f"the sandbox started but not as an unprivileged user with no capabilities "
                                     f"(uid and CapEff: {run.stdout.strip()!r}). {HOW_TO_OPT_OUT}")


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox and talk over Unix sockets."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A folder for this kernel alone: its connection file and ipc sockets, bound into the sandbox.
        self._private = tempfile.mkdtemp(prefix="carepool-kernel-")
        if os.geteuid() == 0:
            os.chown(self._private, UID, GID)  # nobody creates the sockets here
        self.transport = "ipc"
        self.connection_file = os.path.join(self._private, "kernel.json")
        self.ip = os.path.join(self._private, "kernel-ipc")

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            # A SIGINT to the process group would stop bwrap and so the kernel; ask the kernel itself instead.
            spec.interrupt_mode = "message"
        return spec

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if os.geteuid() == 0:
            os.chown(self.connection_file, UID, GID)  # written 0600 by root; the kernel, as nobody, reads it

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        workdir = self._launch_args.get("cwd") or os.getcwd()
        return [*bwrap_argv(str(Path(workdir).resolve()), self._private), *cmd]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._private, ignore_errors=True)
