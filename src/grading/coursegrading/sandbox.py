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
capability dropped and `no_new_privs` set, in its own session and its own
pid, network, ipc and uts namespaces, with none of the instructor's
environment variables.

A kernel is either started cold in the sandbox (bubblewrap runs Python) or,
when a warm kernel server is running (`coursegrading.warm_kernels`), forked
from one that has done the imports: bubblewrap then makes the same sandbox
around a placeholder, and the fork joins it (`enter`) and drops the same
rights (`drop_privileges`) before running any of the student's code.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import weakref
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import DottedObjectName, Integer, Type, Unicode

from coursegrading import limits as limiting
from coursegrading.limits import Limits

UID = GID = 65534  # nobody
HOME = "/home/student"
SUBMISSION = "/srv/submission"  # the autograded folder, read-only; copied into WORKDIR
WORKDIR = f"{HOME}/work"
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


def kernel_env() -> dict[str, str]:
    """The whole environment the student's code sees: none of the instructor's variables."""
    return {"HOME": HOME, "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8",
            "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg"}


def bwrap_argv(workdir: str, writable: str, limits: Limits | None = None, seccomp_fd: int | None = None,
               ended: str | None = None) -> list[str]:
    """The `bwrap` command line that runs a program as the sandboxed student.

    `workdir` (read-only inside) is copied into the private home as the
    working folder; `writable` is the one host folder bound writable (the
    kernel's connection file and sockets, private to this kernel). The
    program runs under `limits` (`coursegrading.limits`; the defaults if not
    given): /tmp and home are tmpfs of the disk limit, and the per-process
    limits are set before anything of the student's runs. `seccomp_fd` is
    an open file holding the system-call filter; with `ended`, the program's
    exit status is written there (a path inside the sandbox) when it ends.
    """
    limits = limits or Limits()
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed: on Debian or Ubuntu, "
                                 "`apt-get install bubblewrap` (or `make system-packages`). " + HOW_TO_OPT_OUT)
    argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "01777", "--size", str(limits.disk), "--tmpfs", "/tmp",
            "--perms", "01777", "--size", str(limits.disk), "--tmpfs", HOME]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    bound: list[Path] = []
    for path in readonly_paths():
        argv += [*_parents(path, bound), "--ro-bind", str(path), str(path)]
        bound.append(path)
    argv += [*_parents(Path(writable), bound), "--bind", writable, writable,
             *_parents(Path(SUBMISSION), bound), "--ro-bind", workdir, SUBMISSION, "--chdir", HOME]
    for name, value in kernel_env().items():
        argv += ["--setenv", name, value]
    if os.geteuid() == 0:
        # Run as root, bwrap sets up the mounts as root; setpriv then drops to nobody for real.
        drop = ["setpriv", f"--reuid={UID}", f"--regid={GID}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs"]
    else:
        # Run as an ordinary user, bwrap needs a user namespace; inside it the kernel is nobody, with no capabilities.
        argv += ["--unshare-user", "--uid", str(UID), "--gid", str(GID), "--cap-drop", "ALL"]
        drop = []
    drop += limits.prlimit_argv(per_sandbox_nproc=os.geteuid() != 0)
    if ended is None:
        copy_then_run = f'cp -R {SUBMISSION}/. {WORKDIR} && cd {WORKDIR} && exec "$@"'
    else:  # the shell waits, to say how the program ended (killed by a limit, say)
        copy_then_run = (f'cp -R {SUBMISSION}/. {WORKDIR} && cd {WORKDIR} || exit 1; "$@"; status=$?; '
                         f'echo $status > {shlex.quote(ended)}; exit $status')
    return [*argv, "--", *drop, "/bin/sh", "-c", copy_then_run, "sandboxed"]


def launcher(argv: list[str], cgroup_procs: list[str] = (), redirects: dict[int, tuple[str, str]] | None = None
             ) -> list[str]:
    """`argv` run by a shell that first joins the sandbox's cgroup and opens `redirects` ({fd: ("<", path)})."""
    script = "".join(f"echo $$ > {shlex.quote(procs)} && " for procs in cgroup_procs) + 'exec "$@"'
    script += "".join(f" {fd}{mode}{shlex.quote(path)}" for fd, (mode, path) in (redirects or {}).items())
    return ["/bin/sh", "-c", script, "launcher", *argv]


