"""What happened to each student's submission when it was last autograded.

The gradebook holds scores, not whether a submission ran: a broken notebook is
never put in it, and one that timed out has scores like any other. `record`
keeps each student's last outcome in ``<course>/autograde_status/<assignment>.json``
(under a lock: several graders lose nothing) so that the export (`export`) can list every student with a status.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

FOLDER = "autograde_status"


def path(course_dir: Path | str, assignment: str) -> Path:
    return Path(course_dir) / FOLDER / f"{assignment}.json"


def load(course_dir: Path | str, assignment: str) -> dict[str, dict]:
    """student -> {"status", "reason", "when"} for everyone autograded so far."""
    try:
        return json.loads(path(course_dir, assignment).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def record(course_dir: Path | str, assignment: str, outcomes) -> None:
    """Keep these outcomes, each replacing the student's earlier one; others stay as they were.

    Read, changed and written under a lock (`flock` on a file beside it), so graders recording at
    once each keep the others' outcomes: no student's status is lost.
    """
    target = path(course_dir, assignment)
    target.parent.mkdir(exist_ok=True)
    with open(target.parent / f".{assignment}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even if this process dies
        known = load(course_dir, assignment)
        when = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for outcome in outcomes:
            known[outcome.student] = {"status": outcome.status, "reason": outcome.reason, "when": when}
        # Written whole then renamed, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(dict(sorted(known.items())), out, indent=1)
        os.replace(temporary, target)
