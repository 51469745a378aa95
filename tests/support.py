"""What several test folders share that is not a fixture: paths, screenshots,
and waiting for a page to finish loading."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SITE = ROOT / "_build" / "html"


def save_screenshot(page, name: str) -> Path:
    """Keep a screenshot as a test artefact in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def site_pages() -> list[str]:
    """Every page of the built site (collected after the build fixture ran).

    Theme templates and copied assets under _static are not pages.
    """
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if p.relative_to(SITE).parts[0] not in ("_static", "_sources", "_images")
    )


def block_outside_requests(page, outside: list) -> None:
    """Let the page load only from the local site (and data:/blob: URLs); record and abort the rest."""
    from urllib.parse import urlparse

    def route(r):
        if r.request.url.startswith(("data:", "blob:")) or urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)


def requests_in_flight(page) -> list:
    """A list that holds, at any moment, the page's requests not yet finished."""
    in_flight = []
    page.on("request", lambda r: in_flight.append(r))
    page.on("requestfinished", lambda r: r in in_flight and in_flight.remove(r))
    page.on("requestfailed", lambda r: r in in_flight and in_flight.remove(r))
    return in_flight


def wait_until_quiet(page, in_flight: list) -> None:
    """Wait until the page has no request in flight (`in_flight` from requests_in_flight).

    Chromium's own "network idle" signal sometimes never comes on a loaded
    machine for pages whose every request has finished (seen on chart pages
    with the CPU shared eight ways, and in CI going from page to page in one
    tab), so after 10 s the requests are checked directly: none may be left
    in flight.
    """
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:
        page.wait_for_timeout(500)
        assert not in_flight, f"requests still in flight: {[r.url for r in in_flight]}"
