"""Page weight: every byte a page of the built site loads, uncompressed, in headless Chromium.

Shared by the page-weight test and ``benchmarks/bench_page_weight.py``. A page
is loaded at desktop width with outside requests blocked, left until the
network is idle, and every response body is counted at its decoded length
(the length the browser must parse, whatever the server's compression).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

MB = 1_000_000
# The budgets, by kind of page.
BUDGETS = {"text": 1 * MB, "charts": 2 * MB, "notebook": 3 * MB}


@dataclass
class PageWeight:
    path: str
    kind: str
    files: dict[str, int] = field(default_factory=dict)  # URL path -> bytes

    @property
    def total(self) -> int:
        return sum(self.files.values())

    @property
    def budget(self) -> int:
        return BUDGETS[self.kind]

    def largest(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.files.items(), key=lambda item: -item[1])[:n]


def page_kind(site: Path, path: str) -> str:
    """'notebook' for a page built from a .ipynb, 'charts' for one with a chart, else 'text'."""
    if (site / "_sources" / path).with_suffix(".ipynb").is_file():
        return "notebook"
    html = (site / path).read_text(encoding="utf-8")
    return "charts" if "vegaEmbed(" in html else "text"


def weigh(browser, site: Path, base_url: str, path: str, width: int = 1366) -> PageWeight:
    """Load one page and count every response it receives."""
    weight = PageWeight(path, page_kind(site, path))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            r.abort()

    responses = []
    page.route("**/*", route)
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{base_url}/{path}", wait_until="load")
    # Fonts load after the first paint; let them finish (Chromium's
    # network-idle signal does not always come on a loaded machine: then wait a little longer).
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:
        page.wait_for_timeout(1_500)
    count_responses(weight, responses)
    context.close()
    return weight


def count_responses(weight: PageWeight, responses) -> PageWeight:
    """Add each response's decoded body to `weight`, by URL path (read them before the page closes)."""
    for response in responses:
        url = urlparse(response.url)
        if url.scheme not in ("http", "https"):
            continue
        try:
            size = len(response.body())
        except Exception:  # a redirect or an aborted request has no body
            continue
        weight.files[url.path] = weight.files.get(url.path, 0) + size
    return weight
