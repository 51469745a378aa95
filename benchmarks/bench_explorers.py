"""Benchmark of the book's static explorers (run by `make bench`).

Uses the built site in _build/html (building it first if it is missing),
serves it on 127.0.0.1 and, in headless Chromium with outside requests
blocked, prints for each explorer the median time from an input event to the
chart's re-render (the view's next run finishing), and the page weight of
each explorer page (every byte the page loads). Aim: under 100 ms. Then the
page weight of every page against its budget (bench_page_weight.py).
"""

from __future__ import annotations

import functools
import http.server
import statistics
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT))
from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS, explorer_pages  # noqa: E402

AIM_MS = 100.0
# Each explorer's input to move and the values to alternate between.
MOVES = {
    "paying-for-activity": ("activity", ["20000", "45000"]),
    "wrong-pocket": ("amount", ["2", "8"]),
    "sharing-risk": ("fraction", ["0.2", "0.9"]),
    "who-holds-the-budget": ("risk_share", ["0.2", "0.9"]),
}
CONTEXT = {"sharing-risk": "arrangement=section75", "who-holds-the-budget": "vary=risk_share"}
REPEATS = 21

# Time from dispatching the input event to the end of the render it causes.
TIME_JS = """async ([id, param, value]) => {
  const div = document.getElementById(id), view = div.vegaView;
  const input = div.querySelector(`[name='${param}']`);
  const start = performance.now();
  input.value = value;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  await view.runAsync();
  await new Promise(requestAnimationFrame);
  return performance.now() - start;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    if not (SITE / "index.html").is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py")], check=True)
    from playwright.sync_api import sync_playwright

    server = serve(SITE)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    slow = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"{'explorer':22} {'median ms':>10} {'page':>40} {'page weight':>12}")
        pages = explorer_pages(SITE)
        for name, (param, values) in MOVES.items():
            page = browser.new_context().new_page()
            loaded = []

            def route(r):
                if urlparse(r.request.url).hostname == "127.0.0.1":
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.on("requestfinished", lambda req: loaded.append(req.sizes()["responseBodySize"]))
            fragment = f"#{name}.{CONTEXT[name]}" if name in CONTEXT else ""
            page.goto(f"{url}/{pages[name]}{fragment}", wait_until="networkidle")
            page.wait_for_function(f"() => document.getElementById('explorer-{name}').vegaView")
            times = [page.evaluate(TIME_JS, [f"explorer-{name}", param, values[i % 2]]) for i in range(REPEATS)]
            median = statistics.median(times[1:])  # the first includes warm-up
            weight = sum(loaded) / 1024
            print(f"{name:22} {median:10.1f} {pages[name]:>40} {weight:9,.0f} KB")
            if median > AIM_MS:
                slow.append(name)
            page.context.close()
        browser.close()
    server.shutdown()
    print(f"aim: under {AIM_MS:.0f} ms from input to re-render" + (f"; over it: {', '.join(slow)}" if slow else "; met"))
    # Every page's weight against its budget (benchmarks/bench_page_weight.py), so `make bench` reports it.
    from benchmarks import bench_page_weight

    return bench_page_weight.main()


if __name__ == "__main__":
    sys.exit(main())
