"""Autograding through nbgrader's Python API, many students from one process.

`nbgrader autograde` run as a program pays, for every student, a new Python
process importing nbgrader's whole application (Jupyter server, formgrader,
exchange...): about as long as grading the notebook itself. Here nbgrader's
`Autograde` converter, the same code the command runs, is called in-process:
the course's configuration is read once and its imports are paid once per
worker, not once per student.

The kernel that runs a student's code is still a new process per student, in
the sandbox (`sandbox.SandboxedKernelManager`) unless asked otherwise.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

# SQLite makes a writer wait this long for another's lock before "database is locked":
# parallel graders write the same file, each briefly.
SQLITE_BUSY_SECONDS = 300


@dataclass(frozen=True)
class Run:
    """What one in-process autograde did: whether it finished, and nbgrader's log."""

    ok: bool
    log: str


def default_db_url(course_dir: Path) -> str:
    return f"sqlite:///{(course_dir / 'gradebook.db').resolve()}"


def with_busy_timeout(db_url: str) -> str:
    """A SQLite URL that waits for other writers instead of failing at once; other URLs unchanged."""
    if not db_url.startswith("sqlite:") or "timeout=" in db_url:
        return db_url
    return f"{db_url}{'&' if '?' in db_url else '?'}timeout={SQLITE_BUSY_SECONDS}"


def course_config(course_dir: Path, kernel_manager: str, cell_timeout: int | None,
                  db_url: str | None, warm_server: str | None = None) -> Config:
    """The course's own nbgrader_config.py, with this run's choices on top (as the command line would)."""
    course_dir = Path(course_dir).resolve()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    config.CourseDirectory.root = str(course_dir)
    given = db_url or config.CourseDirectory.get("db_url") or default_db_url(course_dir)
    config.CourseDirectory.db_url = with_busy_timeout(given)
    config.Execute.kernel_manager_class = kernel_manager
    if warm_server:
        config.SandboxedKernelManager.warm_kernel_server = warm_server  # kernels forked from a warm kernel server
    if cell_timeout is not None:
        config.Execute.timeout = int(cell_timeout)
    # nbgrader fails the whole notebook if a cell's outputs lag 4 s behind its reply, which
    # happens on a machine busy grading in parallel; wait for them as long as for the cell.
    config.Execute.iopub_timeout = max(int(config.Execute.get("timeout", 30)), 60)
    return config


def autograde(course_dir: Path | str, assignment: str, student: str, kernel_manager: str,
              cell_timeout: int | None = None, db_url: str | None = None, warm_server: str | None = None) -> Run:
    """Run nbgrader's autograde for one student, in this process (as `nbgrader autograde --force` does)."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    course_dir = Path(course_dir).resolve()
    config = course_config(course_dir, kernel_manager, cell_timeout, db_url, warm_server)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, student
    app = Autograde(coursedir=coursedir, config=config)
    app.force = True
    app.create_student = True
    # nbgrader's paths are relative to the course folder, and the kernel starts in the autograded copy.
    here = os.getcwd()
    os.chdir(course_dir)
    try:
        with warnings.catch_warnings():
            # nbgrader's gradebook makes SQLAlchemy warn three times per student about its own autoflush
            # (harmless: the submission is added right after); on a class, they drown the progress lines.
            warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session")
            result = capture_log(app)
    finally:
        os.chdir(here)
    return Run(bool(result.get("success")), (result.get("log") or "") + (result.get("error") or ""))
