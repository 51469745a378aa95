"""Driving an explorer in the built book: its inputs, its signals and the numbers it shows."""

from __future__ import annotations

PAGES = {
    "paying-for-activity": "book/chapters/markets_and_commissioners.html",
    "wrong-pocket": "book/chapters/pooling_the_pot.html",
    "sharing-risk": "book/chapters/pooling_the_pot.html",
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
