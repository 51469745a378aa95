"""Limits on what one student's sandboxed kernel may use, enforced by the Linux kernel.

Each limit is set by the strongest means this machine allows, and each is
per submission:

- memory: a cgroup's memory limit for the whole sandbox where cgroups can be
  made here, and, for each process, RLIMIT_DATA (Python then raises
  MemoryError);
- processes (threads count): a cgroup's pids limit for the sandbox; without
  one, RLIMIT_NPROC, which is per sandbox when the sandbox has a user
  namespace of its own (grading as an ordinary user), but shared by every
  sandbox when grading as root (all run as `nobody`);
- file size: RLIMIT_FSIZE (a write past it fails with "File too large"), which
  also bounds the kernel's own stdout and stderr log;
- disk: the sandbox's /tmp and home are tmpfs of this size each; the kernel's
  folder on the host (its sockets) is a tmpfs of its own when grading as root;
- CPU time: RLIMIT_CPU, seconds of CPU per process (the kernel is killed past it);
- output: what the kernel sends into the notebook, counted as it arrives
  (`sandbox.SandboxedKernelManager`); past it the kernel is stopped.

A system-call filter (seccomp) refuses what no notebook needs and what widens
the kernel's reach: new namespaces (so no nested `unshare -U`), mounting,
ptrace, BPF, keyrings, io_uring, kernel modules.

The values are the `SandboxedKernelManager` settings (`memory_limit`,
`process_limit`, `file_size_limit`, `disk_limit`, `cpu_time_limit`,
`output_limit`) in `nbgrader_config.py`. A limit this machine cannot set is
named once, at the start of the grading run (`sandbox.limits_not_set_here`),
and grading goes on.
"""

from __future__ import annotations

import ctypes
import os
import re
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}


def parse_size(field: str, value) -> int:
    """Bytes from 512M, 2G, 1048576...; a clear error naming the field otherwise."""
    found = re.fullmatch(r"\s*(\d+)\s*([KMG]?)i?B?\s*", str(value), re.I)
    if not found or int(found.group(1)) < 1:
        raise ValueError(f"{field}: a size such as 512M or 2G (K, M, G: binary units), 1 byte or more; "
                         f"got {value!r}")
    return int(found.group(1)) * _UNITS[found.group(2).upper()]


def parse_count(field: str, value, least: int = 1) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < least or str(value).strip() != str(number):
        raise ValueError(f"{field}: a whole number, {least} or more; got {value!r}")
    return number


def human(size: int) -> str:
    for unit in ("G", "M", "K"):
        if size >= _UNITS[unit] and size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]} {unit}iB"
    return f"{size} bytes"


@dataclass(frozen=True)
class Limits:
    memory: int = 2 * 1024 ** 3
    processes: int = 256
    file_size: int = 64 * 1024 ** 2
    disk: int = 256 * 1024 ** 2
    cpu_seconds: int = 600
    output: int = 16 * 1024 ** 2

    def describe(self, which: str) -> str:
        """A limit as a reader of grades.csv should see it: "the memory limit (2 GiB)"."""
        value = {"memory": human(self.memory), "processes": f"{self.processes} processes and threads",
                 "file size": human(self.file_size), "disk": f"{human(self.disk)} each for /tmp and home",
                 "CPU time": f"{self.cpu_seconds} s", "output": human(self.output)}[which]
        return f"the {which} limit ({value})"

    def rlimits(self, per_sandbox_nproc: bool) -> dict[int, tuple[int, int]]:
        """setrlimit's resources and (soft, hard) values for the kernel and what it starts."""
        import resource

        nproc = self.processes if per_sandbox_nproc else max(4096, self.processes * 16)
        return {resource.RLIMIT_DATA: (self.memory,) * 2, resource.RLIMIT_FSIZE: (self.file_size,) * 2,
                # SIGXCPU at the limit (so the end says which limit), SIGKILL a second later if caught
                resource.RLIMIT_CPU: (self.cpu_seconds, self.cpu_seconds + 1), resource.RLIMIT_CORE: (0, 0),
                # Per sandbox only in a user namespace of its own; as root, a host-wide net (the pids cgroup rules).
                resource.RLIMIT_NPROC: (nproc, nproc)}

    def prlimit_argv(self, per_sandbox_nproc: bool) -> list[str]:
        """The same limits as `prlimit` options, for a command started cold."""
        import resource

        names = {resource.RLIMIT_DATA: "data", resource.RLIMIT_FSIZE: "fsize", resource.RLIMIT_CPU: "cpu",
                 resource.RLIMIT_CORE: "core", resource.RLIMIT_NPROC: "nproc"}
        return ["prlimit", *(f"--{names[r]}={soft}:{hard}" for r, (soft, hard) in
                             self.rlimits(per_sandbox_nproc).items()), "--"]


