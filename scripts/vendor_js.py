"""Copy the JavaScript the site serves itself from node_modules into _static/vendor.

node_modules comes from `npm ci` (package-lock.json pins every version), so the
built site makes no request to a CDN. Run by `make setup`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
# Not under _static: Jupyter Book 1 adds every .js file there to every page.
VENDOR = ROOT / "_vendor" / "vendor"

# (source under node_modules, destination under _static/vendor)
FILES = [
    ("vega/build/vega.min.js", "vega.min.js"),
    ("vega-embed/build/vega-embed.min.js", "vega-embed.min.js"),
    ("requirejs/require.js", "require.js"),
]
# The book loads neither Vega-Lite (its charts are compiled to Vega when it is
# built), MathJax (its formulas are MathML) nor the ipywidgets manager (saved
# widgets are drawn at build time); the grading pages read Vega-Lite and
# MathJax from node_modules themselves.
TREES = [
    # Thebe, loaded only when a reader presses "Run live" on a widget page (coursebook/sphinx/live.py)
    ("thebe/lib", "thebe"),
]
SKIP = ("*.map", "*.d.ts")


def main() -> int:
    missing = [src for src, _ in FILES + TREES if not (NODE / src).exists()]
    if missing:
        print(f"vendor_js: missing in node_modules: {missing}; run `npm ci`", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    for src, dest in FILES:
        shutil.copy2(NODE / src, VENDOR / dest)
    for src, dest in TREES:
        shutil.copytree(NODE / src, VENDOR / dest, ignore=shutil.ignore_patterns(*SKIP))
    size = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    print(f"vendor_js: copied to {VENDOR.relative_to(ROOT)} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
