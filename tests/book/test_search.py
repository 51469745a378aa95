"""Search on the built site, as a reader uses it: phrases and titles first.

Sphinx scores a page by each word of a query on its own, so for "Better Care
Fund" a chapter with "care" and "King's Fund" came before the chapter about
the fund. The site's search-ranking.js puts first the results whose title holds
the whole phrase, then the pages that hold it (most mentions first), then the
rest. Whether a page holds the phrase is read here from the built page itself.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import quote

import pytest

from tests.support import save_screenshot

# A course term, and the page a reader looking for it should find first.
TERMS = {
    "Better Care Fund": "book/chapters/pooling_the_pot.html",
    "integrated care board": "book/chapters/integrated_care_systems.html",
    "accountable care organisation": "book/chapters/accountable_care_organisations.html",
    "integrated care system": "book/chapters/integrated_care_systems.html",
    "section 75": "book/chapters/pooling_the_pot.html",
}
RESULTS_DONE = ("() => { const s = document.querySelector('#search-results .search-summary');"
                " return s && /found|did not match/.test(s.textContent); }")


def _holds(built_book, href: str, phrase: str) -> bool:
    """Whether the page a result links to holds the phrase in its main text (any case, any spacing)."""
    page = (built_book / href.partition("#")[0]).read_text(encoding="utf-8")
    main = re.search(r'<main[^>]*role="main".*?</main>', page, re.S).group(0)
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", main)).lower()
    return re.search(r"\s+".join(map(re.escape, phrase.lower().split())), text) is not None


def _search(visit, query: str, width: int):
    v = visit(f"search.html?q={quote(query)}", width=width)
    v.page.wait_for_function(RESULTS_DONE, timeout=30_000)
    hrefs = v.page.eval_on_selector_all("#search-results ul.search > li > a", "els => els.map(a => a.getAttribute('href'))")
    return v, hrefs


@pytest.mark.parametrize("query", list(TERMS))
def test_a_course_term_finds_its_page_first_and_every_page_with_the_phrase_before_any_without(
        built_book, visit, query):
    v, hrefs = _search(visit, query, 390)
    assert hrefs, f"no results for {query!r}"
    assert hrefs[0].partition("#")[0] == TERMS[query], f"{query!r}: first came {hrefs[:4]}"
    holds = [_holds(built_book, h, query) for h in hrefs]
    first_without = holds.index(False) if False in holds else len(holds)
    assert all(holds[:first_without]) and not any(holds[first_without:]), \
        f"{query!r}: a page without the phrase ranks above one with it: {list(zip(hrefs, holds))[:12]}"
    if query == "Better Care Fund":
        save_screenshot(v.page, "search-better-care-fund-390")
    assert v.console_errors == [] and v.outside_requests == []


def test_a_one_word_query_keeps_sphinxs_order(built_book, visit):
    """The phrase ranking applies to phrases only: a single word is left as Sphinx ranks it."""
    v, hrefs = _search(visit, "tariff", 1366)
    assert hrefs
    assert v.page.evaluate("document.documentElement.dataset.searchRanked") is None
    scores = v.page.eval_on_selector_all("#search-results ul.search > li > a", "els => els.map(a => +a.dataset.score)")
    assert scores == sorted(scores, reverse=True)
