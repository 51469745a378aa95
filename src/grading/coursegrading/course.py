"""Running nbgrader commands in the course folder.

nbgrader must run from the course folder (where `nbgrader_config.py` is), and
it calls `alembic` and `jupyter` as programs, so the virtualenv's `bin` folder
goes first on PATH.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader: this Python's `bin` first on PATH."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def run_nbgrader(course_dir: Path | str, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in `course_dir`; return the finished process (output captured).

    Raises `subprocess.TimeoutExpired` if it runs longer than `timeout` seconds.
    """
    course_dir = Path(course_dir)
    if not (course_dir / "nbgrader_config.py").is_file():
        raise FileNotFoundError(f"course_dir: no nbgrader_config.py in {course_dir}")
    return subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=course_dir,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assignments(course_dir: Path | str) -> list[str]:
    """The assignments in the course: the folders of `source/`, sorted."""
    source = Path(course_dir) / "source"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))


def course_setting(course_dir: Path | str, section: str, name: str):
    """One setting of the course's nbgrader_config.py (``c.<section>.<name>``); an error names it if unset."""
    from traitlets.config import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(Path(course_dir).resolve())).load_config()
    value = config.get(section, {}).get(name)
    if value in (None, ""):
        raise ValueError(f"c.{section}.{name}: not set in {Path(course_dir) / 'nbgrader_config.py'}")
    return value