def apply_rlimits(limits: Limits, per_sandbox_nproc: bool) -> None:
    import resource

    for which, value in limits.rlimits(per_sandbox_nproc).items():
        resource.setrlimit(which, value)


# --- cgroups: memory and processes for the whole sandbox ------------------------------------------

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_cgroups() -> dict[str, str]:
    """controller -> this process's cgroup path ("" for cgroup v2's unified hierarchy)."""
    found = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


def _writable_parent(mount: Path, own: str) -> Path | None:
    """Where new cgroups can be made: under this process's own cgroup, else the mount's root."""
    for candidate in (mount / own.lstrip("/"), mount):
        probe = candidate / f"carepool-probe-{os.getpid()}"
        try:
            probe.mkdir()
            probe.rmdir()
            return candidate
        except OSError:
            continue
    return None


@cache
def cgroup_layout() -> tuple[str, dict[str, Path]] | None:
    """("v2", {"": parent}) or ("v1", {"pids": parent, "memory": parent}) where sandboxes' cgroups can go."""
    try:
        own = _own_cgroups()
    except OSError:
        return None
    if (CGROUP_ROOT / "cgroup.controllers").exists():  # the unified hierarchy alone
        parent = _writable_parent(CGROUP_ROOT, own.get("", "/"))
        if parent is not None:
            enabled = (parent / "cgroup.subtree_control").read_text().split()
            if {"pids", "memory"} <= set(enabled):
                return "v2", {"": parent}
        return None
    parents = {}
    for controller in ("pids", "memory"):
        mount = CGROUP_ROOT / controller
        parent = _writable_parent(mount, own.get(controller, "/")) if mount.is_dir() else None
        if parent is None:
            return None
        parents[controller] = parent
    return "v1", parents


class SandboxCgroup:
    """A cgroup (one per controller on v1) holding one sandbox: its memory and process limits."""

    def __init__(self, name: str, limits: Limits):
        layout = cgroup_layout()
        if layout is None:
            raise OSError("cgroups cannot be made here")
        self.version, parents = layout
        self.folders = [parent / name for parent in parents.values()]
        for folder in self.folders:
            folder.mkdir()
        try:
            if self.version == "v2":
                [folder] = self.folders
                (folder / "memory.max").write_text(str(limits.memory))
                (folder / "memory.swap.max").exists() and (folder / "memory.swap.max").write_text("0")
                (folder / "pids.max").write_text(str(limits.processes))
            else:
                pids, memory = self.folders
                (pids / "pids.max").write_text(str(limits.processes))
                (memory / "memory.limit_in_bytes").write_text(str(limits.memory))
        except OSError:
            self.remove()
            raise

    @property
    def procs(self) -> list[str]:
        """The files a process writes its pid to, to join the sandbox's cgroup."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def join(self, pid: int | None = None) -> None:
        for procs in self.procs:
            Path(procs).write_text(str(pid or os.getpid()))

    def _read(self, name: str) -> dict[str, int]:
        for folder in self.folders:
            try:
                return {k: int(v) for k, v in (line.split() for line in (folder / name).read_text().splitlines())}
            except (OSError, ValueError):
                continue
        return {}

    def reached(self) -> list[str]:
        """Which of the cgroup's limits were hit: "memory", "processes"."""
        hit = []
        oom = self._read("memory.events" if self.version == "v2" else "memory.oom_control")
        if oom.get("oom_kill", 0) > 0:
            hit.append("memory")
        if self._read("pids.events").get("max", 0) > 0:
            hit.append("processes")
        return hit

    def remove(self) -> None:
        """Kill what is left in the cgroup, then remove it."""
        import signal
        import time

        for folder in self.folders:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.02)
            try:
                folder.rmdir()
            except OSError:
                pass


