"""Every citation resolves to a complete entry of the bibliography, and none
cites the course's own fact file."""

import re

import pytest

from . import course_text as text

# The fields a reader needs to find a work: who, what, when, and where it was
# published (a journal, or a publisher, website or legislature).
REQUIRED = ("author", "title", "year")
VENUE = ("journal", "howpublished", "publisher", "booktitle", "institution")
# Pages whose citations are checked: the prose pages and the source pages.
CITING_PAGES = [*text.PROSE_PAGES, *sorted((text.BOOK / "sources").glob("*.md")), text.BOOK / "bibliography.md"]
# The timeline's events, each citing a key of the bibliography.
TIMELINE_DATA = text.ROOT / "src" / "book" / "coursebook" / "data" / "timeline.yaml"
# Where the model's corpus records say how each source was dated and read.
CORPUS_RECORDS = text.ROOT / "src" / "model" / "carepool" / "corpus" / "records.yaml"
# Keys a generator makes up from author and year (e.g. "WhoHtBudgetcteam26"),
# as against keys a reader can read: lower-case words and digits joined by
# hyphens.
READABLE_KEY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def entries() -> dict[str, str]:
    """Each entry of references.bib, by key, as its field text."""
    bib = text.read(text.BIBLIOGRAPHY)
    found = {}
    for match in re.finditer(r"^@\w+\{\s*([^,\s]+)\s*,(.*?)^\}", bib, re.MULTILINE | re.DOTALL):
        found[match.group(1)] = match.group(2)
    return found


def fields(body: str) -> dict[str, str]:
    return {name.lower(): value.strip() for name, value in re.findall(r"^\s*(\w+)\s*=\s*(.+?),?\s*$", body, re.MULTILINE)}


def cited_everywhere() -> dict[str, set[str]]:
    cited = {page.name: set(text.cite_keys(text.read(page))) for page in CITING_PAGES if page.exists()}
    cited["timeline.yaml"] = set(re.findall(r"^\s*cite:\s*(\S+)\s*$", text.read(TIMELINE_DATA), re.MULTILINE))
    return cited


def test_the_parser_reads_every_entry_of_the_bibliography():
    assert set(entries()) == set(text.bibliography_keys())


@pytest.mark.parametrize("key", text.bibliography_keys())
def test_every_entry_names_author_title_year_and_venue(key):
    found = fields(entries()[key])
    missing = [name for name in REQUIRED if not found.get(name, "").strip("{} ")]
    assert not missing, f"{key}: missing {missing}"
    assert any(found.get(name, "").strip("{} ") for name in VENUE), f"{key}: no journal, publisher or venue"
    assert re.fullmatch(r"\{?(\d{4}|n\.d\.)\}?", found["year"]), f"{key}: year {found['year']!r}"


def test_every_key_is_readable():
    assert [key for key in text.bibliography_keys() if not READABLE_KEY.match(key)] == []


def test_every_citation_resolves_to_an_entry():
    known = set(entries())
    unresolved = {page: sorted(keys - known) for page, keys in cited_everywhere().items()}
    assert {page: keys for page, keys in unresolved.items() if keys} == {}


def test_nothing_cites_the_course_fact_file():
    bib = text.read(text.BIBLIOGRAPHY)
    assert "course-facts" not in bib and "FACTS.md" not in bib
    for page, keys in cited_everywhere().items():
        assert "course-facts" not in keys, page
    for page in CITING_PAGES:
        body = text.read(page)
        assert "course-facts" not in body, page.name
        assert not re.search(r"fact file|checked facts", body, re.IGNORECASE), page.name


def test_the_timeline_cites_the_bibliography():
    assert len(cited_everywhere()["timeline.yaml"]) > 10


def test_no_claim_rests_on_an_encyclopaedia_anyone_can_edit():
    # A wiki page changes under its citation; cite the publication it cites.
    for page in [*CITING_PAGES, text.BIBLIOGRAPHY, TIMELINE_DATA, CORPUS_RECORDS]:
        assert not re.search(r"wikipedia", text.read(page), re.IGNORECASE), page.name
