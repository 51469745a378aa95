"""Benchmark of autograding a class: one at a time against in parallel, and where each submission's seconds go.

Runs on a temporary copy of the course (the repository is not touched):
releases it, makes N synthetic submissions of one assignment from the real
notebooks (a third right, a third blank, a third with only the first answer
done), then, with the sandbox on:

1. times each part a submission pays for, alone: starting nbgrader as a
   program (what every student cost before), starting the sandbox, starting
   a kernel's Python in it, the notebook's imports in it, Altair's first
   chart, and a kernel until it answers, started cold or forked warm;
2. times a few submissions graded the old way, one `nbgrader autograde`
   program per student;
3. grades the class one submission at a time (``workers=1``), then in
   parallel (one per core), both with kernels forked from a warm kernel
   server (the default), then in parallel again with every kernel started
   cold; prints seconds per submission and the ratios, and checks all three
   gave every student the same score.

    .venv/bin/python benchmarks/bench_grading.py [--submissions 50] [--old-way 3] [--assignment paying_providers]
"""

from __future__ import annotations

import argparse
import asyncio
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

from coursegrading import sandbox, warm_kernels  # noqa: E402
from coursegrading.autograde import GRADED, autograde_submission, default_workers, grade_class  # noqa: E402
from coursegrading.release import release_all  # noqa: E402
from coursegrading.sandbox import SandboxedKernelManager  # noqa: E402


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
            "Altair's SVG renderer's first chart (vl-convert starting), after the imports":
                sorted(float(subprocess.run([*in_sandbox, python, "-c", FIRST_CHART], check=True,
                                            capture_output=True, text=True).stdout) for _ in range(3))[1],
            "kernel started cold in the sandbox, until it answers":
                median_of(3, lambda: asyncio.run(_kernel_ready(Path(tmp), None))),
        }


# Times, inside the kernel's Python, the first chart drawn as SVG (what the notebooks ask for) after the imports.
FIRST_CHART = """
import time, altair as alt, pandas as pd
start = time.perf_counter()
alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y").to_dict()
import vl_convert
vl_convert.vegalite_to_svg(alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x").to_dict())
print(time.perf_counter() - start)
"""


async def _kernel_ready(workdir: Path, server: str | None) -> None:
    """Start a sandboxed kernel as nbgrader does (forked from `server` if given), wait until it answers, stop it."""
    manager = SandboxedKernelManager(kernel_name="python3", warm_kernel_server=server or "")
    await manager.start_kernel(cwd=str(workdir))
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def warm_kernel_part() -> float:
    """Seconds until a kernel forked from a warm kernel server into its sandbox answers (imports already done)."""
    with tempfile.TemporaryDirectory() as tmp, warm_kernels.running(sandbox.kernel_env()) as server:
        os.chmod(tmp, 0o755)
        return median_of(3, lambda: asyncio.run(_kernel_ready(Path(tmp), server)))


def grade(course: Path, assignment: str, workers: int, warm: bool = True) -> tuple[float, float, dict]:
    """Seconds to grade the class, seconds until its first student was graded, and each student's outcome."""
    start = time.perf_counter()
    finished: list[float] = []
    outcomes = grade_class(course, assignment, workers=workers, warm=warm,
                           progress=lambda *_: finished.append(time.perf_counter() - start))
    return time.perf_counter() - start, finished[0], {o.student: (o.status, o.score) for o in outcomes}


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
        shutil.copytree(ROOT / "exercises" / "checks", course / "checks", ignore=shutil.ignore_patterns("__pycache__"))
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
        print(f"  {warm_kernel_part():6.2f} s  kernel forked from the warm kernel server into the sandbox, "
              "until it answers (ipykernel, numpy, pandas, altair, carepool imported once, in the server)")

        if args.old_way:
            old = [seconds(lambda i=i: autograde_submission(course, a, f"student{i:03d}"))
                   for i in range(args.old_way)]
            print(f"\nthe old way, one `nbgrader autograde` program per student: "
                  f"{sum(old) / len(old):.2f} s per submission (mean of {len(old)})")

        workers = default_workers()
        serial_s, serial_first, serial = grade(course, a, workers=1)
        parallel_s, parallel_first, parallel = grade(course, a, workers=workers)
        cold_s, cold_first, cold = grade(course, a, workers=workers, warm=False)
        n = args.submissions
        graded = sum(status == GRADED for status, _ in parallel.values())
        print(f"\n{n} submissions of {a}, sandbox on ({graded} graded):")
        print(f"  one at a time, warm kernels:   {serial_s:7.1f} s, {serial_s / n:5.2f} s per submission "
              f"(first graded after {serial_first:.1f} s)")
        print(f"  {workers} at a time, warm kernels:     {parallel_s:7.1f} s, {parallel_s / n:5.2f} s per submission "
              f"(first graded after {parallel_first:.1f} s)")
        print(f"  {workers} at a time, cold kernels:     {cold_s:7.1f} s, {cold_s / n:5.2f} s per submission "
              f"(first graded after {cold_first:.1f} s)")
        print(f"  ratio: parallel takes {parallel_s / serial_s:.2f} of one at a time ({serial_s / parallel_s:.2f}x faster); "
              f"warm kernels take {parallel_s / cold_s:.2f} of cold ({cold_s / parallel_s:.2f}x faster)")
        same = serial == parallel == cold
        print(f"  same score for every student, all three ways: {'yes' if same else 'NO'}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