def sweep_leftovers() -> list[str]:
    """Remove the cgroups and kernel folders of grading processes that were killed before cleaning up.

    A grading process stopped with SIGKILL (a submission past its whole time limit) cannot remove
    its kernel's cgroup, nor unmount its tmpfs; both are named with that process's pid
    (``carepool-<pid>-...``, ``/tmp/carepool-kernel-<pid>-...``). Returns what was removed.
    """
    import shutil

    def gone(pid: str) -> bool:
        return pid.isdigit() and not os.path.exists(f"/proc/{pid}")

    removed = []
    layout = cgroup_layout()
    for parent in (layout[1].values() if layout else []):
        for folder in parent.glob("carepool-*-*"):
            if gone(folder.name.split("-")[1]):
                stale = SandboxCgroup.__new__(SandboxCgroup)
                stale.folders = [folder]
                stale.remove()
                removed.append(str(folder))
    try:
        mounts = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
    except OSError:
        mounts = []
    for mount in mounts:
        name = os.path.basename(mount)
        if name.startswith("carepool-kernel-") and gone(name.split("-")[2]):
            unmount(mount)
            shutil.rmtree(mount, ignore_errors=True)
            removed.append(mount)
    return removed


# --- the host folder a kernel writes to: a small tmpfs when we may mount ------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
HOST_FOLDER_SIZE = 4 * 1024 ** 2  # a connection file and a few sockets


def mount_small_tmpfs(folder: str, uid: int, gid: int) -> bool:
    """Make `folder` a tmpfs of HOST_FOLDER_SIZE owned by uid:gid; False if this process may not mount."""
    options = f"size={HOST_FOLDER_SIZE},mode=0700,uid={uid},gid={gid}".encode()
    if _libc.mount(b"tmpfs", folder.encode(), b"tmpfs", 0x2 | 0x4 | 0x8, options) != 0:  # nosuid nodev noexec
        return False
    return True


def unmount(folder: str) -> None:
    _libc.umount2(folder.encode(), 2)  # MNT_DETACH


# --- the system-call filter ----------------------------------------------------------------------

_AUDIT_ARCH_X86_64 = 0xC000003E
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38
# x86_64 numbers of the calls refused (EPERM): namespaces, mounts, tracing, BPF, keyrings, io_uring, modules...
_REFUSED = {
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "bpf": 321,
    "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248, "request_key": 249,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "kexec_load": 246,
    "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176, "acct": 163,
    "swapon": 167, "swapoff": 168, "reboot": 169, "open_by_handle_at": 304, "name_to_handle_at": 303,
    "syslog": 103, "quotactl": 179, "iopl": 172, "ioperm": 173, "vhangup": 153,
}
_CLONE, _CLONE3 = 56, 435
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME
_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)


def _ld(offset: int) -> bytes:
    return _insn(0x20, 0, 0, offset)  # BPF_LD | BPF_W | BPF_ABS


def _ret(value: int) -> bytes:
    return _insn(0x06, 0, 0, value)


def seccomp_program() -> bytes | None:
    """The filter as classic BPF (struct sock_filter[]), or None on a machine it was not written for."""
    import platform

    if platform.machine() != "x86_64":
        return None
    deny, nosys, allow = _ret(_RET_ERRNO | _EPERM), _ret(_RET_ERRNO | _ENOSYS), _ret(_RET_ALLOW)
    refused = sorted(_REFUSED.values())
    body = [_ld(4), _insn(0x15, 1, 0, _AUDIT_ARCH_X86_64), deny,  # another architecture's calls: refused
            _ld(0), _insn(0x35, 0, 1, 0x40000000), deny]  # the x32 ABI: refused
    for number in refused:
        body += [_insn(0x15, 0, 1, number), deny]
    # clone3 passes its flags in memory a filter cannot read: "not here", and the C library falls back to clone.
    body += [_insn(0x15, 0, 1, _CLONE3), nosys]
    body += [_insn(0x15, 0, 3, _CLONE), _ld(16), _insn(0x45, 0, 1, _NEW_NAMESPACES), deny]
    body.append(allow)
    return b"".join(body)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def apply_seccomp(program: bytes) -> None:
    """Install the filter on this process (no_new_privs must be set); it holds for all it runs after."""
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if _libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        errno = ctypes.get_errno()
        raise OSError(errno, f"installing the system-call filter: {os.strerror(errno)}")
