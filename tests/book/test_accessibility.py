"""axe-core on every page of the built site: no serious or critical violations."""

from __future__ import annotations

import json

import pytest

from tests.support import ROOT, requests_in_flight, site_pages, wait_until_quiet

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"rule": v["id"], "impact": v["impact"],
         "nodes": [" ".join(n["target"]) + " " + n["html"] for n in v["nodes"]][:5]}
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_no_page_has_a_serious_or_critical_accessibility_violation(built_book, browser, site_url, width):
    # No rule is excused: a violation in the theme's markup is fixed where it is made (coursebook.sphinx.theme).
    # One tab per width, going from page to page (outside requests are test_offline_site's business).
    assert AXE.is_file(), "axe-core is missing: `make setup` runs npm ci"
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900})
    page = context.new_page()
    in_flight = requests_in_flight(page)
    found = {}
    try:
        for path in site_pages():
            page.goto(f"{site_url}/{path}", wait_until="load")
            # Charts drawn and index.html's redirect followed before axe looks.
            wait_until_quiet(page, in_flight)
            problems = serious_violations(page)
            if problems:
                found[path] = problems
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1)
