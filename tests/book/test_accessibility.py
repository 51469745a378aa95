"""axe-core on every page of the built site: no serious or critical violations."""

from __future__ import annotations

import pytest

from tests.support import ROOT, site_pages

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"rule": v["id"], "impact": v["impact"],
         "nodes": [" ".join(n["target"]) + " " + n["html"] for n in v["nodes"]][:5]}
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_no_page_has_a_serious_or_critical_accessibility_violation(built_book, visit, width):
    # No rule is excused: a violation in the theme's markup is fixed where it is made (coursebook.sphinx.theme).
    assert AXE.is_file(), "axe-core is missing: `make setup` runs npm ci"
    found = {}
    for path in site_pages():
        v = visit(path, width=width)
        problems = serious_violations(v.page)
        if problems:
            found[path] = problems
        v.page.context.close()
    import json
    assert found == {}, json.dumps(found, indent=1)
