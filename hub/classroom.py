"""A class to try the course with on this machine's JupyterHub: its accounts, course and exchange.

    python hub/classroom.py up DIR [--prefix P] [--students N] [--port PORT]
    python hub/classroom.py down DIR

`up` (as root) makes, under DIR,

- one local Unix account for the instructor and one for each student (<P>instructor, <P>student1,
  ...), each with a password made now and a home of its own (DIR/home/<user>, mode 700);
- the course folder in the instructor's home, owned by the instructor: the course's nbgrader
  config, its source notebooks and its checks, as a fresh clone has them;
- nbgrader's exchange, DIR/exchange, writable by everyone as nbgrader asks ("The nbgrader exchange
  directory writable to everyone. MUST be preexisting.": `Exchange.root`'s help);
- class.json, what hub/jupyterhub_config.py reads (no passwords), and accounts.txt, the accounts
  with their passwords, readable by root only.

`down` stops whatever still runs as the class's users, removes the accounts and DIR.
Standard library only, so it runs with any Python 3 as root.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "exercises"
# Made by classroom.py itself: `down` removes only accounts whose home is under the class's folder.
MARK = "who-holds-the-budget class"


def hidden_folder() -> Path | None:
    """A folder on the way to the virtualenv's Python that other users may not pass (root's own home,
    where pyenv keeps its Pythons), if any."""
    python = Path(sys.executable).resolve()
    return next((folder for folder in reversed(python.parents) if not folder.stat().st_mode & 0o001), None)


def as_user(name: str, argv: list[str], state: Path) -> list[str]:
    """`argv`, run by root, run as the class's user `name` (setpriv), able to reach the virtualenv's Python.

    Where that Python is in a folder only root may pass (pyenv's, in /root), the command runs in a
    mount namespace of its own in which that folder shows only the way to the Python (an empty
    folder of the class's own stands in for the rest); nothing changes for the rest of the machine.
    """
    account = pwd.getpwnam(name)
    drop = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--init-groups", *argv]
    hidden = hidden_folder()
    if hidden is None:
        return drop
    way = Path(sys.executable).resolve().relative_to(hidden).parts[0]
    shown = state / "hub" / "python-shown"
    (shown / way).mkdir(mode=0o755, parents=True, exist_ok=True)
    shown.chmod(0o755)
    show = 'mount --bind "$0/$2" "$1/$2" && mount --rbind "$1" "$0" && shift 2 && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", show, str(hidden), str(shown), way, *drop]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_account(name: str, home: Path) -> str:
    """A local account with a fresh password; returns the password."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        pass
    else:
        raise SystemExit(f"user {name!r} already exists on this machine: remove it (or the class that made it, "
                         f"`python hub/classroom.py down DIR`) or choose another prefix")
    subprocess.run(["useradd", "--home-dir", str(home), "--create-home", "--user-group", "--shell", "/bin/bash",
                    "--comment", MARK, name], check=True)
    os.chmod(home, 0o700)
    password = secrets.token_urlsafe(12)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return password


def _give(path: Path, user: str) -> None:
    account = pwd.getpwnam(user)
    for folder, folders, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, f) for f in folders + files)]:
            os.lchown(name, account.pw_uid, account.pw_gid)


def bad_class(prefix: str, students: int) -> str | None:
    """What is wrong with a class's account prefix or size, if anything."""
    if not 1 <= students <= 30:
        return f"--students: 1 to 30, not {students}"
    if not prefix or not prefix.replace("-", "").isalnum() or not prefix[0].isalpha() or prefix != prefix.lower():
        return f"--prefix: lower-case letters, digits and '-', starting with a letter; not {prefix!r}"
    return None


def up(state: Path, prefix: str, students: int, port: int | None) -> dict:
    if problem := bad_class(prefix, students):
        raise SystemExit(problem)
    if os.geteuid() != 0:
        raise SystemExit("making the class's accounts needs root (useradd, chpasswd)")
    if state.exists() and any(state.iterdir()):
        raise SystemExit(f"{state} is not empty: a class is there already (`python hub/classroom.py down {state}`)")
    try:
        return _make(state, prefix, students, port)
    except BaseException:
        down(state)  # a half-made class is undone (class.json is written before any account)
        raise


def _make(state: Path, prefix: str, students: int, port: int | None) -> dict:
    instructor = f"{prefix}instructor"
    names = [f"{prefix}student{n}" for n in range(1, students + 1)]
    exchange = state / "exchange"
    klass = {"instructor": instructor, "students": names, "exchange": str(exchange),
             "course": str(state / "home" / instructor / "course"),
             "port": port or free_port(), "hub_port": free_port(), "proxy_api_port": free_port(),
             "homes": str(state / "home")}
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o755)
    # class.json first: `down` can then undo a half-made class.
    (state / "class.json").write_text(json.dumps(klass, indent=1) + "\n", encoding="utf-8")
    (state / "hub").mkdir(mode=0o700)  # the hub's database and cookie secret
    (state / "home").mkdir(mode=0o755)
    exchange.mkdir()
    os.chmod(exchange, 0o777)  # writable by everyone; nbgrader sets each course's folders inside
    passwords = {name: _make_account(name, state / "home" / name) for name in [instructor, *names]}
    course = Path(klass["course"])
    course.mkdir()
    shutil.copy2(COURSE / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(COURSE / "source", course / "source")
    shutil.copytree(COURSE / "checks", course / "checks", ignore=shutil.ignore_patterns("__pycache__"))
    _give(course, instructor)
    accounts = state / "accounts.txt"
    accounts.touch(mode=0o600)
    accounts.write_text("".join(f"{name} {passwords[name]} {'instructor' if name == instructor else 'student'}\n"
                                for name in [instructor, *names]), encoding="utf-8")
    return klass


def accounts(state: Path) -> dict[str, str]:
    """Each account's password (root only)."""
    return dict(line.split()[:2] for line in (state / "accounts.txt").read_text(encoding="utf-8").splitlines())


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


def down(state: Path) -> None:
    class_file = state / "class.json"
    if not class_file.is_file():
        # Not a class's folder (or nothing there): nothing of it is ours to remove.
        if state.is_dir() and not any(state.iterdir()):
            state.rmdir()
        return
    klass = json.loads(class_file.read_text(encoding="utf-8"))
    for name in [klass["instructor"], *klass["students"]]:
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            continue
        if account.pw_gecos != MARK or not account.pw_dir.startswith(klass["homes"] + "/"):
            print(f"leaving user {name}: classroom.py did not make it for {state}", file=sys.stderr)
            continue
        # Whatever still runs as the class's users (a kernel left behind): asked to stop, then killed.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in _pids_of(account.pw_uid):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 5
            while _pids_of(account.pw_uid) and time.monotonic() < deadline:
                time.sleep(0.1)
        subprocess.run(["userdel", name], check=False)
    shutil.rmtree(state, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("up", help="make the class's accounts, course and exchange")
    make.add_argument("dir", type=Path)
    make.add_argument("--prefix", default="whb-", help="the accounts' names start with this (default: whb-)")
    make.add_argument("--students", type=int, default=3, help="how many student accounts (1 to 30; default 3)")
    make.add_argument("--port", type=int, default=None, help="the hub's port on 127.0.0.1 (default: a free one)")
    remove = sub.add_parser("down", help="remove the class's accounts and folder")
    remove.add_argument("dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "up":
        if problem := bad_class(args.prefix, args.students):
            parser.error(problem)
        klass = up(args.dir.resolve(), args.prefix, args.students, args.port)
        print(json.dumps(klass))
    else:
        down(args.dir.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
