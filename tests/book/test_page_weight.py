"""Every page of the built book within its weight budget: text 1 MB, charts 2 MB, notebook 3 MB."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.page_weight import MB, weigh
from tests.support import site_pages


# Pages over their budget today, and what each needs; not excused: the test below reports them
# as an expected failure, fails if another page goes over, and fails once one of these is fixed
# (so the entry is removed).
NOT_YET_WITHIN_BUDGET = {
    "book/model/model_reference.html":
        "MathJax's tex-chtml.js (1.16 MB) for the page's formulas: needs maths rendered at build time",
    "book/chapters/pooling_the_pot.html":
        "two explorers' rows inline (0.5 MB) beside Vega (0.8 MB): about 0.2 MB over",
    "search.html": "the whole book's search index (111 kB, loaded on this page only) takes it just past 1 MB",
    "notebooks/first_explorer.html": "the ipywidgets HTML manager, embed-amd.js (3.6 MB)",
    "notebooks/paying_for_activity.html": "the ipywidgets HTML manager, embed-amd.js (3.6 MB)",
    "notebooks/sharing_risk.html": "the ipywidgets HTML manager, embed-amd.js (3.6 MB)",
    "notebooks/wrong_pocket.html": "the ipywidgets HTML manager, embed-amd.js (3.6 MB)",
}


def test_every_page_is_within_its_weight_budget(built_book, browser, site_url):
    over = {}
    for path in site_pages():
        if path == "index.html":  # a redirect to the first page
            continue
        w = weigh(browser, built_book, site_url, path)
        if w.total > w.budget:
            over[path] = f"{w.kind} page {w.total / MB:.2f} MB (budget {w.budget / MB:.0f} MB): " + ", ".join(
                f"{Path(n).name} {s / 1000:,.0f} kB" for n, s in w.largest(3))
    assert {p: d for p, d in over.items() if p not in NOT_YET_WITHIN_BUDGET} == {}
    fixed = set(NOT_YET_WITHIN_BUDGET) - set(over)
    assert not fixed, f"now within budget, remove from NOT_YET_WITHIN_BUDGET: {sorted(fixed)}"
    pytest.xfail("over budget, not yet fixed: " + "; ".join(f"{p}: {d}" for p, d in over.items()))


def test_the_weight_counts_every_file_a_page_loads(built_book, browser, site_url):
    # Guards the test above: a chapter with explorers loads the page, the theme and Vega.
    w = weigh(browser, built_book, site_url, "book/chapters/pooling_the_pot.html")
    names = {Path(n).name for n in w.files}
    assert {"pooling_the_pot.html", "vega.min.js", "charts.js"} <= names
    assert w.kind == "charts"
    html = (built_book / "book" / "chapters" / "pooling_the_pot.html").stat().st_size
    assert w.files["/book/chapters/pooling_the_pot.html"] == html
