"""Fixtures only the site's tests use."""

from __future__ import annotations

import pytest

from tests.book.site_tour import tour


@pytest.fixture(scope="session")
def laptop_tour(built_book, browser, site_url):
    """Every page of the built site visited once at 1366 px (tests.book.site_tour): path -> its report."""
    return tour(browser, site_url)
