"""The programs from Debian's packages that the course's build and tests use: where they are, and installing them.

`make book` and `make test` run `python3 scripts/system_tools.py install book|test`
(and `make check` `install python`, the venv module alone) before anything else, so a fresh Debian machine needs nothing by hand: each
program that is missing is installed from the Debian package that holds it.
The tests and benchmarks find Chromium and PostgreSQL through `chromium()` and
`postgres_bin()` here rather than at a fixed path: Debian puts PostgreSQL's
programs under /usr/lib/postgresql/<major>/bin, and the major version changes
with Debian's release.

Standard library only: it runs before the course's virtualenv exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

# Each program -> the Debian packages that may hold it, in order of preference
# (the first that apt knows is installed). setpriv has a package of its own in
# newer Debian releases and is part of util-linux in older ones.
PROGRAMS = {
    "node": ("nodejs",),
    "npm": ("npm",),
    "ps": ("procps",),
    "pgrep": ("procps",),
    "setpriv": ("setpriv", "util-linux"),
    "bwrap": ("bubblewrap",),
    "chromium": ("chromium",),
    "initdb": ("postgresql",),
    "debootstrap": ("debootstrap",),
}
# What each command uses. The book: npm for the vendored JavaScript (and the
# venv module, below). The tests: the sandbox's bubblewrap and setpriv, ps and
# pgrep to look for leftover kernels, Chromium, and PostgreSQL for the shared
# gradebook's test. `make test-pythons`: a Debian unstable made by debootstrap, run under bubblewrap.
NEEDS = {
    "python": (),
    "book": ("node", "npm"),
    "test": ("node", "npm", "ps", "pgrep", "setpriv", "bwrap", "chromium", "initdb"),
    "pythons": ("bwrap", "debootstrap"),
}
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Where Debian (and Ubuntu) install each major version of PostgreSQL's server programs.
DEBIAN_POSTGRES = Path("/usr/lib/postgresql")


def required() -> bool:
    """Whether a test must fail, not skip, when a program here is missing: `make test` installs them all."""
    return os.environ.get("COURSE_TOOLS_REQUIRED") == "1"


def chromium() -> str | None:
    """The Chromium to drive: $CHROMIUM if set, else the first Chromium on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def _major(folder: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", folder.name)) or (0,)


def postgres_bin(debian_root: Path | None = None) -> Path | None:
    """The folder holding PostgreSQL's initdb, pg_ctl and createdb.

    $PG_BIN if set; else Debian's newest major version under `debian_root`
    (its server programs are not on PATH); else the folder of an initdb on PATH.
    """
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    debian_root = debian_root or DEBIAN_POSTGRES
    versions = sorted((p for p in debian_root.glob("*") if (p / "bin" / "initdb").is_file()),
                      key=_major, reverse=True) if debian_root.is_dir() else []
    if versions:
        return versions[0] / "bin"
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _found(program: str) -> bool:
    if program == "chromium":
        return chromium() is not None
    if program == "initdb":
        return postgres_bin() is not None
    return shutil.which(program) is not None


def venv_package() -> str | None:
    """Debian's package with this Python's venv module and ensurepip, if this Python lacks them."""
    try:
        import ensurepip  # noqa: F401 - Debian's Python has it only with pythonX.Y-venv
        import venv  # noqa: F401
        return None
    except ImportError:
        return f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def _apt_knows(package: str) -> bool:
    shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True)
    return shown.returncode == 0 and "Package:" in shown.stdout


def missing_packages(command: str) -> list[str]:
    packages = []
    if (venv := venv_package()) is not None:
        packages.append(venv)
    for program in NEEDS[command]:
        if not _found(program):
            candidates = PROGRAMS[program]
            choice = next((p for p in candidates if _apt_knows(p)), candidates[-1])
            if choice not in packages:
                packages.append(choice)
    return packages


def install(command: str) -> int:
    packages = missing_packages(command)
    if not packages:
        return 0
    if shutil.which("apt-get") is None:
        print(f"system_tools: missing {' '.join(packages)}, and this is not a Debian machine: "
              "install them with your system's packages", file=sys.stderr)
        return 1
    print(f"system_tools: installing Debian packages for make {command}: {' '.join(packages)}")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    # Packages apt did not know before the update are looked up again.
    packages = missing_packages(command)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *packages],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    still = [p for p in NEEDS[command] if not _found(p)]
    if still:
        print(f"system_tools: still missing after installing: {still}", file=sys.stderr)
        return 1
    return 0


def where() -> int:
    """Print where each program is found (what `make test` will use)."""
    for program in sorted(set(NEEDS["test"])):
        path = {"chromium": chromium, "initdb": postgres_bin}.get(program, lambda: shutil.which(program))()
        print(f"{program:9} {path or 'MISSING'}")
    print(f"{'venv':9} {'MISSING: ' + p if (p := venv_package()) else sysconfig.get_paths()['stdlib'] + '/venv'}")
    return 0


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["install", ("python" | "book" | "test" | "pythons") as command]:
            sys.exit(install(command))
        case ["where"]:
            sys.exit(where())
        case _:
            sys.exit("usage: system_tools.py install python|book|test|pythons | where")
