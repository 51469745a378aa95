"""The model's tests on every Python this machine can get: `make test-pythons`.

carepool, what students install, declares `requires-python >=3.11` with no cap,
so it must work on every Python its dependencies (NumPy, pandas, Altair) ship
for. The course's own environment is Python 3.11; this checks the others:

- each `python3.N` (N >= 11) on PATH that runs, or else installed by pyenv;
- as root, each `python3.N` that Debian's unstable archive packages: a minimal
  Debian unstable made by debootstrap in _build/debian-unstable, its Pythons
  run under bubblewrap with this repository bound in (their programs need
  unstable's C library, so they cannot run on this system directly).

Each Python gets a fresh virtualenv with carepool installed from src/model as
a student installs it, its dependencies the newest PyPI has for that Python
(requirements.lock is the 3.11 environment's), and runs tests/model (less
test_reference.py, which imports the book's part). One line per Python: its
version, what was installed, the tests' result. The exit status is non-zero if
any Python fails.

Standard library only: it runs with the system's Python, outside the venv.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNSTABLE = ROOT / "_build" / "debian-unstable"
MIRROR = "http://deb.debian.org/debian"
OLDEST = 11
TESTS = ["-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/model",
         "--ignore", "tests/model/test_reference.py"]
# What the student's install brings, printed beside each Python's result.
SHOW = ("import importlib.metadata as m, sys; print(sys.version.split()[0], "
        "*(f'{p} {m.version(p)}' for p in ('numpy', 'pandas', 'altair')), sep=', ')")
# In the venv: carepool and the test tools, then the tests. `$PY` is the Python under test.
SCRIPT = f"""set -e
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet ./src/model pytest hypothesis
"$VENV/bin/python" -c "{SHOW}"
"$VENV/bin/python" {' '.join(TESTS)} | tail -n 1
"""


def local_pythons() -> list[str]:
    """One runnable python3.N (N >= OLDEST) per minor version: on PATH, else one pyenv installed.

    A pyenv shim for a version that is installed but not selected does not run, so pyenv's own
    folders are looked in too.
    """
    pyenv = shutil.which("pyenv")
    root = subprocess.run([pyenv, "root"], capture_output=True, text=True).stdout.strip() if pyenv else ""
    found = []
    for minor in range(OLDEST, 30):
        name = f"python3.{minor}"
        candidates = [shutil.which(name), *sorted(map(str, Path(root or "/nonexistent").glob(f"versions/*/bin/{name}")))]
        runs = [c for c in candidates if c and subprocess.run([c, "-c", ""], capture_output=True).returncode == 0]
        found += runs[:1]
    return found


def unstable_root() -> Path:
    """A minimal Debian unstable with every python3.N-venv it packages (N >= 11), made once."""
    if not (UNSTABLE / "usr" / "bin" / "apt-get").exists():
        UNSTABLE.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["debootstrap", "--variant=minbase", "--include=ca-certificates", "sid",
                        str(UNSTABLE), MIRROR], check=True, stdout=subprocess.DEVNULL)
    # The archive this machine reaches may be a snapshot whose Release file is past its
    # Valid-Until date; the packages are still the ones it signed.
    chroot = ["chroot", str(UNSTABLE)]
    apt = ["apt-get", "-q", "-o", "Acquire::Check-Valid-Until=false"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*chroot, *apt, "update"], check=True, env=env, stdout=subprocess.DEVNULL)
    names = subprocess.run([*chroot, "apt-cache", "search", "--names-only", r"^python3\.[0-9]+-venv$"],
                           check=True, capture_output=True, text=True).stdout
    wanted = sorted({m for m in re.findall(r"^(python3\.(\d+))-venv", names, re.M) if int(m[1]) >= OLDEST})
    subprocess.run([*chroot, *apt, "install", "-y", *(f"{p}-venv" for p, _ in wanted)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return UNSTABLE


def in_unstable(root: Path) -> list[str]:
    """bubblewrap into Debian unstable, with this repository, DNS and the machine's CA bundle bound in."""
    bundle = os.environ.get("PIP_CERT", "/etc/ssl/certs/ca-certificates.crt")
    return ["bwrap", "--bind", str(root), "/", "--bind", str(ROOT), str(ROOT),
            "--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf", "--ro-bind", bundle, bundle,
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--setenv", "HOME", "/tmp",
            "--unsetenv", "PIP_FIND_LINKS", "--chdir", str(ROOT)]


def run(python: str, wrap: list[str]) -> tuple[bool, str]:
    """(passed, what it printed): carepool installed for `python` and its tests run."""
    with tempfile.TemporaryDirectory(prefix="test-pythons-") as tmp:
        venv = "/tmp/venv" if wrap else str(Path(tmp, "venv"))
        done = subprocess.run([*wrap, "/bin/sh", "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PY": python, "VENV": venv})
    lines = done.stdout.strip().splitlines()
    said = " | ".join(lines[-2:]) if done.returncode == 0 else (done.stdout + done.stderr).strip()[-2000:]
    return done.returncode == 0 and "passed" in said and "failed" not in said, said


def main() -> int:
    pythons = [(p, "this system", []) for p in local_pythons()]
    if os.geteuid() == 0:
        root = unstable_root()
        pythons += [(p.name, "Debian unstable", in_unstable(root))
                    for p in sorted((root / "usr" / "bin").glob("python3.*")) if re.fullmatch(r"python3\.\d+", p.name)]
    else:
        print("test_pythons: not root, so Debian unstable's Pythons are not tried")
    failed = 0
    for python, where, wrap in pythons:
        passed, said = run(python, wrap)
        failed += not passed
        print(f"{Path(python).name:11} {where:16} {'ok  ' if passed else 'FAIL'} {said}", flush=True)
    return 1 if failed or not pythons else 0


if __name__ == "__main__":
    sys.exit(main())
