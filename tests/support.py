"""What several test folders share that is not a fixture: paths and screenshots."""

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
