"""The money-flow diagrams as a reader sees them in Chromium, on a phone, a tablet and a laptop.

What `tests/text/test_figures.py` checks in the SVG's own units, checked here as drawn, in CSS
pixels, with the fonts the browser chose: every text 11 px or more; each label's and each box's
text inside its frame; no label on another label, a box or an arrow not its own; no arrow through
a box it does not join, nor on or across another arrow.
"""

from __future__ import annotations

import pytest

from tests.support import save_screenshot

WIDTHS = [390, 768, 1366]
PAGES = ["book/model/money_flows.html", "book/welcome.html", "book/chapters/pooling_the_pot.html",
         "book/chapters/redesigning_commissioning.html"]
SMALLEST = 11  # CSS px

# For each diagram on the page: text smaller than `least`, text outside its frame, and what covers
# what, all in the page's CSS pixels (each arrow sampled every 2 px along its length).
DIAGRAM_JS = """least => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const meets = (a, b, gap) => a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;
  const inside = (p, r, gap) => p[0] > r[0] - gap && p[0] < r[2] + gap && p[1] > r[1] - gap && p[1] < r[3] + gap;
  return [...document.querySelectorAll('svg.money-flow-diagram')].map(svg => {
    const ctm = svg.getScreenCTM();
    const found = {arrangement: svg.dataset.arrangement, width: svg.getBoundingClientRect().width,
                   small: [], outside: [], covers: []};
    svg.querySelectorAll('text').forEach(t => {
      const size = parseFloat(getComputedStyle(t).fontSize) * ctm.a;
      if (size < least - 0.01) found.small.push(`${t.textContent} (${size.toFixed(1)} px)`);
      const holder = t.closest('g.money-flow-label, g.money-flow-party');
      if (!holder) { found.outside.push(`${t.textContent} (in no label or box)`); return; }
      const [tb, fb] = [box(t), box(holder.querySelector('rect'))];
      if (tb[0] < fb[0] - 0.5 || tb[2] > fb[2] + 0.5 || tb[1] < fb[1] - 0.5 || tb[3] > fb[3] + 0.5)
        found.outside.push(t.textContent);
    });
    const edge = g => `${g.dataset.payer}>${g.dataset.payee}`;
    const labels = [...svg.querySelectorAll('g.money-flow-label')].map(g => ({edge: edge(g), r: box(g.querySelector('rect'))}));
    const parties = [...svg.querySelectorAll('g.money-flow-party')].map(g => ({party: g.dataset.party, r: box(g.querySelector('rect'))}));
    const arrows = [...svg.querySelectorAll('g.money-flow-edge')].map(g => {
      const path = g.querySelector('path'), length = path.getTotalLength(), points = [];
      for (let s = 0; s <= length; s += 2 / ctm.a) {
        const p = path.getPointAtLength(s).matrixTransform(ctm);
        points.push([p.x, p.y]);
      }
      return {edge: edge(g), payer: g.dataset.payer, payee: g.dataset.payee, points};
    });
    labels.forEach((l, i) => {
      labels.slice(i + 1).forEach(m => meets(l.r, m.r, 1) && found.covers.push(`label ${l.edge} on label ${m.edge}`));
      parties.forEach(p => meets(l.r, p.r, 1) && found.covers.push(`label ${l.edge} on box ${p.party}`));
      arrows.forEach(a => a.edge !== l.edge && a.points.some(p => inside(p, l.r, 1))
                          && found.covers.push(`arrow ${a.edge} under label ${l.edge}`));
    });
    arrows.forEach((a, i) => {
      parties.forEach(p => p.party !== a.payer && p.party !== a.payee && a.points.some(q => inside(q, p.r, 1))
                           && found.covers.push(`arrow ${a.edge} through box ${p.party}`));
      arrows.slice(i + 1).forEach(b => {
        const near = a.points.some(p => b.points.some(q => Math.hypot(p[0] - q[0], p[1] - q[1]) < 2.5));
        if (near) found.covers.push(`arrow ${a.edge} on arrow ${b.edge}`);
      });
    });
    return found;
  });
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_each_diagram_is_readable_and_nothing_in_it_overlaps(built_book, visit, path, width):
    v = visit(path, width=width)
    page = v.page
    page.evaluate("document.fonts.ready")
    diagrams = page.evaluate(DIAGRAM_JS, SMALLEST)
    assert diagrams, f"no money-flow diagram on {path}"
    problems = [d for d in diagrams if d["small"] or d["outside"] or d["covers"]]
    if width in (390, 1366):
        save_screenshot(page, f"diagrams_{width}_{path.replace('/', '_')}")
    assert problems == [], problems
    assert v.console_errors == []
