"""Debian's Chromium as the benchmarks drive it, and where the built site puts each explorer."""

from __future__ import annotations

import re
from pathlib import Path

from scripts import system_tools

CHROMIUM = system_tools.chromium() or "/usr/bin/chromium"  # $CHROMIUM, else the first Chromium on PATH
# No background traffic from Chromium itself (this machine reaches no other host).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def explorer_pages(site: Path) -> dict[str, str]:
    """Each explorer's name -> the built page (relative to the site) that shows it."""
    pages = {}
    for page in sorted(site.rglob("*.html")):
        for name in re.findall(r'id="explorer-([a-z-]+)"', page.read_text("utf-8", errors="replace")):
            pages.setdefault(name, page.relative_to(site).as_posix())
    return pages
