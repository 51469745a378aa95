"""Build the book strictly, as `make book` and the tests do.

Two steps, each from one of the course's parts:

1. The book offers the student version of each graded exercise, so the build
   first releases them (`coursegrading`, nbgrader) into
   book/exercises/student/; the release refuses any notebook that still holds
   a solution or a hidden test.
2. Jupyter Book builds every page (`--all`) with warnings as errors, using the
   Sphinx extensions of `coursebook`.

A build is skipped when nothing it reads has changed since the last
successful one (a digest of every input, and of the installed environment:
every distribution's name and version and the Python), so a no-change
`make book` is quick; any change makes the complete, strict build again.
Notebook outputs are cached by Jupyter Book (jupyter-cache), keyed on each
notebook's own cells; charts and tables come from `carepool`, `coursebook`
and the packages they use, so a change to either part or to the environment
clears that cache too.

Before Sphinx runs, the pages that are notebooks and are not in the cache are
executed side by side, one per core (BOOK_WORKERS=n to choose, 0 to leave
every notebook to Sphinx, one at a time, as before), and their outputs put in
the cache exactly as myst-nb puts them; Sphinx then only reads them. A
notebook that fails here is not cached, so Sphinx executes it again and fails
the build with its error, as strictly as ever.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the notebooks' outputs depend on beyond their own cells.
PACKAGES = ("src/model", "src/book")
# Everything a build reads; a change to any of it rebuilds the book.
INPUTS = (*PACKAGES, "src/grading", "book", "notebooks", "exercises/source", "_static",
          "_vendor", "_config.yml", "_toc.yml", "scripts/build_book.py")
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", "student", ".jupyter_cache"}

# Run in every kernel the build starts: Altair draws with the site's own Vega
# (coursebook's renderer) instead of loading it from a CDN.
KERNEL_STARTUP = 'import altair\naltair.renderers.enable("coursebook-offline")\n'


def environment() -> str:
    """The Python and every installed distribution with its version: upgrading any rebuilds the book."""
    from importlib.metadata import distributions

    installed = sorted({f"{d.metadata['Name']}=={d.version}" for d in distributions()})
    return "\n".join([sys.version, *installed])


def digest(source: Path, paths, also: str = "") -> str:
    """A digest of the files under `paths` (names and contents), and of `also`."""
    h = hashlib.sha256(also.encode())
    # The folders named, and every file at the top of the book's folder (pages, configuration).
    tops = [*(source / name for name in paths), *sorted(p for p in source.iterdir() if p.is_file())]
    for top in tops:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if SKIPPED_PARTS.isdisjoint(path.relative_to(source).parts) and ".egg-info" not in str(path):
                h.update(path.relative_to(source).as_posix().encode() + b"\0")
                h.update(path.read_bytes())
    return h.hexdigest()


def release_student_versions(source: Path) -> None:
    """The student notebooks and zips the exercise pages link to, made fresh."""
    course = source / "exercises"
    if not (course / "source").is_dir():
        return  # a book without graded exercises (the tests' minimal copies)
    from coursegrading.release import release_all

    student = source / "book" / "exercises" / "student"
    shutil.rmtree(student, ignore_errors=True)
    release_all(course, book_dir=student)
    build_model_wheel(source / "src" / "model", student)


def build_model_wheel(model: Path, into: Path) -> Path:
    """carepool as a wheel, for a student to install from the book with no copy of the repository.

    Built from a copy (pip would leave build/ in the source), without the egg-info and caches of
    the editable install; any warning of the build fails it, as the book's build does.
    """
    with tempfile.TemporaryDirectory() as scratch:
        copy = shutil.copytree(model, Path(scratch) / "model",
                               ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                              "--quiet", "--wheel-dir", str(into), str(copy)],
                             capture_output=True, text=True)
    if run.returncode != 0 or "Warning" in run.stderr:
        raise SystemExit(f"building the carepool wheel failed:\n{run.stdout}{run.stderr}")
    return next(into.glob("carepool-*.whl"))


def _book_notebooks(source: Path) -> list[tuple[Path, object, object]]:
    """Each page of the book that myst-nb executes: (path, notebook as myst-nb reads it, its reader)."""
    import yaml
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig
    from sphinx_external_toc.parsing import parse_toc_yaml

    config = yaml.safe_load((source / "_config.yml").read_text("utf-8"))
    md_config = MdParserConfig(enable_extensions=set(config.get("parse", {}).get("myst_enable_extensions", [])))
    found = []
    for docname in parse_toc_yaml(source / "_toc.yml"):  # the SiteMap maps each docname
        for path in (source / f"{docname}.ipynb", source / f"{docname}.md"):
            if not path.is_file():
                continue
            text = path.read_text("utf-8")
            reader = create_nb_reader(str(path), md_config, NbParserConfig(), text)
            if reader is not None:
                notebook = reader.read(text)
                # A notebook with settings of its own (myst-nb's metadata key) is left to Sphinx.
                if "mystnb" not in notebook.metadata:
                    found.append((path, notebook, reader.read_fmt))
            break
    return found


def _use_ipython_dir(ipython_dir: str) -> None:
    os.environ["IPYTHONDIR"] = ipython_dir


def _execute(path: Path, notebook, timeout: int, allow_errors: bool):
    """Run one notebook as myst-nb's cache mode does (in its own folder); in a worker process."""
    from jupyter_cache.executors.utils import single_nb_execution

    result = single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout, allow_errors=allow_errors,
                                 meta_override=True)
    return notebook, result.time, result.err is None


