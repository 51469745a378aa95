"""Quotations attributed to the primary sources are word for word."""

import pytest

from carepool import corpus

from . import course_text as text


PAGES = [page for page in text.PROSE_PAGES if page.exists()]


def all_quotations():
    return [q for page in PAGES for q in text.quotations(text.read(page), page.name)]


def reading_paragraph(source: str, number: int) -> str:
    return text.normalise(corpus.paragraphs(source)[number - 1])


def test_the_chapters_quote_the_sources():
    # Guards the extractor as much as the chapters: if the convention or the
    # pattern drifted, every later test would pass vacuously.
    quoted_sources = {q.source for q in all_quotations()}
    assert len(all_quotations()) >= 20
    assert quoted_sources == set(corpus.load()["id"])


def test_every_quotation_from_a_source_occurs_word_for_word_in_its_paragraph():
    wrong = []
    for q in all_quotations():
        paragraphs = corpus.paragraphs(q.source)
        if q.paragraph is None or not 1 <= q.paragraph <= len(paragraphs):
            wrong.append(f"{q.page}: no such paragraph ¶{q.paragraph} in {q.source}: {q.quoted!r}")
        elif q.quoted not in reading_paragraph(q.source, q.paragraph):
            found_in = [
                n for n, p in enumerate(paragraphs, 1) if q.quoted in text.normalise(p)
            ]
            wrong.append(
                f"{q.page}: {q.quoted!r} is not in {q.source} ¶{q.paragraph}"
                + (f" (it is in ¶{found_in})" if found_in else " (nor anywhere in the source)")
            )
    assert not wrong, "\n".join(wrong)


def test_every_quotation_names_the_paragraph_it_comes_from():
    unplaced = [q for q in all_quotations() if q.paragraph is None]
    assert not unplaced, unplaced


def test_every_reference_to_a_source_points_to_an_existing_source_and_paragraph():
    known = set(corpus.load()["id"])
    broken = []
    for page in PAGES:
        for source, paragraph in text.source_refs(text.read(page)):
            if source not in known:
                broken.append(f"{page.name}: unknown source {source!r}")
            elif paragraph is not None and not 1 <= paragraph <= len(corpus.paragraphs(source)):
                broken.append(f"{page.name}: {source} has no ¶{paragraph}")
    assert not broken, "\n".join(broken)


def test_a_misquotation_is_caught():
    # The check itself must fail on a quotation that is close but not exact.
    source = "lilley-deja-vu-2011"
    paragraphs = corpus.paragraphs(source)
    number = next(n for n, p in enumerate(paragraphs, 1) if "spider" in p)
    exact = "pulling some of the legs off a spider"
    altered = "pulling some legs off a spider"
    chapter = (
        f"“{exact}” ({{ref}}`¶ <source-{source}-p{number}>`) and "
        f"“{altered}” ({{ref}}`¶ <source-{source}-p{number}>`)"
    )
    found = text.quotations(chapter)
    assert [q.quoted for q in found] == [exact, altered]
    assert exact in reading_paragraph(source, number)
    assert altered not in reading_paragraph(source, number)
