"""Resolve the course's Python dependencies into requirements.lock (`make lock`).

requirements.lock pins every package the course's virtualenv holds, with the
hashes of each file PyPI serves for it, for every Python from 3.11 and every
platform (uv's universal resolution); `make setup` installs from it alone
(`pip install --require-hashes --no-deps`), as `npm ci` does from
package-lock.json, so a machine next year builds the same course.

Run again after changing a dependency in a pyproject.toml: versions already in
the lock are kept where they still fit (`make lock UPGRADE=1` takes the newest
allowed). The resolver, uv, is pinned here and lives in a throwaway virtualenv.
Any further arguments go to `uv pip compile` (for example `-c constraints.txt`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = "uv==0.13.9"
OURS = ("carepool", "coursebook", "coursegrading")  # installed editable from src/, not from the lock


def main(args: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="course-lock-") as tmp:
        venv.create(tmp, with_pip=True)
        subprocess.run([f"{tmp}/bin/python", "-m", "pip", "install", "--quiet", UV], check=True)
        command = [f"{tmp}/bin/uv", "pip", "compile", "scripts/requirements.in",
                   "--group", "pyproject.toml:test", "--universal", "--python-version", "3.11",
                   "--generate-hashes", "--output-file", "requirements.lock",
                   "--custom-compile-command", "make lock",
                   *(arg for name in OURS for arg in ("--no-emit-package", name)), *args]
        return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