def execute_ahead(source: Path, cache_dir: Path, workers: int, ipython_dir: str) -> str:
    """Execute the book's uncached notebooks side by side into Jupyter Book's cache; say what was done."""
    import yaml
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    execute = yaml.safe_load((source / "_config.yml").read_text("utf-8")).get("execute", {})
    if workers < 1 or execute.get("execute_notebooks") != "cache":
        return "notebooks left to Sphinx"
    cache = get_cache(str(cache_dir))
    todo = []
    for path, notebook, read_fmt in _book_notebooks(source):
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo.append((path, notebook, read_fmt))
    if not todo:
        return "every notebook cached"
    timeout, allow_errors = execute.get("timeout", 30), execute.get("allow_errors", False)
    # Each worker's kernels get the build's IPython start-up (the offline chart renderer), as Sphinx's do.
    with ProcessPoolExecutor(min(workers, len(todo)), mp_context=get_context("spawn"),
                             initializer=_use_ipython_dir, initargs=(ipython_dir,)) as pool:
        runs = [pool.submit(_execute, path, notebook, timeout, allow_errors) for path, notebook, _ in todo]
        failed = 0
        for (path, _, read_fmt), run in zip(todo, runs):
            executed, seconds, ok = run.result()
            if not ok:
                failed += 1  # not cached: Sphinx runs it again and reports its error
                continue
            stage = cache.add_nb_to_project(str(path), read_data=read_fmt) if read_fmt else \
                cache.add_nb_to_project(str(path))
            cache.cache_notebook_bundle(CacheBundleIn(executed, stage.uri, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
    return f"{len(todo) - failed} of {len(todo)} notebooks executed, {min(workers, len(todo))} at a time"


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def build(source: Path = ROOT, *extra: str) -> int:
    build_dir = source / "_build"
    inputs_stamp, packages_stamp = build_dir / ".inputs-digest", build_dir / ".packages-digest"
    installed = environment()
    inputs = digest(source, INPUTS, installed)
    if not extra and inputs_stamp.is_file() and inputs_stamp.read_text() == inputs \
            and (build_dir / "html" / "index.html").is_file():
        print("build_book: nothing has changed since the last successful build; _build/html is up to date")
        return 0

    started = time.perf_counter()
    packages = digest(source, PACKAGES, installed)
    if not packages_stamp.is_file() or packages_stamp.read_text() != packages:
        shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    shutil.rmtree(build_dir / "html", ignore_errors=True)  # no stale pages
    inputs_stamp.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory(prefix="book-ipython-") as ipython_dir:
        startup = Path(ipython_dir, "profile_default", "startup")
        startup.mkdir(parents=True)
        (startup / "00-offline-charts.py").write_text(KERNEL_STARTUP)
        env = {**os.environ, "IPYTHONDIR": ipython_dir}
        # The exercises are released (nbgrader, its own processes) while the notebooks run: no page's
        # code reads the student versions, only Sphinx does, after both.
        with ThreadPoolExecutor(1) as beside:
            releasing = beside.submit(_timed, release_student_versions, source)
            workers = int(os.environ.get("BOOK_WORKERS", os.cpu_count() or 1))
            done = execute_ahead(source, build_dir / ".jupyter_cache", workers, ipython_dir)
            executed = time.perf_counter()
            released = releasing.result()
        ready = time.perf_counter()
        jupyter_book = Path(sys.executable).parent / "jupyter-book"
        command = [str(jupyter_book), "build", str(source), "-W", "-n", "--keep-going", "--all", *extra]
        code = subprocess.call(command, cwd=source, env=env)
    print(f"build_book: {done} in {executed - started:.1f} s, the exercises released beside them in "
          f"{released:.1f} s; then Jupyter Book in {time.perf_counter() - ready:.1f} s")
    if code == 0:
        build_dir.mkdir(exist_ok=True)
        packages_stamp.write_text(packages)
        # Digest again: the build must not be skipped next time if a file changed meanwhile.
        if digest(source, INPUTS, installed) == inputs:
            inputs_stamp.write_text(inputs)
    return code


if __name__ == "__main__":
    sys.exit(build(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT))
