"""Every citation resolves to one entry of the bibliography."""

from collections import Counter

from . import course_text as text


def test_bibliography_keys_are_unique():
    keys = Counter(text.bibliography_keys())
    assert keys and [key for key, count in keys.items() if count > 1] == []


def test_every_cited_key_is_in_the_bibliography():
    known = set(text.bibliography_keys())
    missing = {
        page.name: sorted(set(text.cite_keys(text.read(page))) - known)
        for page in text.PROSE_PAGES
        if page.exists()
    }
    assert {page: keys for page, keys in missing.items() if keys} == {}


def test_every_chapter_cites_published_work():
    for page in text.CHAPTERS:
        assert len(set(text.cite_keys(text.read(page)))) >= 4, page.name


def test_the_bibliography_page_lists_the_cited_works():
    page = text.read(text.BOOK / "bibliography.md")
    assert "```{bibliography}" in page
