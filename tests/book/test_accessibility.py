"""axe-core on every page of the built site, in the light and the dark colour scheme: no serious or
critical violations."""

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


@pytest.mark.parametrize("width, scheme", [(390, "light"), (768, "light"), (1366, "light"), (390, "dark")])
def test_no_page_has_a_serious_or_critical_accessibility_violation(built_book, browser, site_url, width, scheme):
    # No rule is excused: a violation in the theme's markup is fixed where it is made (coursebook.sphinx.theme).
    # One tab per width, going from page to page (outside requests are test_offline_site's business).
    # The theme follows the phone's colour scheme, so every page is checked in the dark one too.
    assert AXE.is_file(), "axe-core is missing: `make setup` runs npm ci"
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                  color_scheme=scheme)
    page = context.new_page()
    in_flight = requests_in_flight(page)
    found = {}
    try:
        for path in site_pages():
            page.goto(f"{site_url}/{path}", wait_until="load")
            # Charts drawn and index.html's redirect followed before axe looks.
            wait_until_quiet(page, in_flight)
            assert page.evaluate("document.documentElement.dataset.theme") == scheme
            problems = serious_violations(page)
            if problems:
                found[path] = problems
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1)
