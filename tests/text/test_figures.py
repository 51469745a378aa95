"""Figures: every chapter has one a reader can also read in words, and every
arrangement has its money-flow diagram, whose arrows are the model's own flows.

The diagrams are checked three ways: the SVG's data attributes against
`carepool.flows.money_flows` for every arrangement the model registers; the
drawing's geometry (no label covers another label or a box, text large enough
on a 360 px screen); and the ``{money-flow}`` directive in a real Sphinx build.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from carepool import ModelInputError, arrangement_names
from carepool.flows import money_flows
from coursebook.flow_diagrams import WIDTH, figure_html, money, svg, text_alternative

from . import course_text as text

SVG = "{http://www.w3.org/2000/svg}"
NARROWEST_SCREEN = 360  # px: the diagram's viewBox is scaled down to this
SMALLEST_READABLE = 9.5  # px of text on that screen
FLOW_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{money-flow\}[ \t]+(?P<names>[^\n]+)$", re.MULTILINE)
FIGURE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{figure\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                    re.MULTILINE | re.DOTALL)
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
TEXT_ALTERNATIVE = re.compile(r"^(?:`{3,}|:{3,})\{(?:dropdown|admonition|note)\}[ \t]*Text alternative",
                              re.MULTILINE | re.IGNORECASE)


# --- reading figures out of the book's Markdown ---------------------------------

def figures_with_text_alternatives(markdown: str) -> list[str]:
    """Each figure on the page that a reader can also read in words, described briefly.

    A ``{money-flow}`` diagram always carries its flows in words; a
    ``{figure}`` needs a non-empty ``:alt:``; a chart drawn by a code cell
    needs a "Text alternative" block after it, before the next heading or cell.
    """
    found = [f"money-flow {m['names'].strip()}" for m in FLOW_DIRECTIVE.finditer(markdown)]
    for m in FIGURE.finditer(markdown):
        alt = re.search(r"^:alt:[ \t]*(\S[^\n]*)$", m["body"], re.MULTILINE)
        if alt:
            found.append(f"figure with alt text {alt[1][:40]!r}")
    for m in CODE_CELL.finditer(markdown):
        after = markdown[m.end():]
        stop = re.search(r"^#{1,6} |^```\{code-cell\}", after, re.MULTILINE)
        if TEXT_ALTERNATIVE.search(after[: stop.start() if stop else len(after)]):
            found.append("chart cell with a text alternative")
    return found


def placed_diagrams() -> dict[str, list[str]]:
    """Arrangement -> the book pages (in the table of contents) that draw its diagram."""
    toc = (text.ROOT / "_toc.yml").read_text(encoding="utf-8")
    pages = [text.ROOT / f"{f}.md" for f in re.findall(r"(?:root|file):\s*(\S+)", toc)]
    placed: dict[str, list[str]] = {}
    for page in pages:
        if not page.is_file():
            continue
        for m in FLOW_DIRECTIVE.finditer(text.read(page)):
            names = m["names"].split()
            for name in arrangement_names() if names == ["all"] else names:
                placed.setdefault(name, []).append(page.stem)
    return placed


def test_the_figure_reader_finds_each_kind_of_figure_and_ignores_one_without_words():
    page = "\n".join([
        "```{money-flow} silos aco", "```", "",
        "```{figure} ../images/a.svg", ":alt: A diagram of money.", "", "Caption.", "```", "",
        "```{figure} ../images/b.svg", ":name: no-alt", "", "Caption.", "```", "",
        "```{code-cell} ipython3", "chart()", "```", "", ":::{dropdown} Text alternative for the chart",
        "| a | b |", ":::", "",
        "```{code-cell} ipython3", "other_chart()", "```", "", "## Next", ":::{dropdown} Text alternative", ":::",
    ])
    assert figures_with_text_alternatives(page) == [
        "money-flow silos aco", "figure with alt text 'A diagram of money.'", "chart cell with a text alternative"]


# --- every chapter, and the front page ------------------------------------------

@pytest.mark.parametrize("path", text.CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_has_a_figure_with_a_text_alternative(path):
    assert figures_with_text_alternatives(text.read(path)), f"{path.name} has no figure a reader can read in words"


def test_the_front_page_asks_the_course_question_in_a_picture():
    page = text.read(text.WELCOME)
    flows = [m for m in FLOW_DIRECTIVE.finditer(page)]
    assert flows, "the front page has no money-flow picture"
    caption = page[flows[0].end():].split("```", 1)[0]
    assert "who holds the budget?" in caption.lower()
    assert len(flows[0]["names"].split()) >= 2, "the question needs two arrangements side by side"


@pytest.mark.parametrize("name", arrangement_names())
def test_every_arrangement_has_its_diagram_in_the_book(name):
    assert name in placed_diagrams(), f"no page in the table of contents draws {name!r}"


# --- the diagram is the model's flows -------------------------------------------

def parse(name: str) -> ET.Element:
    return ET.fromstring(svg(money_flows(name)))


@pytest.mark.parametrize("name", arrangement_names())
def test_each_diagrams_arrows_are_exactly_the_models_flows_of_money(name):
    flows = money_flows(name)
    root = parse(name)
    drawn = sorted((g.get("data-payer"), g.get("data-payee"), g.get("data-kind"), float(g.get("data-amount")))
                   for g in root.iter(f"{SVG}g") if g.get("class") == "money-flow-edge")
    assert drawn == sorted((e.payer, e.payee, e.kind, e.amount) for e in flows.edges)
    boxes = {g.get("data-party"): g for g in root.iter(f"{SVG}g") if g.get("class") == "money-flow-party"}
    assert set(boxes) == set(flows.parties)  # every payer and payee is drawn, and nobody else
    for p in flows.positions:
        assert float(boxes[p.organisation].get("data-surplus")) == p.surplus
        assert boxes[p.organisation].get("data-keeps") == p.keeps


@pytest.mark.parametrize("name", arrangement_names())
def test_each_diagram_has_a_title_a_description_and_the_flows_in_words(name):
    flows = money_flows(name)
    root = parse(name)
    assert root.get("role") == "img"
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    title_id, desc_id = root.get("aria-labelledby").split()
    assert ids[title_id].tag == f"{SVG}title" and flows.title in ids[title_id].text
    assert ids[desc_id].tag == f"{SVG}desc"
    sentences = text_alternative(flows)
    assert len(sentences) == 1 + len(flows.edges) + len(flows.positions)
    for e, sentence in zip(flows.edges, sentences[1:]):
        assert money(e.amount) in sentence
    html = figure_html([flows], "A caption.", "t")
    assert html.count("<li>") == len(flows.edges) + len(flows.positions)


def _rects(root: ET.Element, group: str) -> list[tuple[float, float, float, float]]:
    [g] = [g for g in root.iter(f"{SVG}g") if g.get("class") == group]
    return [(float(r.get("x")), float(r.get("y")), float(r.get("x")) + float(r.get("width")),
             float(r.get("y")) + float(r.get("height"))) for r in g.iter(f"{SVG}rect")]


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("name", arrangement_names())
def test_each_diagram_is_readable_on_a_narrow_screen(name):
    root = parse(name)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert width == WIDTH and root.get("width") == "100%"  # it scales to the column
    scale = NARROWEST_SCREEN / width
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert min(sizes) * scale >= SMALLEST_READABLE
    labels, boxes = _rects(root, "money-flow-labels"), _rects(root, "money-flow-parties")
    for i, a in enumerate(labels):
        assert all(not _overlap(a, b) for b in labels[i + 1:]), f"two labels overlap in {name}"
        assert all(not _overlap(a, b) for b in boxes), f"a label covers a box in {name}"
    for box in labels + boxes:
        assert 0 <= box[0] and box[2] <= width and 0 <= box[1] and box[3] <= height


# --- the directive, in a real Sphinx build --------------------------------------

def build(tmp_path: Path, page: str) -> tuple[int, str, str]:
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "coursebook.sphinx.money_flow"]\n')
    (src / "index.md").write_text(page)
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, warningiserror=False, freshenv=True)
    app.build()
    html = (tmp_path / "out" / "index.html").read_text() if (tmp_path / "out" / "index.html").exists() else ""
    return app.statuscode, html, warnings.getvalue()


@pytest.mark.build
def test_the_directive_draws_each_named_arrangement_and_all_of_them(tmp_path):
    page = "# Flows\n\n```{money-flow} silos aco\n:caption: Two ways to hold a budget.\n```\n\n```{money-flow} all\n```\n"
    code, html, warnings = build(tmp_path, page)
    assert code == 0 and warnings == "", warnings
    drawn = re.findall(r'<svg [^>]*data-arrangement="([^"]+)"', html)
    assert drawn == ["silos", "aco", *arrangement_names()]
    assert "Two ways to hold a budget." in html
    assert html.count("<details") == 1 + len(arrangement_names())  # one figure for the pair, one for each in "all"
    ids = re.findall(r'\sid="(mf-[^"]+)"', html)
    assert len(ids) == len(set(ids)), "two diagrams on one page share an id"
    # The arrows in the page are the model's, as in the SVG tests above.
    first = ET.fromstring(re.search(r"<svg .*?</svg>", html, re.DOTALL)[0])
    assert len([g for g in first.iter(f"{SVG}g") if g.get("class") == "money-flow-edge"]) == len(
        money_flows("silos").edges)


@pytest.mark.build
def test_the_directive_refuses_an_unknown_arrangement_by_name(tmp_path):
    code, _, warnings = build(tmp_path, "# Flows\n\n```{money-flow} hospital_at_home\n```\n")
    assert "hospital_at_home" in warnings and "arrangement" in warnings
    with pytest.raises(ModelInputError):
        money_flows("hospital_at_home")


def test_the_money_flow_page_is_in_the_reference_part():
    toc = yaml.safe_load((text.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    [reference] = [part for part in toc["parts"] if part["caption"] == "Reference"]
    assert "book/model/money_flows" in [entry["file"] for entry in reference["chapters"]]