# Joining a sandbox and dropping rights, for a kernel forked by the warm kernel server (Linux's own calls;
# Python 3.11 has no os.setns).
_libc = ctypes.CDLL(None, use_errno=True)
_PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 24, 38
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
# The user namespace first (it grants the right to join the others), the mount namespace last.
_NAMESPACES = ("user", "ipc", "uts", "net", "cgroup", "pid", "mnt")


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def enter(pid: int, namespaces: dict[str, int]) -> bool:
    """Join the namespaces of the sandboxed process `pid` (the next fork is then inside its pid namespace).

    `namespaces` are the sandbox's namespace ids as bubblewrap reported them
    (``{"mnt": 4026532178, ...}``): a process that is not that sandbox (its
    pid reused, say) is refused. The calling process must be single-threaded
    (a fresh fork) and keeps its rights until `drop_privileges`. Returns
    whether a user namespace was joined (the sandbox was made by an ordinary user).
    """
    own = {name: os.stat(f"/proc/self/ns/{name}").st_ino for name in _NAMESPACES}
    targets = {}
    try:
        # All opened before any is joined: in the sandbox's mount namespace the host's /proc is gone.
        for name in _NAMESPACES:
            targets[name] = os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY)
        root = os.stat(f"/proc/{pid}/root")
        found = {name: os.fstat(fd).st_ino for name, fd in targets.items()}
        wrong = sorted(name for name, expected in namespaces.items() if found.get(name) != expected)
        if wrong:
            raise PermissionError(f"process {pid} is not the sandbox bubblewrap made (its {', '.join(wrong)} "
                                  "namespace differs)")
        apart = {name for name in _NAMESPACES if found[name] != own[name]}
        if not {"mnt", "pid", "net", "ipc", "uts"} <= apart:
            raise PermissionError(f"process {pid} is not in a sandbox of its own (it shares namespaces with this one)")
        for name in _NAMESPACES:
            if name in apart:
                _check(_libc.setns(targets[name], 0), f"joining the sandbox's {name} namespace")
    finally:
        for fd in targets.values():
            os.close(fd)
    here = os.stat("/")
    if (here.st_dev, here.st_ino) != (root.st_dev, root.st_ino):
        raise PermissionError("the sandbox's root is not this process's root after joining it")
    return "user" in apart


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_privileges(in_user_namespace: bool) -> None:
    """Become what bubblewrap and setpriv make the cold kernel: nobody, with no capabilities and no_new_privs.

    Joined as root, that means changing user; in the user namespace of a
    sandbox an ordinary user made, the process is nobody already. Raises if
    any right is left afterwards, so no student code runs with one.
    """
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "setting no_new_privs")
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for capability in range(last + 1):
        _check(_libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0), f"dropping capability {capability}")
    if not in_user_namespace:
        os.setgroups([])
        os.setresgid(GID, GID, GID)
        os.setresuid(UID, UID, UID)
    header, data = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "clearing capabilities")
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    left = {name: status[name].strip() for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")
            if int(status[name], 16) != 0}
    if left or status["NoNewPrivs"].strip() != "1" or os.getresuid() != (UID,) * 3 or os.getresgid() != (GID,) * 3:
        raise PermissionError(f"rights left after dropping them: {left}, uids {os.getresuid()}, gids {os.getresgid()}")


@cache
def check_available() -> None:
    """Start the sandbox once, as the kernel would; raise `SandboxUnavailable` saying why if it cannot."""
    with tempfile.TemporaryDirectory(prefix="carepool-sandbox-check-") as tmp:
        os.chmod(tmp, 0o755)
        probe = "import os; print(os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])"
        program = limiting.seccomp_program()
        redirects = {}
        if program is not None:
            Path(tmp, "filter").write_bytes(program)
            redirects[4] = ("<", os.path.join(tmp, "filter"))
        argv = launcher([*bwrap_argv(tmp, tmp, seccomp_fd=4 if program else None), sys.executable, "-c", probe],
                        redirects=redirects)
        try:
            run = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except OSError as err:
            raise SandboxUnavailable(f"bubblewrap could not be run: {err}. {HOW_TO_OPT_OUT}") from err
        if run.returncode != 0:
            raise SandboxUnavailable(f"the sandbox (bubblewrap) does not start here: {run.stderr.strip()[-500:]}. "
                                     "It needs Linux with namespaces; run as root, or as a user allowed "
                                     f"unprivileged user namespaces. {HOW_TO_OPT_OUT}")
        if run.stdout.split() != [str(UID), "0000000000000000"]:
            raise SandboxUnavailable(f"the sandbox started but not as an unprivileged user with no capabilities "
                                     f"(uid and CapEff: {run.stdout.strip()!r}). {HOW_TO_OPT_OUT}")


