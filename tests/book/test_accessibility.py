"""axe-core on every page of the built site, in the light and the dark colour scheme: no serious or
critical violations."""

from __future__ import annotations

import json

import pytest

from tests.book.site_tour import AXE, serious_violations
from tests.support import requests_in_flight, site_pages, wait_until_quiet

# No rule is excused: a violation in the theme's markup is fixed where it is made (coursebook.sphinx.theme).


def test_no_page_has_a_serious_or_critical_accessibility_violation_on_a_laptop(laptop_tour):
    # Checked on the shared visit at 1366 px in the light scheme (tests.book.site_tour).
    assert {r.theme for r in laptop_tour.values()} == {"light"}
    found = {path: r.violations for path, r in laptop_tour.items() if r.violations}
    assert found == {}, json.dumps(found, indent=1)


@pytest.mark.parametrize("width, scheme", [(390, "light"), (768, "light"), (390, "dark")])
def test_no_page_has_a_serious_or_critical_accessibility_violation(built_book, browser, site_url, width, scheme):
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
