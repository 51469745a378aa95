"""Driving an explorer in the built book: its inputs, its signals and the numbers it shows."""

from __future__ import annotations

PAGES = {
    "paying-for-activity": "book/chapters/markets_and_commissioners.html",
    "wrong-pocket": "book/chapters/pooling_the_pot.html",
    "sharing-risk": "book/chapters/pooling_the_pot.html",
    "who-holds-the-budget": "book/chapters/integrated_health_organisations.html",
}

# The values each readout mark shows, read from Vega's scenegraph after a run.
READOUT_JS = """async (id) => {
  const view = document.getElementById(id).vegaView;
  await view.runAsync();
  const shown = [];
  (function walk(node) {
    if (!node) return;
    if (node.marktype === "text" && (node.name || "").startsWith("readout")) {
      node.items.forEach(item => shown.push({datum: item.datum, text: item.text}));
    }
    (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  return shown;
}"""


def open_explorer(visit, name: str, fragment: str = "", width: int = 1280):
    v = visit(PAGES[name] + fragment, wait_for=f"#explorer-{name} .marks", width=width)
    v.page.wait_for_function(f"() => document.getElementById('explorer-{name}').vegaView")
    return v


def set_input(page, name: str, param: str, value) -> None:
    """Set a bound input as a reader would, and wait for the signal to follow."""
    root = f"#explorer-{name}"
    element = page.locator(f"{root} [name='{param}']")
    kind = element.first.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
    if kind.startswith("select"):
        element.select_option(str(value))
    elif kind == "input:radio":
        page.locator(f"{root} input[name='{param}'][value='{value}']").check()
    else:
        element.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                         str(value))
    page.wait_for_function(
        "([id, p, v]) => { const s = document.getElementById(id).vegaView.signal(p);"
        " return String(s) === v || (typeof s === 'number' && s === Number(v)); }",
        arg=[f"explorer-{name}", param, str(value)],
    )


def signal(page, name: str, param: str):
    return page.evaluate("([id, p]) => document.getElementById(id).vegaView.signal(p)", [f"explorer-{name}", param])


def readout(page, name: str) -> list[dict]:
    return page.evaluate(READOUT_JS, f"explorer-{name}")


def svg(page, name: str) -> str:
    return page.evaluate("id => document.getElementById(id).vegaView.toSVG()", f"explorer-{name}")


def shown_number(text: str) -> float:
    """A number as the chart prints it: "−£5.0m", "+£1.8m", "12.5%" (d3 and the charts use a true minus sign)."""
    for mark in (",", "%", "+", "£", "m"):
        text = text.replace(mark, "")
    return float(text.replace("\u2212", "-"))


# The labels of every legend in an explorer, and the values of one field over
# the marks drawn (lines, bars, rules), from Vega's scenegraph.
LEGEND_AND_SERIES_JS = """async ([id, field]) => {
  const view = document.getElementById(id).vegaView;
  await view.runAsync();
  const labels = new Set(), series = new Set();
  (function walk(node) {
    if (!node) return;
    if (node.role === "legend-label") node.items.forEach(item => labels.add(item.text));
    if (node.role === "mark" && ["line", "rect", "rule"].includes(node.marktype)) {
      node.items.forEach(item => { if (item.datum && field in item.datum) series.add(item.datum[field]); });
    }
    (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  return {labels: [...labels], series: [...series]};
}"""


def legend_and_series(page, name: str, field: str) -> dict:
    return page.evaluate(LEGEND_AND_SERIES_JS, [f"explorer-{name}", field])


# What a reader can read of a drawn chart, from Vega's scenegraph (canvas or SVG alike): the text
# items smaller than `least` CSS px as drawn (after any shrinking to fit), the axis labels shown on
# top of one another, and whether vega-embed's actions button sits over the drawing.
READABILITY_JS = """async ([id, least]) => {
  const div = document.getElementById(id), view = div.vegaView;
  await view.runAsync();
  const drawing = div.querySelector('svg.marks, canvas.marks');
  const drawn = drawing.getBoundingClientRect();
  const designed = parseFloat(drawing.style.width) || parseFloat(drawing.getAttribute('width'));
  const scale = drawn.width / designed;
  const small = [], overlapping = [];
  (function walk(node) {
    if (!node) return;
    if (node.marktype === 'text') {
      node.items.forEach(item => {
        const size = (item.fontSize ?? 11) * scale;
        if (item.text !== '' && item.text != null && item.opacity !== 0 && size < least - 0.01)
          small.push(`${item.text} (${size.toFixed(1)} px)`);
      });
      if (node.role === 'axis-label') {
        const shown = node.items.filter(i => i.opacity !== 0 && i.bounds && i.text !== '');
        for (let a = 0; a < shown.length; a++) for (let b = a + 1; b < shown.length; b++) {
          const p = shown[a].bounds, q = shown[b].bounds;
          if (p.x1 < q.x2 - 0.5 && q.x1 < p.x2 - 0.5 && p.y1 < q.y2 - 0.5 && q.y1 < p.y2 - 0.5)
            overlapping.push(`${shown[a].text} / ${shown[b].text}`);
        }
      }
    }
    (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  const summary = div.querySelector('.vega-embed summary');
  const s = summary && summary.getBoundingClientRect();
  const actionsOverDrawing = !!s && s.width > 0 && s.left < drawn.right - 1 && s.top < drawn.bottom && s.bottom > drawn.top;
  return {small, overlapping, actionsOverDrawing};
}"""


def readability(page, name: str, least: float = 11) -> dict:
    return page.evaluate(READABILITY_JS, [f"explorer-{name}", least])