def limits_not_set_here() -> list[str]:
    """What this machine does not let grading limit, in plain words (said once per grading run)."""
    missing = []
    root = os.geteuid() == 0
    if limiting.cgroup_layout() is None:
        missing.append("no cgroup can be made here (cgroup v2 with the pids and memory controllers delegated, or "
                       "v1 writable), so memory is limited per process (RLIMIT_DATA), not for the whole sandbox, and "
                       + ("the process limit is shared by every sandbox (all run as nobody)" if root else
                          "processes per sandbox by RLIMIT_NPROC in its user namespace"))
    if not root:
        missing.append("the kernel's folder on the host (its sockets) is limited per file, not in total "
                       "(a tmpfs of its own needs root to mount)")
    if limiting.seccomp_program() is None:
        missing.append("no system-call filter: it is written for x86_64 only")
    return missing


# Limits reached by the kernels this process ran, as "the memory limit (2 GiB)"; read and cleared per student.
REACHED: list[str] = []
LIMITS_USED: list[Limits] = []


class _LimitedIOPub(AsyncZMQSocketChannel):
    """The kernel's output channel, counted: past the output limit, outputs are emptied (errors kept, shortened)."""

    limit: int | None = None
    used = 0
    on_reached = None
    OUTPUTS = ("stream", "display_data", "execute_result", "update_display_data")

    async def get_msg(self, timeout=None):
        msg = await super().get_msg(timeout)
        kind = msg.get("msg_type")
        if self.limit is None or kind not in (*self.OUTPUTS, "error"):
            return msg
        content = msg["content"]
        if kind == "error":  # kept, for grading reads it, but never huge
            content["evalue"] = str(content.get("evalue", ""))[:10_000]
            content["traceback"] = [str(line)[:10_000] for line in content.get("traceback", [])[:200]]
            return msg
        size = len(json.dumps(content.get("text", content.get("data", "")), default=str))
        self.used += size
        if self.used <= self.limit:
            return msg
        first = self.on_reached is not None
        if first:
            reached, self.on_reached = self.on_reached, None
            reached()
        note = f"\n[output stopped here: {self._describe} was reached; the cell was interrupted]\n" if first else ""
        msg["msg_type"] = msg["header"]["msg_type"] = "stream"
        msg["content"] = {"name": "stderr", "text": note}
        return msg


class LimitedKernelClient(AsyncKernelClient):
    """The client nbgrader talks to a sandboxed kernel with: its output is counted against the output limit."""

    iopub_channel_class = Type(_LimitedIOPub)

    @property
    def iopub_channel(self):
        fresh = self._iopub_channel is None
        channel = super().iopub_channel
        manager = self.parent
        if fresh and isinstance(manager, SandboxedKernelManager):
            limits = manager.limits
            channel.limit = limits.output
            channel._describe = limits.describe("output")
            channel.on_reached = manager._output_limit_reached
        return channel


