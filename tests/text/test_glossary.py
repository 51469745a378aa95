"""Terms of art are defined once in the glossary and used in the chapters."""

from collections import Counter

from . import course_text as text

CHAPTER_TEXT = "\n".join(text.read(page) for page in [text.WELCOME, *text.CHAPTERS])


def test_each_term_is_defined_once():
    terms = Counter(term.lower() for term in text.glossary_terms())
    assert len(terms) >= 30
    assert [term for term, count in terms.items() if count > 1] == []


def test_every_glossary_term_is_used_in_the_chapters():
    used = set(text.term_refs(CHAPTER_TEXT))
    unused = [term for term in text.glossary_terms() if term.lower() not in used]
    assert unused == []


def test_every_term_link_points_to_a_glossary_entry():
    defined = {term.lower() for term in text.glossary_terms()}
    linked = set(text.term_refs(CHAPTER_TEXT + text.read(text.GLOSSARY)))
    assert sorted(linked - defined) == []
