"""axe-core on every page of the built site: no serious or critical violations."""

from __future__ import annotations

from tests.support import ROOT, site_pages

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Violations caused by the theme itself that the course cannot fix without
# forking its templates: rule -> (the theme's elements it excuses, the reason).
THEME_EXCEPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "label-content-name-mismatch": (
        ("search-button__button", "theme-switch-button"),
        "pydata-sphinx-theme 0.17 gives its search button aria-label 'Search' while it shows "
        "'Search Ctrl+K', and its colour-mode switch aria-label 'Color mode' while it shows an "
        "icon; both come from the theme's own templates.",
    ),
}


def _excused(rule: str, target: str) -> bool:
    selectors, _reason = THEME_EXCEPTIONS.get(rule, ((), ""))
    return any(s in target for s in selectors)


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in results["violations"]:
        if v["impact"] not in ("serious", "critical"):
            continue
        # The theme's switch carries the generic class .nav-link too: match on its
        # HTML as well as the selector axe reports.
        targets = [
            " ".join(n["target"]) + " " + n["html"]
            for n in v["nodes"]
            if not _excused(v["id"], " ".join(n["target"]) + " " + n["html"])
        ]
        if targets:
            found.append({"rule": v["id"], "impact": v["impact"], "nodes": targets[:5]})
    return found


def test_no_page_has_a_serious_or_critical_accessibility_violation(built_book, visit):
    assert AXE.is_file(), "axe-core is missing: `make setup` runs npm ci"
    found = {}
    for path in site_pages():
        v = visit(path)
        problems = serious_violations(v.page)
        if problems:
            found[path] = problems
        v.page.context.close()
    import json
    assert found == {}, json.dumps(found, indent=1)