# How a cold kernel's sandbox says the kernel ended, and by which signal a limit ends a process.
_SIGNALLED = {128 + 24: "CPU time", 128 + 25: "file size"}  # SIGXCPU, SIGXFSZ


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox and talk over Unix sockets.

    With `warm_kernel_server` (a warm kernel server's socket) a Python kernel is
    forked from that server into the sandbox instead of started cold; if that
    fails, it is started cold, with a warning. The limits (`coursegrading.limits`)
    are settings of their own; the working folder must be given (`cwd`).
    """

    warm_kernel_server = Unicode("", config=True, help="The socket of a warm kernel server (coursegrading.warm_kernels).")
    memory_limit = Unicode("2G", config=True, help="Memory one student's sandbox may use (512M, 2G...).")
    process_limit = Integer(256, config=True, help="Processes and threads one student's sandbox may have at once.")
    file_size_limit = Unicode("64M", config=True, help="Largest file a student's code may write, its log included.")
    disk_limit = Unicode("256M", config=True, help="Size of the sandbox's /tmp, and of its home, each.")
    cpu_time_limit = Integer(600, config=True, help="Seconds of CPU each process of the kernel may use.")
    output_limit = Unicode("16M", config=True, help="Output a kernel may send into its notebook, in all.")
    client_class = DottedObjectName("coursegrading.sandbox.LimitedKernelClient")
    client_factory = Type(klass="coursegrading.sandbox.LimitedKernelClient")  # (the base sets its own default)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A folder for this kernel alone: its connection file and ipc sockets, bound into the sandbox.
        # Named with this process's pid, so that what a killed grader leaves is known (limits.sweep_leftovers).
        self._private = tempfile.mkdtemp(prefix=f"carepool-kernel-{os.getpid()}-")
        self._mounted = False
        if os.geteuid() == 0:
            # A small tmpfs of its own, so the kernel cannot fill the host's disk through it.
            self._mounted = limiting.mount_small_tmpfs(self._private, UID, GID)
            if not self._mounted:
                os.chown(self._private, UID, GID)  # nobody creates the sockets here
        self.transport = "ipc"
        self.connection_file = os.path.join(self._private, "kernel.json")
        self.ip = os.path.join(self._private, "kernel-ipc")
        self._host_only = tempfile.mkdtemp(prefix="carepool-sandbox-info-")  # the instructor's alone
        self._kernel_log = os.path.join(self._host_only, "kernel.log")
        self._ended = {"cold": os.path.join(self._private, "ended"), "warm": os.path.join(self._host_only, "ended")}
        self._cold_cmd: list[str] = []
        self._warm_request: dict | None = None
        self._cgroup: limiting.SandboxCgroup | None = None
        # Removed at cleanup, or when the manager is dropped without one (a kernel that never started).
        self._remove_folders = weakref.finalize(self, _remove_folders, self._private, self._host_only, self._mounted)

    @property
    def limits(self) -> Limits:
        """The limits as configured, each checked (a bad value is an error naming the setting)."""
        name = "SandboxedKernelManager."
        return Limits(memory=limiting.parse_size(name + "memory_limit", self.memory_limit),
                      processes=limiting.parse_count(name + "process_limit", self.process_limit, least=16),
                      file_size=limiting.parse_size(name + "file_size_limit", self.file_size_limit),
                      disk=limiting.parse_size(name + "disk_limit", self.disk_limit),
                      cpu_seconds=limiting.parse_count(name + "cpu_time_limit", self.cpu_time_limit),
                      output=limiting.parse_size(name + "output_limit", self.output_limit))

    def _output_limit_reached(self) -> None:
        REACHED.append(self.limits.describe("output"))
        asyncio.ensure_future(self.interrupt_kernel())

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

    def _filter_file(self) -> str | None:
        """The system-call filter, written once to the instructor's folder, for bubblewrap to read."""
        program = limiting.seccomp_program()
        if program is None:
            return None
        path = os.path.join(self._host_only, "seccomp.bpf")
        if not os.path.exists(path):
            Path(path).write_bytes(program)
        return path

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        given = self._launch_args.get("cwd")
        if not given:
            # Never the grader's own folder (during in-process grading, the course with its solutions).
            raise ValueError("SandboxedKernelManager: the kernel's working folder (cwd) must be given: the folder "
                             "whose copy the student's code may see")
        workdir = str(Path(given).resolve())
        limits = self.limits
        LIMITS_USED.append(limits)
        if self._cgroup is None and limiting.cgroup_layout() is not None:
            try:
                self._cgroup = limiting.SandboxCgroup(f"carepool-{os.getpid()}-{os.path.basename(self._private)}"
                                                      .replace("carepool-kernel-", "kernel-"), limits)
            except OSError as err:
                self.log.warning("No cgroup for this kernel: %s", err)
        procs = self._cgroup.procs if self._cgroup else []
        filter_file = self._filter_file()
        seccomp = {4: ("<", filter_file)} if filter_file else {}
        for stale in self._ended.values():
            if os.path.lexists(stale):
                os.unlink(stale)
        self._cold_cmd = launcher([*bwrap_argv(workdir, self._private, limits, 4 if filter_file else None,
                                               self._ended["cold"]), *cmd], procs, seccomp)
        self._warm_request = None
        if not (self.warm_kernel_server and _is_this_pythons_ipykernel(cmd)):
            return self._cold_cmd
        # The same sandbox around a placeholder that lives as long as the kernel holds the FIFO open.
        # The FIFO and the placeholder's word are in the folder the sandbox shares; what bubblewrap says
        # (written by root, when run as root) is in a folder of the instructor's alone.
        alive, ready = os.path.join(self._private, "alive"), os.path.join(self._private, "ready")
        info = os.path.join(self._host_only, "sandbox.json")
        for stale in (alive, ready, info):  # from a kernel before a restart; whatever they are, links too
            try:
                os.unlink(stale)
            except FileNotFoundError:
                pass
        os.mkfifo(alive, 0o600)
        if os.geteuid() == 0:
            os.chown(alive, UID, GID, follow_symlinks=False)
        self._warm_request = {"argv": cmd, "alive": alive, "info": info, "ready": ready, "cgroup": procs,
                              "limits": limits.__dict__, "ended": self._ended["warm"]}
        bwrap, *options = bwrap_argv(workdir, self._private, limits, 4 if filter_file else None)
        # bubblewrap says the sandbox's pid as soon as it exists; the placeholder says when it is all set up
        # (mounts in place, submission copied in), and only then is it joined.
        placeholder = ["/bin/sh", "-c", ': > "$0" && exec cat "$1"', ready, alive]
        return launcher([bwrap, "--info-fd", "3", *options, *placeholder], procs, {3: (">", info), **seccomp})

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        # What the kernel prints to its own stdout and stderr, not into the notebook (ipykernel's banner, a crash)
        # goes to a log of its own, kept out of the grading run's progress; `_async_cleanup_resources` passes on
        # whatever is not the banner.
        if "stdout" not in kw and "stderr" not in kw:
            with os.fdopen(os.open(self._kernel_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as output:
                await self._launch(kernel_cmd, **kw, stdout=output, stderr=output)
        else:
            await self._launch(kernel_cmd, **kw)

    async def _launch(self, kernel_cmd: list[str], **kw) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if self._warm_request is None:
            return
        from coursegrading import warm_kernels

        request, self._warm_request = self._warm_request, None
        try:
            process = self.provisioner.process
            info = await asyncio.to_thread(warm_kernels.wait_for_sandbox, request["info"], request["ready"], process)
            namespaces = {key.removesuffix("-namespace"): value for key, value in info.items()
                          if key.endswith("-namespace")}
            await asyncio.to_thread(warm_kernels.request_kernel, self.warm_kernel_server, info["child-pid"],
                                    namespaces, request["argv"], request["alive"], WORKDIR,
                                    {**kernel_env(), **_AFTER_CD}, self._kernel_log,
                                    limits=request["limits"], cgroup=request["cgroup"], ended=request["ended"])
        except warm_kernels.WarmKernelUnavailable as err:
            self.log.warning("Starting the kernel cold: %s", err)
            await self.provisioner.kill()
            await self.provisioner.wait()
            await super()._async_launch_kernel(self._cold_cmd, **kw)

    def _limits_reached(self) -> list[str]:
        """Which limits stopped this kernel or its processes (from its cgroup, and how the kernel ended)."""
        limits = self.limits
        hit = self._cgroup.reached() if self._cgroup else []
        for ended in self._ended.values():
            try:
                status = int(Path(ended).read_text().strip() or 0)
            except (OSError, ValueError):
                continue
            if status in _SIGNALLED:
                hit.append(_SIGNALLED[status])
        return [limits.describe(which) for which in dict.fromkeys(hit)]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            REACHED.extend(self._limits_reached())
            printed = kernel_output(self._kernel_log)
            if printed:
                self.log.warning("The kernel printed to its own stdout or stderr, not into the notebook:\n%s",
                                 printed[-3000:])
            if self._cgroup is not None:
                self._cgroup.remove()
                self._cgroup = None
            self._remove_folders()


def _remove_folders(private: str, host_only: str, mounted: bool) -> None:
    if mounted:
        limiting.unmount(private)
    shutil.rmtree(private, ignore_errors=True)
    shutil.rmtree(host_only, ignore_errors=True)


# What ipykernel prints to its own terminal when it starts: the same for every kernel, and no news.
_BANNER = re.compile(r"NOTE: When using the `ipython kernel` entry point.*?--existing \S+\n?", re.S)


def kernel_output(log: str, most: int = 64 * 1024) -> str:
    """What a kernel printed to its own stdout and stderr (not into the notebook), less ipykernel's banner.

    Only the first and last `most` bytes are read: the log may be as large as the file size limit.
    """
    try:
        with open(log, "rb") as printed:
            size = os.fstat(printed.fileno()).st_size
            head = printed.read(most)
            if size > 2 * most:
                printed.seek(size - most)
                head += f"\n[... {size - 2 * most} bytes left out ...]\n".encode() + printed.read(most)
            else:
                head += printed.read()
    except FileNotFoundError:
        return ""
    return _BANNER.sub("", head.decode(errors="replace")).strip()


# What the shell that starts a cold kernel leaves in its environment after `cd work`.
_AFTER_CD = {"PWD": WORKDIR, "OLDPWD": HOME}


def _is_this_pythons_ipykernel(cmd: list[str]) -> bool:
    """Whether `cmd` starts ipykernel with the Python the warm kernel server runs (the course's kernel)."""
    return (len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]
            and Path(cmd[0]).resolve() == Path(sys.executable).resolve())
