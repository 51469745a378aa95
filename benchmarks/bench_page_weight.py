"""Page weight of every page of the built book (run by `make bench`, through bench_explorers.py).

Loads each page of _build/html (building the book first if it is missing) in
headless Chromium with outside requests blocked, sums every response it
receives, uncompressed, and prints each page's weight against its budget
(text 1 MB, charts or explorers 2 MB, notebook 3 MB), the heaviest page of
each kind and the largest files. Exits 1 if a page is over its budget.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT))
from benchmarks.bench_explorers import serve  # noqa: E402
from benchmarks.page_weight import BUDGETS, MB, weigh  # noqa: E402
from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def site_pages() -> list[str]:
    return sorted(
        p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
        if p.relative_to(SITE).parts[0] not in ("_static", "_sources", "_images")
    )


def main() -> int:
    if not (SITE / "index.html").is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py")], check=True)
    from playwright.sync_api import sync_playwright

    server = serve(SITE)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    weights = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in site_pages():
            if path == "index.html":  # a redirect to the first page
                continue
            weights.append(weigh(browser, SITE, url, path))
        browser.close()
    server.shutdown()

    print(f"\n{'page':58} {'kind':9} {'weight':>9} {'budget':>7}  largest file")
    for w in sorted(weights, key=lambda w: -w.total):
        name, size = w.largest(1)[0]
        flag = "  OVER" if w.total > w.budget else ""
        print(f"{w.path:58} {w.kind:9} {w.total / MB:7.2f} MB {w.budget / MB:5.0f} MB  "
              f"{Path(name).name} ({size / MB:.2f} MB){flag}")
    print("\nheaviest page of each kind:")
    for kind in BUDGETS:
        pages = [w for w in weights if w.kind == kind]
        if pages:
            top = max(pages, key=lambda w: w.total)
            files = ", ".join(f"{Path(n).name} {s / 1000:,.0f} kB" for n, s in top.largest(4))
            print(f"  {kind:9} {top.path} {top.total / MB:.2f} MB: {files}")
    files: dict[str, int] = {}
    for w in weights:
        files.update(w.files)
    print("largest files loaded by any page: " + ", ".join(
        f"{name} {size / 1000:,.0f} kB" for name, size in sorted(files.items(), key=lambda i: -i[1])[:6]))
    over = [w.path for w in weights if w.total > w.budget]
    print(f"page weight: {len(weights)} pages, " + (f"over budget: {', '.join(over)}" if over else "all within budget"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
