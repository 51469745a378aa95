"""Shared fixtures (the repository root, the built book, the site in Chromium)
and the markers that group the tests.

Markers are given by what a test uses, so they cannot drift from it: a test
that builds the book is `build`, one that opens Chromium is `browser`, one
under tests/exercises runs nbgrader and is `grading`. `make check` runs the
rest (model, corpus, text) in well under a minute.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts import system_tools
from tests.support import ROOT, block_outside_requests, requests_in_flight, wait_until_quiet

BIN = Path(sys.executable).parent

# What a test uses -> its marker.
FIXTURE_MARKERS = {"built_book": "build", "site_url": "build", "sphinx_site": "build", "book_build": "build",
                   "browser": "browser", "page": "browser", "visit": "browser"}
FOLDER_MARKERS = {"model": "model", "corpus": "model", "structure": "model", "text": "text",
                  "exercises": "grading"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = Path(str(item.path)).relative_to(ROOT / "tests").parts[0]
        names = {FOLDER_MARKERS.get(folder)} | {FIXTURE_MARKERS.get(f) for f in item.fixturenames}
        for name in sorted(n for n in names if n):
            item.add_marker(name)


def build_book(source: Path) -> subprocess.CompletedProcess:
    """Run the strict book build `make book` runs; return the finished process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_book.py"), str(source)],
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.fixture(scope="session")
def book_build():
    """The strict build as a function of a book's folder (for copies made by a test)."""
    return build_book


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The whole course, built strictly once per test session into _build/html."""
    html = ROOT / "_build" / "html"
    result = build_book(ROOT)
    assert result.returncode == 0, (
        "the strict book build failed:\n" + result.stdout[-6000:] + result.stderr[-6000:]
    )
    assert (html / "index.html").is_file()
    return html


# --- the built site in a real browser -------------------------------------

CHROMIUM = system_tools.chromium() or "chromium (none on PATH: set CHROMIUM)"  # Debian's, found on PATH
# As the machine's notes advise: no background traffic from Chromium itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture(scope="session")
def site_url(built_book: Path):
    """The built site served on 127.0.0.1, as `make serve` does."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser is Debian's Chromium (Playwright cannot download one here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (or set CHROMIUM)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@dataclass
class PageVisit:
    """A page opened with every request to another host blocked and recorded."""

    page: object
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser, site_url):
    """Open a site page by path; block and record outside requests and console errors."""
    contexts = []

    def open_page(path: str, wait_for: str | None = None, width: int = 1280, scheme: str = "light") -> PageVisit:
        # A phone-sized window is as tall as a phone's; `scheme` is the reader's colour scheme ("dark").
        context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                      color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        v = PageVisit(page)

        block_outside_requests(page, v.outside_requests)
        page.on("console", lambda m: m.type == "error" and v.console_errors.append(m.text))
        page.on("pageerror", lambda e: v.console_errors.append(str(e)))
        # Name the missing file, which the console message does not.
        page.on(
            "response",
            lambda r: r.status >= 400 and v.console_errors.append(f"HTTP {r.status}: {r.url}"),
        )
        in_flight = requests_in_flight(page)
        page.goto(f"{site_url}/{path}", wait_until="load")
        if wait_for:
            page.wait_for_selector(wait_for, timeout=20_000)
        wait_until_quiet(page, in_flight)
        return v

    yield open_page
    for context in contexts:
        context.close()

