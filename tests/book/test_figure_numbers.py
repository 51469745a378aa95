"""Figure and table numbers in the built book: one run across the whole book, in the order of the
table of contents (Fig. 1, Fig. 2, ...), never restarting on a new page and never left off a figure,
even where a page has only one; a numbered reference says the number its figure shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import yaml

from tests.support import ROOT


def pages_in_order() -> list[str]:
    """The book's pages as the table of contents orders them (front page first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(entries):
        for entry in entries:
            found.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return found


class Numbers(HTMLParser):
    """Each <figure> and captioned <table> of the article: its kind, id and caption number, in order;
    and each numbered reference: its target and text."""

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []
        self.refs: list[dict] = []
        self.open: list[dict] = []  # figures and tables being read
        self.reading: dict | None = None  # a caption number or a reference's text being read

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("figure", "table"):
            # A widget app's own tables (carepool-table, in a notebook's snapshot) are part of the app.
            kind = "app table" if "carepool-table" in classes else tag
            item = {"kind": kind, "id": a.get("id"), "number": None, "captioned": False}
            self.items.append(item)
            self.open.append(item)
        elif tag in ("caption", "figcaption") and self.open:
            self.open[-1]["captioned"] = True
        elif tag == "span" and "caption-number" in classes and self.open:
            self.reading = self.open[-1]
            self.reading["number"] = ""
        elif tag == "a" and "reference" in classes:
            self.refs.append({"href": a.get("href", ""), "text": None})
        elif tag == "span" and "std-numref" in classes and self.refs:
            self.reading = self.refs[-1]
            self.reading["text"] = ""

    def handle_data(self, data):
        if self.reading is not None:
            key = "number" if "number" in self.reading else "text"
            self.reading[key] += data

    def handle_endtag(self, tag):
        if tag == "span":
            self.reading = None
        if tag in ("figure", "table") and self.open:
            self.open.pop()


def read(built_book, page: str) -> Numbers:
    parser = Numbers()
    parser.feed((built_book / f"{page}.html").read_text(encoding="utf-8"))
    return parser


def test_figures_are_numbered_in_one_run_across_the_book(built_book):
    figures = [(page, f["id"], (f["number"] or "").strip()) for page in pages_in_order()
               for f in read(built_book, page).items if f["kind"] == "figure"]
    assert [(page, fid) for page, fid, _ in figures if not fid] == [], "figures with no id (Sphinx numbers none)"
    assert len({page for page, _, _ in figures}) >= 8, "fewer pages with figures than the chapters have"
    unnumbered = [(page, fid) for page, fid, number in figures if not number]
    assert unnumbered == [], f"figures with no number: {unnumbered}"
    numbers = [number for _, _, number in figures]
    assert numbers == [f"Fig. {i}" for i in range(1, len(figures) + 1)], list(zip(figures, numbers))


def test_captioned_tables_are_numbered_in_one_run_too(built_book):
    tables = [(page, t["id"], (t["number"] or "").strip()) for page in pages_in_order()
              for t in read(built_book, page).items if t["kind"] == "table" and t["captioned"]]
    assert tables, "no captioned table in the book"
    assert [(page, tid) for page, tid, number in tables if not number] == [], "captioned tables with no number"
    numbers = [number for _, _, number in tables]
    assert numbers == [f"Table {i}" for i in range(1, len(numbers) + 1)]


def test_a_numbered_reference_names_the_number_its_figure_shows(built_book):
    shown = {(page.rsplit("/", 1)[-1], f["id"]): f["number"].strip()
             for page in pages_in_order() for f in read(built_book, page).items if f["id"] and f["number"]}
    checked = 0
    for page in pages_in_order():
        for ref in read(built_book, page).refs:
            if ref["text"] is None:
                continue
            target, _, anchor = ref["href"].partition("#")
            target = re.sub(r"\.html$", "", target) or page.rsplit("/", 1)[-1]
            assert ref["text"].strip() == shown[(target.rsplit("/", 1)[-1], anchor)], (page, ref)
            checked += 1
    assert checked >= 3, "fewer numbered references than the chapters make"
