"""One visit to every page of the built site at a laptop's width, read by several tests.

Loading each page is most of what the whole-site checks cost, so the page-weight, offline and
laptop accessibility tests share one visit: a fresh browser context per page (nothing cached,
so the weight counts every file), outside requests blocked and recorded, then axe-core once the
page is quiet. Each test asserts only its own part of a page's report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from benchmarks.page_weight import PageWeight, count_responses, page_kind
from tests.support import ROOT, SITE, block_outside_requests, requests_in_flight, site_pages, wait_until_quiet

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAPTOP = {"width": 1366, "height": 900}


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands, a few nodes each."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"rule": v["id"], "impact": v["impact"],
         "nodes": [" ".join(n["target"]) + " " + n["html"] for n in v["nodes"]][:5]}
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


@dataclass
class PageReport:
    path: str
    weight: PageWeight
    theme: str = ""
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)


def visit_page(browser, site_url: str, path: str) -> PageReport:
    context = browser.new_context(viewport=LAPTOP, color_scheme="light")
    page = context.new_page()
    report = PageReport(path, PageWeight(path, page_kind(SITE, path)))

    responses = []
    block_outside_requests(page, report.outside_requests)
    page.on("response", lambda r: responses.append(r))
    page.on("console", lambda m: m.type == "error" and report.console_errors.append(m.text))
    page.on("pageerror", lambda e: report.console_errors.append(str(e)))
    # Name the missing file, which the console message does not.
    page.on("response", lambda r: r.status >= 400 and report.console_errors.append(f"HTTP {r.status}: {r.url}"))
    in_flight = requests_in_flight(page)
    try:
        page.goto(f"{site_url}/{path}", wait_until="load")
        # Charts drawn, fonts loaded and index.html's redirect followed before anything is counted.
        wait_until_quiet(page, in_flight)
        count_responses(report.weight, responses)
        report.theme = page.evaluate("document.documentElement.dataset.theme")
        report.violations = serious_violations(page)
    finally:
        context.close()
    return report


def tour(browser, site_url: str) -> dict[str, PageReport]:
    assert AXE.is_file(), "axe-core is missing: `make setup` runs npm ci"
    return {path: visit_page(browser, site_url, path) for path in site_pages()}
