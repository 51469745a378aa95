"""Benchmark of autograding a class: one at a time against in parallel, and where each submission's seconds go.

Runs on a temporary copy of the course (the repository is not touched):
releases it, makes N synthetic submissions of one assignment from the real
notebooks (a third right, a third blank, a third with only the first answer
done), then, with the sandbox on:

1. times each part a submission pays for, alone: starting nbgrader as a
   program (what every student cost before), starting the sandbox, starting
   a kernel's Python in it, and the notebook's imports in it;
2. times a few submissions graded the old way, one `nbgrader autograde`
   program per student;
3. grades the class one submission at a time (``workers=1``), then in
   parallel (one per core), and prints seconds per submission and the ratio,
   and checks both gave every student the same score.

    .venv/bin/python benchmarks/bench_grading.py [--submissions 50] [--old-way 3] [--assignment paying_providers]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coursegrading import sandbox  # noqa: E402
from coursegrading.autograde import GRADED, autograde_submission, default_workers, grade_class  # noqa: E402
from coursegrading.release import release_all  # noqa: E402


def _answers(source: dict) -> dict[str, str]:
    """The instructor's answer in each answer cell, without nbgrader's markers, as a student would type it."""
    answers = {}
    for cell in source["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            code = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            answers[meta["grade_id"]] = "\n".join(line for line in code.splitlines() if "SOLUTION" not in line)
    return answers


def _with_answers(released: dict, answers: dict[str, str]) -> dict:
    nb = json.loads(json.dumps(released))
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def _submit(course: Path, student: str, assignment: str, nb: dict) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def median_of(runs: int, run) -> float:
    times = sorted(seconds(run) for _ in range(runs))
    return times[len(times) // 2]


def parts(course: Path) -> dict[str, float]:
    """Seconds for each thing one submission pays for, each measured alone (median of three)."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        in_sandbox = sandbox.bwrap_argv(tmp, tmp)

        def run(argv):
            return lambda: subprocess.run(argv, check=True, capture_output=True, cwd=course)

        return {
            "nbgrader started as a program (imports)": median_of(3, run([python, "-c", "import nbgrader.apps"])),
            "sandbox started (bubblewrap, Python doing nothing)": median_of(3, run([*in_sandbox, python, "-c", "pass"])),
            "kernel's Python started in the sandbox (ipykernel imported)":
                median_of(3, run([*in_sandbox, python, "-c", "import ipykernel.kernelapp"])),
            "notebook's imports in the sandbox (numpy, pandas, altair)":
                median_of(3, run([*in_sandbox, python, "-c", "import numpy, pandas, altair"])),
        }


def grade(course: Path, assignment: str, workers: int) -> tuple[float, dict]:
    start = time.perf_counter()
    outcomes = grade_class(course, assignment, workers=workers, progress=None)
    return time.perf_counter() - start, {o.student: (o.status, o.score) for o in outcomes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--old-way", type=int, default=3, help="submissions timed with one nbgrader program each")
    parser.add_argument("--assignment", default="paying_providers")
    args = parser.parse_args()
    sandbox.check_available()
    load = os.getloadavg()[0]
    print(f"machine: {default_workers()} cores for grading, load average {load:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy2(ROOT / "exercises" / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "exercises" / "source", course / "source")
        release_all(course, Path(tmp) / "book_student")
        a = args.assignment
        source = json.loads((course / "source" / a / f"{a}.ipynb").read_text())
        released = json.loads((course / "release" / a / f"{a}.ipynb").read_text())
        right = _answers(source)
        # Partly done: only the first answer given, the rest raising.
        wrong = {gid: (code if n == 0 else "raise ValueError('not done')") for n, (gid, code) in enumerate(right.items())}
        kinds = [_with_answers(released, right), released, _with_answers(released, wrong)]
        for i in range(args.submissions):
            _submit(course, f"student{i:03d}", a, kinds[i % 3])

        print("\nwhere a submission's seconds go (each part alone, median of 3):")
        for name, value in parts(course).items():
            print(f"  {value:6.2f} s  {name}")

        if args.old_way:
            old = [seconds(lambda i=i: autograde_submission(course, a, f"student{i:03d}"))
                   for i in range(args.old_way)]
            print(f"\nthe old way, one `nbgrader autograde` program per student: "
                  f"{sum(old) / len(old):.2f} s per submission (mean of {len(old)})")

        serial_s, serial = grade(course, a, workers=1)
        parallel_s, parallel = grade(course, a, workers=default_workers())
        n = args.submissions
        graded = sum(status == GRADED for status, _ in parallel.values())
        print(f"\n{n} submissions of {a}, sandbox on ({graded} graded):")
        print(f"  one at a time:          {serial_s:7.1f} s, {serial_s / n:5.2f} s per submission")
        print(f"  {default_workers()} at a time (parallel): {parallel_s:7.1f} s, {parallel_s / n:5.2f} s per submission")
        print(f"  ratio: parallel grading takes {parallel_s / serial_s:.2f} of the time ({serial_s / parallel_s:.2f}x faster)")
        print(f"  same score for every student: {'yes' if serial == parallel else 'NO'}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0 if serial == parallel else 1


if __name__ == "__main__":
    sys.exit(main())
