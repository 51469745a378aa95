"""The widget pages of the built book: a plain snapshot with every control off, until a kernel runs them.

A saved ipywidgets app cannot recompute without Python. With no kernel, each
widget page must say it is a snapshot and show the saved app as a picture
whose every control is off (drawn at build time, with no widget library).
"Run live" is offered only where a server is there to run it: the local one
`make live` starts, or the BinderHub or Jupyter server a deployer names; with
the local server it runs the app so that moving a lever redraws it.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.support import ROOT, save_screenshot

sys.path.insert(0, str(ROOT / "scripts"))
import live  # noqa: E402  (scripts/live.py, what `make live` runs)

WIDGET_PAGES = ["notebooks/first_explorer.html", "notebooks/paying_for_activity.html",
                "notebooks/wrong_pocket.html", "notebooks/sharing_risk.html"]
APP_PAGES = WIDGET_PAGES[1:]
# The saved app as the book draws it (coursebook.widget_snapshot), and the controls in it.
SNAPSHOT = ".cell_output .carepool-widget-snapshot"
CONTROLS_IN_WIDGETS = f"{SNAPSHOT} :is(input, select, button, textarea)"
SLIDERS = f"{SNAPSHOT} input[type=range]"


@dataclass
class PageVisit:
    page: object
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_widget_page(browser, site_url):
    """Open a widget page with every request to another host blocked and recorded, and wait
    until its snapshot is switched off (not for network idle: on the first explorer's page
    Chromium never reports it, with nothing pending)."""
    contexts = []

    def open_page(path: str, width: int = 1366) -> PageVisit:
        context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900})
        contexts.append(context)
        page = context.new_page()
        v = PageVisit(page)

        def route(r):
            if r.request.url.startswith(("data:", "blob:")) or urlparse(r.request.url).hostname == "127.0.0.1":
                return r.continue_()
            v.outside_requests.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and v.console_errors.append(m.text))
        page.on("pageerror", lambda e: v.console_errors.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and v.console_errors.append(f"HTTP {r.status}: {r.url}"))
        page.goto(f"{site_url}/{path}", wait_until="load")
        page.wait_for_selector(".cell_output[inert] .carepool-widget-snapshot input[type=range]", timeout=30_000)
        return v

    yield open_page
    for context in contexts:
        context.close()


def _notebook_metadata(path: str) -> dict:
    return json.loads((ROOT / path.replace(".html", ".ipynb")).read_text())["metadata"]


@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_a_widget_page_without_a_kernel_says_it_is_a_snapshot_and_switches_every_control_off(
        built_book, open_widget_page, path):
    v = open_widget_page(path)
    page = v.page
    banner = page.locator(".carepool-live-banner")
    assert banner.count() == 1 and banner.is_visible()
    assert "Snapshot." in banner.inner_text() and "switched off" in banner.inner_text()
    # No server here: no "Run live", and nothing about a course folder the reader does not have.
    page.wait_for_selector(".carepool-live-banner[data-server='none']")
    assert not page.locator(".carepool-live-run").is_visible()
    assert "make live" not in banner.inner_text() and "course folder" not in banner.inner_text()

    # The banner links the explorer that works without Python, and the target exists.
    link = page.locator("a.carepool-live-explorer")
    meta = _notebook_metadata(path)["live_widgets"]
    href = link.get_attribute("href")
    target, _, anchor = href.partition("#")
    assert anchor == f"explorer-{meta['explorer']}"
    target_file = (built_book / path).parent / target if target else built_book / path
    assert target_file.resolve().is_file() and f'id="explorer-{meta["explorer"]}"' in target_file.read_text()

    controls = page.locator(CONTROLS_IN_WIDGETS)
    assert controls.count() > 0
    states = controls.evaluate_all("els => els.map(e => [e.disabled, e.getAttribute('aria-disabled'),"
                                   " e.closest('[inert]') !== null, e.matches(':focus') ])")
    assert all(s == [True, "true", True, False] for s in states), states
    # Every slider shows its saved value beside it.
    readouts = page.locator(f"{SNAPSHOT} .cw-slider output")
    assert readouts.count() == page.locator(SLIDERS).count() > 0

    # A reader's drag, click or key moves nothing, and nothing takes the focus.
    slider = page.locator(SLIDERS).first
    readout = readouts.first
    before = slider.input_value(), readout.inner_text()
    box = slider.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 5, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    page.keyboard.press("ArrowRight")
    assert (slider.input_value(), readout.inner_text()) == before
    assert page.evaluate("document.activeElement.closest('.carepool-widget-snapshot')") is None
    # No widget library is loaded to draw it: the snapshot is the page's own HTML.
    assert page.evaluate("typeof window.require === 'undefined'")

    # The static chart on the first explorer's page is not a widget: it stays usable.
    if path.endswith("first_explorer.html"):
        assert not page.locator(".vega-bind input").first.is_disabled()
    save_screenshot(page, "snapshot-" + Path(path).stem)
    assert v.console_errors == [] and v.outside_requests == []


@pytest.mark.parametrize("path", APP_PAGES)
def test_the_snapshot_shows_the_apps_chart_and_both_scenarios(built_book, open_widget_page, path):
    v = open_widget_page(path)
    page = v.page
    tabs = page.locator(f"{SNAPSHOT} .cw-tab").all_inner_texts()
    assert tabs == ["Scenario A", "Scenario B"]
    chart = page.locator(f"{SNAPSHOT} svg.marks")
    assert chart.count() >= 1 and "Scenario A" in chart.first.inner_html()
    assert chart.first.bounding_box()["width"] > 250  # drawn, at a readable size
    assert page.locator(f"{SNAPSHOT} table").count() >= 1


# What a reader can read of the snapshot's charts (SVG drawn in the kernel, shrunk to fit its column by
# its viewBox): text smaller than `least` CSS px as drawn, and axis labels drawn over one another; and
# its tables: how many, how many rows, which are shown one row at a time, and any cell not printed as
# the reader reads figures (£ million to £0.1m, a percentage, or a dash).
SNAPSHOT_READING_JS = r"""([root, least]) => {
  const out = {small: [], overlapping: [], tables: 0, rows: 0, stacked: 0, raw: []};
  const snapshot = document.querySelector(root);
  snapshot.querySelectorAll('svg.marks').forEach(svg => {
    const designed = svg.viewBox.baseVal && svg.viewBox.baseVal.width || svg.width.baseVal.value;
    const scale = svg.getBoundingClientRect().width / designed;
    svg.querySelectorAll('text').forEach(t => {
      const size = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (t.textContent.trim() && size < least - 0.01) out.small.push(`${t.textContent} (${size.toFixed(1)} px)`);
    });
    svg.querySelectorAll('g.role-axis-label').forEach(g => {
      const boxes = [...g.querySelectorAll('text')].filter(t => t.textContent.trim())
        .map(t => [t.textContent, t.getBoundingClientRect()]);
      for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
        const [p, q] = [boxes[a][1], boxes[b][1]];
        if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5)
          out.overlapping.push(`${boxes[a][0]} / ${boxes[b][0]}`);
      }
    });
  });
  snapshot.querySelectorAll('table').forEach(table => {
    out.tables++;
    out.rows += table.querySelectorAll('tbody tr').length;
    if (table.classList.contains('stacked')) out.stacked++;
    table.querySelectorAll('td').forEach(td => {
      const text = td.textContent.trim();
      if (!/^([\u2212+]?£\d[\d,]*\.\dm|\d+\.\d%|\u2014)$/.test(text)) out.raw.push(text);
    });
  });
  return out;
}"""


@pytest.mark.parametrize("width", [390, 768, 1366])
@pytest.mark.parametrize("path", APP_PAGES)
def test_the_snapshot_reads_on_a_phone_chart_text_readable_axis_labels_apart_tables_short_in_pounds_million(
        built_book, open_widget_page, path, width):
    v = open_widget_page(path, width)
    page = v.page
    shown = page.evaluate(SNAPSHOT_READING_JS, [SNAPSHOT, 11])
    assert shown["small"] == [], f"chart text under 11 px at {width} px: {shown['small']}"
    assert shown["overlapping"] == [], f"axis labels on top of one another at {width} px: {shown['overlapping']}"
    # An organisation a row, a scenario a column: a few short tables, read as grids even on a phone.
    assert 1 <= shown["tables"] <= 3 and shown["rows"] <= 8 * shown["tables"], shown
    assert shown["stacked"] == 0, f"{shown['stacked']} table(s) shown as stacked cards at {width} px"
    assert shown["raw"] == [], f"figures not in £ million or percent: {shown['raw'][:5]}"
    # Menus show the reader's words, never the model's codes.
    menus = page.locator(f"{SNAPSHOT} select option").all_inner_texts()
    assert menus and not [m for m in menus if "_" in m or m.islower()], menus
    if width == 390:
        save_screenshot(page, f"snapshot-{Path(path).stem}-390")
    assert v.console_errors == [] and v.outside_requests == []


def test_the_risk_notebook_says_why_its_figures_differ_from_the_chapters_explorer(built_book, open_widget_page):
    page = open_widget_page("notebooks/sharing_risk.html").page
    text = page.locator("article").inner_text().replace("\u2019", "'")
    assert "not the risk explorer's in Pooling the pot" in text
    # The app's own note gives the draws and the upstream spending, computed when the notebook ran.
    note = page.locator(f"{SNAPSHOT} .cw-html").first.inner_text()
    assert "draws" in note and "upstream" in note and "Pooling the pot" in note


def test_run_live_is_offered_only_where_a_server_is_there_to_run_it(built_book, browser, site_url):
    """No server (the public site): no button. A local server announced, or a BinderHub named in the
    configuration: the button, saying where the notebook will run."""
    path = f"{site_url}/notebooks/wrong_pocket.html"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        # What `make live` writes into its copy of the site.
        page = context.new_page()
        page.route("**/_static/live-server.json", lambda r: r.fulfill(
            status=200, content_type="application/json", body='{"baseUrl": "http://127.0.0.1:9", "token": "t"}'))
        page.goto(path)
        page.wait_for_selector(".carepool-live-banner[data-server='jupyter']")
        assert page.locator(".carepool-live-run").is_visible()
        assert "127.0.0.1:9" in page.locator(".carepool-live-status").inner_text()
        # A deployer's BinderHub in _config.yml (live_widgets), with no local server.
        page = context.new_page()

        def with_binder(route):
            html = route.fetch().text().replace('"binderhub_url": ""', '"binderhub_url": "https://binder.example.org"') \
                .replace('"repository": ""', '"repository": "course/who-holds-the-budget"')
            route.fulfill(status=200, content_type="text/html", body=html)

        page.route(path, with_binder)
        page.goto(path)
        page.wait_for_selector(".carepool-live-banner[data-server='binder']")
        assert page.locator(".carepool-live-run").is_visible()
        assert "binder.example.org" in page.locator(".carepool-live-status").inner_text()
        save_screenshot(page, "run_live_offered_390")
    finally:
        context.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_book(built_book):
    """The book and a Jupyter server on loopback, as `make live` starts them."""
    no_server = live.ANNOUNCE.read_text()  # the build's own: "no local server"
    processes, book = live.start(_free_port(), _free_port())
    try:
        yield book
    finally:
        live.stop(processes)
    # Stopped, make live leaves the site as built: it says there is no local server (no token left behind).
    assert live.ANNOUNCE.read_text() == no_server and no_server.strip() == "{}"


def test_run_live_runs_the_app_on_the_local_jupyter_server_and_a_lever_redraws_it(live_book, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    outside = []

    def route(r):
        if r.request.url.startswith(("data:", "blob:")) or urlparse(r.request.url).hostname == "127.0.0.1":
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    try:
        page.goto(f"{live_book}/notebooks/wrong_pocket.html")
        page.wait_for_selector(".carepool-live-run")
        time.sleep(3)  # the Jupyter server's own start-up
        page.click(".carepool-live-run")
        page.wait_for_function(
            "() => document.querySelector('.carepool-live-status').textContent.startsWith('Live')", timeout=240_000)
        assert not page.evaluate("document.body.classList.contains('carepool-snapshot')")
        # Each code cell's live editor is as tall as its code, not a tall empty box (CodeMirror's
        # default height is 300 px whatever the code).
        editors = page.locator(".thebe-cell .CodeMirror")
        assert editors.count() >= 1
        fits = editors.evaluate_all("els => els.map(e => [Math.round(e.getBoundingClientRect().height),"
                                    " Math.round(e.querySelector('.CodeMirror-sizer').getBoundingClientRect().height)])")
        assert all(editor <= code + 12 for editor, code in fits), fits
        assert "Snapshot" not in page.locator(".carepool-live-banner").inner_text()
        handle = page.locator(".cell_output .noUi-handle").first
        handle.wait_for(timeout=60_000)
        assert page.locator(".cell_output [inert]").count() == 0
        assert handle.get_attribute("aria-disabled") != "true"
        # The chart is redrawn as a new element: compare what the page shows, not one element.
        chart_js = "() => document.querySelector('.cell_output svg.marks').outerHTML"
        before = page.evaluate(chart_js)
        readout = page.locator(".cell_output .widget-readout").first
        shown = readout.inner_text()
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()
        page.wait_for_function("([el, old]) => el.textContent !== old", arg=[readout.element_handle(), shown])
        page.wait_for_function(f"old => ({chart_js})() !== old", arg=before, timeout=120_000)
        save_screenshot(page, "live-wrong_pocket")
        assert outside == []
    finally:
        context.close()
