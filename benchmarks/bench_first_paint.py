"""First paint of every page of the built book on a phone's slow line (run by `make bench`).

Loads each page of _build/html (building the book first if it is missing) in
headless Chromium at 390 px, with a cold cache, outside requests blocked, the
network throttled as Chrome DevTools' "Fast 3G" (562.5 ms round trip,
1.44 Mbit/s down, 675 kbit/s up) and the CPU slowed four times, and prints
its first contentful paint (the browser's own `first-contentful-paint` mark).
Files are served gzip-compressed, as a web host serves a static site (the
theme's stylesheet alone is 390 kB uncompressed); `--uncompressed` serves
them as they are. Aim: under 3 s for every page.

Baseline, measured in the same run: each page with charts loaded as the book
did before Vega was deferred, its Vega, vega-embed and charts.js scripts
blocking in the page's head (the `defer` taken out of their tags on the way
to the browser). Exits 1 if a page misses the aim.

    python benchmarks/bench_first_paint.py [--pages PATH ...]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT))
import benchmarks.bench_explorers  # noqa: E402
from benchmarks.bench_page_weight import site_pages  # noqa: E402
from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

AIM_S = 3.0
# Chrome DevTools' "Fast 3G" preset (bytes per second; milliseconds).
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6e6 / 8 * 0.9,
           "uploadThroughput": 750e3 / 8 * 0.9}
CPU_SLOWDOWN = 4
DEFERRED_CHART_SCRIPT = re.compile(r'<script defer="defer" (src="[^"]*(?:vendor/vega[^"]*|charts\.js[^"]*)")')

FCP_JS = """() => new Promise(resolve => {
  const seen = performance.getEntriesByName('first-contentful-paint');
  if (seen.length) return resolve(seen[0].startTime);
  new PerformanceObserver(list => {
    const fcp = list.getEntriesByName('first-contentful-paint');
    if (fcp.length) resolve(fcp[0].startTime);
  }).observe({type: 'paint', buffered: true});
})"""


class _CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """The site as a web host serves it: text files gzip-compressed for a browser that accepts it."""

    COMPRESSED = (".html", ".css", ".js", ".json", ".svg")

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (not path.is_file() or not path.name.endswith(self.COMPRESSED)
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A page closed while a file is still on its way (the measurement is done) is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(directory: Path, compress: bool = True):
    handler = _CompressingHandler if compress else benchmarks.bench_explorers._QuietHandler
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_paint(browser, url: str, blocking_charts: bool = False) -> float:
    """Seconds to the page's first contentful paint, cold, on Fast 3G with a 4x slower CPU."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()

    def route(r):
        if urlparse(r.request.url).hostname != "127.0.0.1":
            return r.abort()
        if blocking_charts and r.request.resource_type == "document":
            response = r.fetch()
            return r.fulfill(response=response, body=DEFERRED_CHART_SCRIPT.sub(r"<script \1", response.text()))
        return r.continue_()

    page.route("**/*", route)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        page.goto(url, wait_until="commit", timeout=120_000)
        return page.evaluate(FCP_JS) / 1000
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", help="pages to measure (paths in the site); default: every page")
    parser.add_argument("--uncompressed", action="store_true", help="serve files as they are, not gzip-compressed")
    args = parser.parse_args()
    if not (SITE / "index.html").is_file():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py")], check=True)
    from playwright.sync_api import sync_playwright

    pages = args.pages or [p for p in site_pages()
                           if 'http-equiv="refresh"' not in (SITE / p).read_text("utf-8").lower()]
    server = serve(SITE, compress=not args.uncompressed)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    missed = []
    served = "uncompressed" if args.uncompressed else "gzip-compressed, as a web host serves them"
    print(f"First contentful paint at 390 px, cold, Fast 3G, CPU {CPU_SLOWDOWN}x slower, files {served} "
          f"(aim: under {AIM_S:.0f} s)")
    print(f"{'page':58} {'now':>7} {'Vega blocking (baseline)':>26}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in pages:
                html = (SITE / path).read_text("utf-8")
                now = first_paint(browser, f"{base}/{path}")
                baseline = first_paint(browser, f"{base}/{path}", blocking_charts=True) \
                    if DEFERRED_CHART_SCRIPT.search(html) else None
                shown = f"{baseline:25.2f}s" if baseline is not None else f"{'(no charts)':>26}"
                mark = "" if now < AIM_S else "  <- over the aim"
                print(f"{path:58} {now:6.2f}s {shown}{mark}", flush=True)
                if now >= AIM_S:
                    missed.append(path)
        finally:
            browser.close()
            server.shutdown()
    print(f"{len(pages) - len(missed)} of {len(pages)} pages paint first in under {AIM_S:.0f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
