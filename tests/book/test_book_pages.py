"""The parts of the course that must appear in the built book."""

from __future__ import annotations

from carepool import corpus


def test_every_primary_source_has_its_page_in_the_built_book(built_book):
    for source_id in corpus.source_ids():
        page = built_book / "book" / "sources" / f"{source_id}.html"
        assert page.is_file(), f"no page for source {source_id}"
        html = page.read_text(encoding="utf-8")
        # The page carries the reading text: its last paragraph and its label.
        last = corpus.paragraphs(source_id)[-1]
        assert f'id="source-{source_id}-p{len(corpus.paragraphs(source_id))}"' in html
        assert last.split()[0] in html


def test_the_sources_overview_lists_every_source(built_book):
    html = (built_book / "book" / "sources" / "index.html").read_text(encoding="utf-8")
    for source_id in corpus.source_ids():
        assert f"{source_id}.html" in html


def test_the_model_reference_lists_every_parameter_with_its_unit(built_book):
    import html as html_lib

    from carepool.parameters import load_parameters

    page = (built_book / "book" / "model" / "model_reference.html").read_text(encoding="utf-8")
    # Sphinx turns straight apostrophes into curly ones in prose.
    text = html_lib.unescape(page).replace("\u2019", "'")
    for parameter in load_parameters().values():
        assert parameter.key in text
        assert parameter.unit in text
