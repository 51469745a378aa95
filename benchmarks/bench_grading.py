"""Benchmark of the grading workflow: the release step, and autograding 50 submissions.

Runs on a temporary copy of the course (the repository is not touched):
times `release_all` (every assignment generated, checked, zipped and copied
for the book), then autogrades 50 synthetic submissions of one assignment,
made from the real notebooks (a third right, a third blank, a third with a
plausible wrong answer), one student at a time as `make autograde` does,
first without the sandbox and then with it, and prints the sandbox's overhead.

    .venv/bin/python benchmarks/bench_grading.py [--submissions 50] [--assignment paying_providers]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coursegrading.autograde import GRADED, grade_class  # noqa: E402
from coursegrading.release import release_all  # noqa: E402
from tests.exercises.kit import reference_answers, submit, with_answers, wrong_answers  # noqa: E402


def time_autograde(course: Path, assignment: str, sandbox: bool) -> float:
    """Autograde every submission once; print and return the mean seconds per submission."""
    times = []

    def progress(done, total, outcome):
        times.append(time.perf_counter())
        print(f"[{done}/{total}] {outcome.student}: {outcome.status}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    outcomes = grade_class(course, assignment, progress=progress, sandbox=sandbox)
    total_seconds = time.perf_counter() - start
    per = [b - a for a, b in zip([start] + times[:-1], times)]
    graded = sum(o.status == GRADED for o in outcomes)
    print(f"autograde {'with' if sandbox else 'without'} the sandbox: {len(outcomes)} submissions of "
          f"{assignment} in {total_seconds:.1f} s; {graded} graded; per submission: mean "
          f"{statistics.mean(per):.2f} s, median {statistics.median(per):.2f} s, max {max(per):.2f} s", flush=True)
    return statistics.mean(per)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--assignment", default="paying_providers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy2(ROOT / "exercises" / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "exercises" / "source", course / "source")

        start = time.perf_counter()
        zips = release_all(course, Path(tmp) / "book_student")
        release_seconds = time.perf_counter() - start
        print(f"release step: {release_seconds:.1f} s for {len(zips)} assignments "
              f"(generate, check, zip, copy for the book)")

        a = args.assignment
        source = json.loads((course / "source" / a / f"{a}.ipynb").read_text())
        released = json.loads((course / "release" / a / f"{a}.ipynb").read_text())
        kinds = [with_answers(released, reference_answers(source)), released,
                 with_answers(released, wrong_answers(a, source))]
        for i in range(args.submissions):
            submit(course, f"student{i:03d}", a, kinds[i % 3])

        means = {}
        for sandbox in (False, True):
            means[sandbox] = time_autograde(course, a, sandbox)
        overhead = 100 * (means[True] - means[False]) / means[False]
        print(f"sandbox overhead: {means[True]:.2f} s against {means[False]:.2f} s per submission "
              f"(mean), {overhead:+.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
