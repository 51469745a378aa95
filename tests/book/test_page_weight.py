"""Every page of the built book within its weight budget: text 1 MB, charts 2 MB, notebook 3 MB."""

from __future__ import annotations

from pathlib import Path

from benchmarks.page_weight import MB, weigh


def test_every_page_is_within_its_weight_budget(laptop_tour):
    over = {}
    for path, report in laptop_tour.items():
        if path == "index.html":  # a redirect to the first page
            continue
        w = report.weight
        if w.total > w.budget:
            over[path] = f"{w.kind} page {w.total / MB:.2f} MB (budget {w.budget / MB:.0f} MB): " + ", ".join(
                f"{Path(n).name} {s / 1000:,.0f} kB" for n, s in w.largest(3))
    assert over == {}


def test_the_weight_counts_every_file_a_page_loads(built_book, browser, site_url, laptop_tour):
    # Guards the test above: a chapter with explorers loads the page, the theme and Vega, and the
    # shared visit counts what the benchmark's own visit (benchmarks/bench_page_weight.py) counts.
    path = "book/chapters/pooling_the_pot.html"
    w = weigh(browser, built_book, site_url, path)
    names = {Path(n).name for n in w.files}
    assert {"pooling_the_pot.html", "vega.min.js", "charts.js"} <= names
    assert w.kind == "charts"
    html = (built_book / "book" / "chapters" / "pooling_the_pot.html").stat().st_size
    assert w.files["/book/chapters/pooling_the_pot.html"] == html
    assert laptop_tour[path].weight.files == w.files
