"""Figures: every chapter has one a reader can also read in words, and every
arrangement has its money-flow diagram, whose arrows are the model's own flows.

The diagrams are checked three ways: the SVG's data attributes against
`carepool.flows.money_flows` for every arrangement the model registers; the
drawing's geometry (no arrow crosses, touches or runs along another, or passes
through a box; each arrow has its label, which covers no other label, box or
arrow; text 11 px or more on a 390 px phone); and the ``{money-flow}``
directive in a real Sphinx build.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from carepool import ModelInputError, arrangement_names
from carepool.flows import money_flows
from coursebook.flow_diagrams import WIDTH, _wrap, layout, money, svg, text_alternative, text_width, words_html

from . import course_text as text

SVG = "{http://www.w3.org/2000/svg}"
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
    html = words_html([flows])
    assert html.count("<li>") == len(flows.edges) + len(flows.positions)


def _rect(r: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(r.get("x")), float(r.get("y"))
    return (x, y, x + float(r.get("width")), y + float(r.get("height")))


def _groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def _overlap(a, b, gap: float = 0.0) -> bool:
    """Whether two rectangles (x1, y1, x2, y2) overlap, or come closer than ``gap``."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def polyline(d: str) -> list[tuple[float, float]]:
    """The corners of an SVG path drawn with M, L, H and V (absolute), as the diagrams draw arrows."""
    points: list[tuple[float, float]] = []
    for command, args in re.findall(r"([MLHV])\s*([-\d.,\s]+)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command in "ML":
            points += list(zip(numbers[::2], numbers[1::2]))
        elif command == "H":
            points += [(x, points[-1][1]) for x in numbers]
        else:
            points += [(points[-1][0], y) for y in numbers]
    return points


def _segments(points):
    return list(zip(points, points[1:]))


def _point_to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def _segments_distance(s, t) -> float:
    """The least distance between two line segments (0 where they cross)."""
    (a, b), (c, d) = s, t

    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    if side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
        return 0.0
    return min(_point_to_segment(a, c, d), _point_to_segment(b, c, d),
               _point_to_segment(c, a, b), _point_to_segment(d, a, b))


def _segment_meets_rect(s, r, gap: float = 0.0) -> bool:
    """Whether a segment passes through a rectangle grown by ``gap`` on every side."""
    x1, y1, x2, y2 = r[0] - gap, r[1] - gap, r[2] + gap, r[3] + gap
    (ax, ay), (bx, by) = s
    # Liang-Barsky clipping: the segment meets the rectangle if some part of it is left after clipping.
    t0, t1 = 0.0, 1.0
    for p, q in ((-(bx - ax), ax - x1), (bx - ax, x2 - ax), (-(by - ay), ay - y1), (by - ay, y2 - ay)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


def drawing(name: str) -> dict:
    """The diagram's arrows (corners of each path), labels (rectangles) and boxes, by what they stand for."""
    root = parse(name)
    arrows = {(g.get("data-payer"), g.get("data-payee")): polyline(g.find(f"{SVG}path").get("d"))
              for g in _groups(root, "money-flow-edge")}
    labels = {(g.get("data-payer"), g.get("data-payee")): _rect(g.find(f"{SVG}rect"))
              for g in _groups(root, "money-flow-label")}
    boxes = {g.get("data-party"): _rect(g.find(f"{SVG}rect")) for g in _groups(root, "money-flow-party")}
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    return {"root": root, "arrows": arrows, "labels": labels, "boxes": boxes, "width": width, "height": height}


# On a 390 px phone the book's column gives a figure this many CSS px (tests/book/test_diagrams.py
# measures the diagrams as drawn in Chromium at 390, 768 and 1366 px).
PHONE_COLUMN = 342
SMALLEST_READABLE = 11  # CSS px: no text in a chart or diagram smaller on a 390 px screen
APART = 4  # viewBox units between two arrows, or an arrow and a label or box it does not touch


@pytest.mark.parametrize("name", arrangement_names())
def test_each_diagrams_text_is_readable_on_a_phone(name):
    root = parse(name)
    _, _, width, _ = (float(v) for v in root.get("viewBox").split())
    assert width == WIDTH and root.get("width") == "100%"  # it scales to the column
    scale = min(1.0, PHONE_COLUMN / width)
    small = sorted({(t.text, float(t.get("font-size"))) for t in root.iter(f"{SVG}text")
                    if float(t.get("font-size")) * scale < SMALLEST_READABLE})
    assert small == [], f"text under {SMALLEST_READABLE} px on a phone in {name}: {small}"


@pytest.mark.parametrize("name", arrangement_names())
def test_no_arrow_crosses_touches_or_runs_along_another(name):
    arrows = drawing(name)["arrows"]
    close = []
    keys = list(arrows)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            gap = min(_segments_distance(s, t) for s in _segments(arrows[a]) for t in _segments(arrows[b]))
            if gap < APART:
                close.append((a, b, round(gap, 1)))
    assert close == [], f"arrows too close in {name} (payer, payee, distance): {close}"


@pytest.mark.parametrize("name", arrangement_names())
def test_no_arrow_passes_through_a_box_it_does_not_join(name):
    d = drawing(name)
    through = [(edge, party) for edge, points in d["arrows"].items() for party, box in d["boxes"].items()
               if party not in edge and any(_segment_meets_rect(s, box, 2) for s in _segments(points))]
    assert through == [], f"arrows through boxes in {name}: {through}"


@pytest.mark.parametrize("name", arrangement_names())
def test_each_arrow_has_one_label_that_covers_no_other_label_box_or_arrow(name):
    d = drawing(name)
    assert set(d["labels"]) == set(d["arrows"]), f"labels and arrows do not pair up in {name}"
    problems = []
    keys = list(d["labels"])
    for i, edge in enumerate(keys):
        label = d["labels"][edge]
        problems += [(edge, "label", other) for other in keys[i + 1:] if _overlap(label, d["labels"][other], 2)]
        problems += [(edge, "box", party) for party, box in d["boxes"].items() if _overlap(label, box, 2)]
        problems += [(edge, "arrow", other) for other, points in d["arrows"].items() if other != edge
                     and any(_segment_meets_rect(s, label, 2) for s in _segments(points))]
        if not (0 <= label[0] and label[2] <= d["width"] and 0 <= label[1] and label[3] <= d["height"]):
            problems.append((edge, "outside the drawing", label))
    assert problems == [], f"labels in the way in {name}: {problems}"


@pytest.mark.parametrize("name", arrangement_names())
def test_each_label_sits_on_or_beside_its_own_arrow_clear_of_its_head(name):
    d = drawing(name)
    for edge, label in d["labels"].items():
        points = d["arrows"][edge]
        near = min(_point_to_segment(corner, a, b) for a, b in _segments(points)
                   for corner in ((label[0], label[1]), (label[2], label[1]), (label[0], label[3]),
                                  (label[2], label[3]), ((label[0] + label[2]) / 2, (label[1] + label[3]) / 2)))
        assert near <= 6, f"the label of {edge} in {name} is {near:.0f} units from its arrow"
        # The arrow's head (its last 12 units) stays in view.
        (ax, ay), (bx, by) = points[-2], points[-1]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        head = ((bx - (bx - ax) * 12 / length, by - (by - ay) * 12 / length), (bx, by))
        assert not _segment_meets_rect(head, label), f"the label of {edge} in {name} covers its arrow's head"


@pytest.mark.parametrize("name", arrangement_names())
def test_everything_is_inside_the_drawing(name):
    d = drawing(name)
    for box in d["boxes"].values():
        assert 0 <= box[0] and box[2] <= d["width"] and 0 <= box[1] and box[3] <= d["height"]
    for points in d["arrows"].values():
        assert all(0 <= x <= d["width"] and 0 <= y <= d["height"] for x, y in points)


@pytest.mark.parametrize("name", arrangement_names())
def test_each_boxs_lines_fit_inside_it(name):
    # Measured with DejaVu Sans's widths (Debian's system-ui, wider than the other fonts named).
    d = layout(money_flows(name))
    wide = [(line, round(text_width(line, size, bold), 1), round(d.boxes[o].w, 1)) for o, t in d.texts.items()
            for line, size, bold, _ in t.lines if text_width(line, size, bold) > d.boxes[o].w - 4]
    assert wide == [], f"lines wider than their box in {name} (line, width, box): {wide}"


def test_a_word_wider_than_its_box_is_hyphenated_to_fit():
    lines = _wrap("Supercalifragilistic-care pot", 60, 13)
    assert all(text_width(line, 13) <= 60 for line in lines)
    assert "".join(lines).replace("-", "") == "Supercalifragilisticcarepot"


def test_the_geometry_helpers_see_crossings_and_covers():
    assert _segments_distance(((0, 0), (10, 10)), ((0, 10), (10, 0))) == 0  # an X
    assert _segments_distance(((0, 0), (10, 0)), ((0, 3), (10, 3))) == 3    # side by side
    assert _segment_meets_rect(((0, 5), (20, 5)), (8, 0, 12, 10))           # through a box
    assert not _segment_meets_rect(((0, 20), (20, 20)), (8, 0, 12, 10))
    assert _segment_meets_rect(((0, 11), (20, 11)), (8, 0, 12, 10), gap=2)  # too close
    assert polyline("M10,20 H30 V5 L0,0") == [(10, 20), (30, 20), (30, 5), (0, 0)]


# --- the directive, in a real Sphinx build --------------------------------------

def build(tmp_path: Path, page: str) -> tuple[int, str, str]:
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "coursebook.sphinx.money_flow"]\nnumfig = True\n')
    (src / "index.md").write_text(page)
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, warningiserror=False, freshenv=True)
    app.build()
    html = (tmp_path / "out" / "index.html").read_text() if (tmp_path / "out" / "index.html").exists() else ""
    return app.statuscode, html, warnings.getvalue()


@pytest.mark.build
def test_the_directive_draws_each_named_arrangement_and_all_of_them(tmp_path):
    page = ("# Flows\n\n{numref}`two-ways` shows two.\n\n```{money-flow} silos aco\n:caption: Two ways to hold a budget.\n"
            ":name: two-ways\n```\n\n```{money-flow} all\n```\n")
    code, html, warnings = build(tmp_path, page)
    assert code == 0 and warnings == "", warnings
    # Each is a figure Sphinx numbers with the page's others, and :name: makes it a target for {numref}.
    numbers = re.findall(r'<span class="caption-number">([^<]+)</span>', html)
    assert [n.strip() for n in numbers] == [f"Fig. {i}" for i in range(1, 2 + len(arrangement_names()))]
    assert '<figure class="money-flow align-default" id="two-ways">' in html
    assert re.search(r'href="#two-ways"><span class="std std-numref">Fig\. 1</span>', html)
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
