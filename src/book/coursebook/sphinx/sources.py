"""Sphinx directives for the "Primary sources" pages, built from the corpus.

``source-provenance <id>``
    the provenance panel: what we know, what we don't, how we know it.
``source-text <id>``
    the reading text, one numbered paragraph at a time. Paragraph n carries
    the label ``source-<id>-p<n>``, registered with the std domain, so a
    chapter can write {ref}`¶12 <source-lilley-deja-vu-2011-p12>`.
``source-themes <id>``
    the course themes the source serves, as its record lists them.
``sources-table``
    the overview table of all sources, each linked to its page (label
    ``source-<id>``, which each page sets at its top).

Everything shown comes from ``carepool.corpus``; nothing is typed twice.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from carepool import corpus

CSS_FILE = "carepool-sources.css"
# Sphinx's smart quotes would turn the sources' ' and " into curly quotes:
# a change to the text, so it is switched off for everything shown here.
AS_WRITTEN = {"support_smartquotes": False}
# Numbers sit in a narrow column beside their paragraphs.
CSS = """\
.source-paragraph { display: flex; gap: 0.75em; align-items: baseline; }
.source-paragraph > p { margin-bottom: 0.6em; }
.source-paragraph > p.source-pn { flex: 0 0 3em; text-align: right; margin: 0; }
.source-paragraph > p.source-pn a { color: #555; text-decoration: none; font-size: 0.85em; }
.source-paragraph:target { background: #fff7d6; }
html[data-theme="dark"] .source-paragraph > p.source-pn a { color: #b8b8b8; }
html[data-theme="dark"] .source-paragraph:target { background: #3a3215; }
.source-provenance dl { margin-bottom: 0.5em; }
"""


def paragraph_label(source_id: str, number: int) -> str:
    """The cross-reference label of paragraph ``number`` (from 1) of a source."""
    return f"source-{source_id}-p{number}"


def page_label(source_id: str) -> str:
    """The cross-reference label at the top of a source's page."""
    return f"source-{source_id}"


class _SourceDirective(SphinxDirective):
    required_arguments = 1
    has_content = False

    def source_record(self) -> corpus.SourceRecord:
        try:
            return corpus.record(self.arguments[0])
        except corpus.UnknownSourceError as error:
            raise self.error(f"{self.name}: {error}") from None


def _text_paragraph(text: str, classes: list[str] | None = None) -> nodes.paragraph:
    # Text nodes, never parsed as markup: the sources are shown as written.
    return nodes.paragraph(text, text, classes=classes or [])


def _bullets(items) -> nodes.bullet_list:
    lst = nodes.bullet_list()
    for item in items:
        entry = nodes.list_item()
        entry += item if isinstance(item, nodes.Node) else _text_paragraph(item)
        lst += entry
    return lst


def _fields(pairs: list[tuple[str, str | nodes.Node]]) -> nodes.definition_list:
    # A definition list, not a field list: long names like "Where it appeared"
    # need a line of their own in a narrow panel.
    dlist = nodes.definition_list()
    for name, body in pairs:
        item = nodes.definition_list_item()
        item += nodes.term(name, name)
        definition = nodes.definition()
        definition += body if isinstance(body, nodes.Node) else _text_paragraph(body)
        item += definition
        dlist += item
    return dlist


def _listing(items, empty: str) -> str:
    return "; ".join(items) if items else empty


class SourceProvenance(_SourceDirective):
    """The provenance panel of one source."""

    def run(self) -> list[nodes.Node]:
        r = self.source_record()
        panel = nodes.admonition(classes=["source-provenance"], **AS_WRITTEN)
        # Named for the reader's source, not the corpus's file (given under "Original file").
        heading = f"Provenance: {r.title}"
        panel += nodes.title(heading, heading)

        panel += nodes.rubric("What we know", "What we know")
        sha = nodes.paragraph()
        sha += nodes.Text(f"{r.number}, {r.file}; SHA-256 ")
        sha += nodes.literal(r.sha256, r.sha256)
        panel += _fields([
            ("Title", r.title),
            ("Kind", r.kind),
            ("Where it appeared", r.venue),
            ("Date", f"{r.date} ({r.date_status}; confidence: {r.date_confidence})"),
            ("Authors named", _listing(r.authors, "none named in the document")),
            ("Others named", _listing(r.people_mentioned, "none")),
            ("Arrangements discussed", _listing(r.arrangements, "none")),
            ("Organisations", _listing(r.organisations, "none")),
            ("Stance", r.stance),
            ("One context or several", f"{r.context}: {r.context_note}"),
            ("Original file", sha),
        ])

        panel += nodes.rubric("What we don't know", "What we don't know")
        panel += _bullets(r.unknowns)

        panel += nodes.rubric("How we know it", "How we know it")
        evidence = [
            f"Kind: {r.kind_basis}",
            f"Date: {r.date_evidence}",
            f"Authors: {r.authors_note}",
            *(f"Inference: {i['claim']} Evidence: {i['evidence']} Strength: {i['strength']}."
              for i in r.inferences),
            *(f"Cited: {c}" for c in r.citations),
        ]
        panel += _bullets(evidence)
        panel += _text_paragraph(
            "Page furniture removed from the reading text: "
            + "; ".join(f"{_rule_text(rule)} ({rule['why']})" for rule in r.furniture)
            + ". Nothing else was changed; typos stay."
        )
        return [panel]


def _rule_text(rule: dict) -> str:
    if "drop_line" in rule:
        return f"the line \u201c{rule['drop_line']}\u201d"
    if "drop_from" in rule:
        return f"everything from the line \u201c{rule['drop_from']}\u201d to the end"
    return f"\u201c{rule['cut_suffix']}\u201d at the end of a paragraph"


class SourceText(_SourceDirective):
    """The reading text with numbered, linkable paragraphs."""

    def run(self) -> list[nodes.Node]:
        r = self.source_record()
        body = nodes.container(classes=["source-text"], **AS_WRITTEN)
        for number, text in enumerate(corpus.paragraphs(r.id), start=1):
            label = paragraph_label(r.id, number)
            # An explicit target: the std domain registers it as a label
            # ({ref} with explicit text) and warns if it is defined twice.
            block = nodes.container(classes=["source-paragraph"], names=[label])
            self.state.document.note_explicit_target(block, block)
            marker = nodes.paragraph(classes=["source-pn"])
            marker += nodes.reference(
                "", f"\u00b6{number}", refid=label,
                reftitle=f"Link to paragraph {number}", classes=["source-pn-link"],
            )
            block += marker
            block += _text_paragraph(text, ["source-para-text"])
            body += block
        return [body]


class SourceThemes(_SourceDirective):
    """The course themes a source serves, from its record."""

    def run(self) -> list[nodes.Node]:
        themes = _bullets(self.source_record().themes)
        themes["support_smartquotes"] = False
        return [themes]


class SourcesTable(SphinxDirective):
    """The overview table of every source, from the corpus."""

    has_content = False
    HEADERS = ("No.", "Source", "Kind", "Date", "Date is", "Authors named")
    WIDTHS = (6, 34, 16, 20, 10, 14)

    def run(self) -> list[nodes.Node]:
        table = nodes.table(classes=["sources-table"], **AS_WRITTEN)
        group = nodes.tgroup(cols=len(self.HEADERS))
        table += group
        for width in self.WIDTHS:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += self._row(list(self.HEADERS))
        group += head
        rows = nodes.tbody()
        for r in corpus.load().itertuples():
            link = addnodes.pending_xref(
                "", refdomain="std", reftype="ref", reftarget=page_label(r.id),
                refexplicit=True, refwarn=True, refdoc=self.env.docname,
            )
            link += nodes.inline(r.title, r.title)
            rows += self._row([
                r.number, link, r.kind, r.date, r.date_status,
                _listing(r.authors, "none named"),
            ])
        group += rows
        return [table]

    @staticmethod
    def _row(cells) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, nodes.Node):
                para = nodes.paragraph()
                para += cell
                entry += para
            else:
                entry += _text_paragraph(str(cell))
            row += entry
        return row


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / CSS_FILE).write_text(CSS, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_directive("source-provenance", SourceProvenance)
    app.add_directive("source-text", SourceText)
    app.add_directive("source-themes", SourceThemes)
    app.add_directive("sources-table", SourcesTable)
    app.add_css_file(CSS_FILE)
    app.connect("build-finished", _write_css)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
