"""The "Primary sources" pages, built strictly in a small Sphinx project.

The real pages in book/sources/ are copied into a temporary project with only
MyST and the sources extension, plus a page that cites every paragraph the way
chapters do. `-W -n` turns any unresolved reference into a failure.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carepool import corpus

from tests.corpus.page_furniture import FURNITURE

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "book" / "sources"
IDS = corpus.source_ids()
CONF = (
    'extensions = ["myst_parser", "coursebook.sphinx.sources", "sphinxcontrib.bibtex"]\n'
    'exclude_patterns = ["_build"]\n'
    f'bibtex_bibfiles = [{str(ROOT / "book" / "references.bib")!r}]\n'
    'bibtex_reference_style = "author_year"\n'
)
# The pages the source pages cite, define terms on, or refer to by label,
# beyond the source pages themselves: stand-ins with the real labels.
CHAPTER_LABELS = ["chapter-markets-and-commissioners", "chapter-accountable-care-organisations",
                  "chapter-redesigning-commissioning"]
PARAGRAPH = re.compile(
    r'<div class="source-paragraph[^"]*" id="(source-[a-z0-9-]+-p\d+)">\s*'
    r'<p class="source-pn"><a [^>]*href="#\1"[^>]*>¶(\d+)</a></p>\s*'
    r'<p class="source-para-text">(.*?)</p>',
    re.DOTALL,
)


def _sphinx(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "-q", "-b", "html", str(project),
         str(project / "_build")],
        capture_output=True, text=True, timeout=240,
    )


def _citing_page() -> str:
    # Explicit titles, as chapters write them.
    lines = ["# Citing the sources", ""]
    for source_id in IDS:
        lines.append(f"See {{ref}}`the source <source-{source_id}>`.")
        for n in range(1, len(corpus.paragraphs(source_id)) + 1):
            lines.append(f"{{ref}}`¶{n} <source-{source_id}-p{n}>`")
    return "\n".join(lines) + "\n"


def _used_in(source_id: str) -> set[str]:
    """The pages a source's "Used in" section links to, relative to the book folder."""
    page = (PAGES / f"{source_id}.md").read_text("utf-8")
    section = page.split("## Used in", 1)[1]
    return set(re.findall(r"\{doc\}`\.\./([a-z_/]+)`", section))


@pytest.mark.parametrize("source_id", IDS)
def test_used_in_lists_every_chapter_and_exercise_that_uses_the_source(source_id):
    from tests.text import course_text

    citing = {f"chapters/{p.stem}" for p in course_text.CHAPTERS
              if source_id in {s for s, _ in course_text.source_refs(course_text.read(p))}}
    naming = set()
    for nb in (ROOT / "exercises" / "source").glob("*/*.ipynb"):
        cells = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text("utf-8"))["cells"])
        if f'"{source_id}"' in cells or f"'{source_id}'" in cells:
            naming.add(f"exercises/{nb.parent.name}")
    assert citing, f"no chapter cites {source_id}"
    assert _used_in(source_id) == citing | naming


@pytest.fixture(scope="module")
def sphinx_site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("sources-book")
    shutil.copytree(PAGES, project / "sources")
    (project / "conf.py").write_text(CONF)
    (project / "citing.md").write_text(_citing_page())
    # The chapters and exercises the pages link to, as stand-in pages.
    linked = sorted({target for source_id in IDS for target in _used_in(source_id)})
    for target in linked:
        stub = project / f"{target}.md"
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(f"# {target}\n")
    # The glossary (for {term}), the bibliography (for {cite}) and labelled
    # chapter stand-ins (for {ref}), as the real book has them.
    shutil.copy(ROOT / "book" / "glossary.md", project / "glossary.md")
    (project / "bibliography.md").write_text("(bibliography)=\n# Bibliography\n\n```{bibliography}\n```\n")
    labelled = []
    for label in CHAPTER_LABELS:
        (project / f"{label}.md").write_text(f"({label})=\n# {label}\n")
        labelled.append(label)
    toc = "\n".join(["sources/index", *(f"sources/{i}" for i in IDS), "citing", *linked,
                     "glossary", "bibliography", *labelled])
    (project / "index.md").write_text(f"# Test book\n\n```{{toctree}}\n{toc}\n```\n")
    result = _sphinx(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "_build"


def test_every_source_has_its_page_in_the_built_book(sphinx_site):
    for source_id in IDS:
        page = (sphinx_site / "sources" / f"{source_id}.html").read_text("utf-8")
        assert f'id="source-{source_id}"' in page
        assert "Provenance" in page and "Questions for source criticism" in page


@pytest.mark.parametrize("source_id", IDS)
def test_each_page_shows_the_reading_text_exactly_with_numbered_anchored_paragraphs(sphinx_site, source_id):
    page = (sphinx_site / "sources" / f"{source_id}.html").read_text("utf-8")
    shown = PARAGRAPH.findall(page)
    expected = corpus.paragraphs(source_id)
    assert [label for label, _, _ in shown] == [f"source-{source_id}-p{n}" for n in range(1, len(expected) + 1)]
    assert [int(n) for _, n, _ in shown] == list(range(1, len(expected) + 1))
    # Exactly the reading text: no smart quotes, nothing reflowed, no furniture.
    assert [html.unescape(text) for _, _, text in shown] == expected


def test_paragraph_references_resolve_to_their_anchors(sphinx_site):
    page = (sphinx_site / "citing.html").read_text("utf-8")
    for source_id in IDS:
        for n in range(1, len(corpus.paragraphs(source_id)) + 1):
            assert f'href="sources/{source_id}.html#source-{source_id}-p{n}"' in page


def test_the_overview_table_lists_every_source_from_the_corpus(sphinx_site):
    page = (sphinx_site / "sources" / "index.html").read_text("utf-8")
    table = page[page.index('<table class="sources-table'): page.index("</table>")]
    for row in corpus.load().itertuples():
        assert f'href="{row.id}.html#source-{row.id}"' in table
        assert html.escape(row.title, quote=False) in table
        assert row.date_status in table
    assert table.count("<tr") == 1 + len(IDS)


@pytest.mark.parametrize("source_id", IDS)
def test_the_furniture_is_absent_from_the_text_shown(sphinx_site, source_id):
    page = (sphinx_site / "sources" / f"{source_id}.html").read_text("utf-8")
    shown = " ".join(html.unescape(text) for _, _, text in PARAGRAPH.findall(page)).lower()
    assert [f for f in FURNITURE if f.lower() in shown] == []


@pytest.mark.build
def test_an_unknown_source_id_fails_the_build_naming_the_known_ids(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.md").write_text("# Bad\n\n```{source-text} lilley-2011\n```\n")
    result = _sphinx(tmp_path)
    assert result.returncode != 0
    assert "unknown source id 'lilley-2011'" in result.stderr
    assert "lilley-deja-vu-2011" in result.stderr
