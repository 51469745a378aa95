"""How long `make book` takes: a fresh build, and a build with nothing changed.

The book is copied to a temporary folder as a fresh clone has it, with the
vendored JavaScript `make setup` adds (the shared _build/ is left alone), and
built there by scripts/build_book.py, as `make book` builds it, three times:

1. fresh, with every notebook left to Sphinx one at a time (BOOK_WORKERS=0):
   the build as it was, the baseline measured in the same run;
2. fresh, as `make book` builds now (notebooks executed one per core first);
3. again with nothing changed: the build is skipped after its digest.

Target: a fresh build under 120 s on the 2-core machine, a no-change build
within a few seconds. Each line gives wall time and CPU time (the build and
every process it waited for: Sphinx, the kernels) and the load average when
the run started, since the machine may be shared.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET_UP = ("_vendor",)  # what `make setup` adds to a fresh clone before `make book` builds
FRESH_TARGET, NO_CHANGE_TARGET = 120.0, 5.0


def fresh_copy(to: Path) -> Path:
    """The repository as `make book` finds it on a fresh clone after `make setup`, nothing built."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if not (ROOT / name).exists():  # deleted in the working tree, not yet committed
            continue
        (to / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, to / name)
    for name in SET_UP:
        shutil.copytree(ROOT / name, to / name)
    return to


def timed_build(book: Path, **env: str) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, load average at the start, the build's summary line)."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py"), str(book)],
                         capture_output=True, text=True, env={**os.environ, **env})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"bench_build: the build failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    summary = [line for line in run.stdout.splitlines() if line.startswith("build_book:")]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, load, summary[-1] if summary else ""


def line(name: str, figures: tuple[float, float, float, str], target: float | None = None) -> None:
    wall, cpu, load, summary = figures
    verdict = "" if target is None else (f"  (target < {target:.0f} s: " + ("met)" if wall < target else "NOT met)"))
    print(f"{name:38} {wall:7.1f} s wall {cpu:7.1f} s CPU  load {load:4.1f}{verdict}")
    if summary:
        print(f"{'':38} {summary}")


def main() -> int:
    print(f"make book on {os.cpu_count()} cores (a copy of the book in a temporary folder)")
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        baseline, book = fresh_copy(Path(tmp, "baseline")), fresh_copy(Path(tmp, "book"))
        line("fresh, notebooks one at a time (was)", timed_build(baseline, BOOK_WORKERS="0"))
        line("fresh, as make book builds now", timed_build(book), FRESH_TARGET)
        line("nothing changed", timed_build(book), NO_CHANGE_TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
