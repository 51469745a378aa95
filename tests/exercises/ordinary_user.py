"""An ordinary (non-root) user for the tests that must not run as root: formgrader, and grading
without root (the sandbox then made with user namespaces). Made for the tests when they run as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

NAME = "carepool-grader"


def account() -> pwd.struct_passwd:
    """The ordinary user: made (with a home) if missing when run as root; else whoever runs the tests."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(NAME)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--shell", "/usr/sbin/nologin", NAME], check=True)
        return pwd.getpwnam(NAME)


def as_user(argv: list[str], user: pwd.struct_passwd) -> list[str]:
    """`argv` run as `user` (nothing changes when that is who runs the tests), keeping the environment."""
    if os.geteuid() != 0:
        return argv
    return with_python_shown(["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups",
                              "env", f"HOME={user.pw_dir}", f"USER={user.pw_name}", *argv])


def _hidden_folder() -> Path | None:
    """A folder on the way to this Python that others may not pass (root's own home, for pyenv's), if any."""
    python = Path(sys.executable).resolve()
    return next((folder for folder in reversed(python.parents) if not folder.stat().st_mode & 0o001), None)


def with_python_shown(argv: list[str]) -> list[str]:
    """`argv` run (as root) where an ordinary user can reach this Python.

    On a machine whose Python is in root's private home (pyenv in /root), the folder is shown in a
    mount namespace of the command's own as one holding only the way to Python; nothing changes
    for the rest of the machine. Elsewhere `argv` is run as it is.
    """
    hidden = _hidden_folder()
    if hidden is None or os.geteuid() != 0:
        return argv
    way = Path(sys.executable).resolve().relative_to(hidden).parts[0]
    script = ('shown=$(mktemp -d) && chmod 755 "$shown" && mkdir "$shown/$1" && '
              'mount --bind "$0/$1" "$shown/$1" && mount --rbind "$shown" "$0" && shift && exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(hidden), way, *argv]


def give(path: Path, user: pwd.struct_passwd) -> None:
    for folder, folders, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, f) for f in folders + files)]:
            os.lchown(name, user.pw_uid, user.pw_gid)


@contextmanager
def folder_of(user: pwd.struct_passwd) -> Iterator[Path]:
    """A folder the user owns, where the user can reach it (pytest's own are root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="carepool-user-"))
    os.chmod(path, 0o755)
    give(path, user)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
