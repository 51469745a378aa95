"""The built book on a phone, a tablet and a laptop: navigation works and nothing overflows its column."""

from __future__ import annotations

import pytest

from tests.support import ARTIFACTS, save_screenshot, site_pages

WIDTHS = [390, 768, 1366]
WIDE = 992  # the theme's breakpoint: below it the sidebars open as dialogs
CHAPTER = "book/chapters/pooling_the_pot.html"


def _visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_menu_button_opens_and_closes_the_site_navigation(built_book, visit, width):
    page = visit(CHAPTER, width=width).page
    button = page.locator(".primary-toggle:visible")
    assert button.count() == 1, "exactly one menu button should be visible"
    if width < WIDE:
        assert not page.locator("#pst-primary-sidebar-modal[open]").count()
        button.click()
        dialog = page.locator("#pst-primary-sidebar-modal[open]")
        dialog.wait_for(state="visible")
        # The dialog holds the site's navigation, and its links can be seen.
        assert dialog.locator("nav a.reference", has_text="Pooling the pot").first.is_visible()
        save_screenshot(page, f"menu_open_{width}")
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.getElementById('pst-primary-sidebar-modal').open")
    else:
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible()
        button.click()
        page.wait_for_function(
            "() => getComputedStyle(document.getElementById('pst-primary-sidebar')).visibility === 'hidden'")
        button.click()
        page.wait_for_function(
            "() => getComputedStyle(document.getElementById('pst-primary-sidebar')).visibility === 'visible'")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contents_button_opens_and_closes_the_page_contents(built_book, visit, width):
    page = visit(CHAPTER, width=width).page
    toc = page.locator("#pst-secondary-sidebar")
    button = page.locator(".secondary-toggle:visible")
    if button.count() == 0:
        # Wide enough for the page's contents to sit beside the text.
        assert width >= 1200 and toc.is_visible()
        assert toc.locator("a", has_text="Sharing risk").first.is_visible()
        return
    assert button.count() == 1
    button.click()
    dialog = page.locator("#pst-secondary-sidebar-modal[open]")
    dialog.wait_for(state="visible")
    assert dialog.locator("a", has_text="Sharing risk").first.is_visible()
    save_screenshot(page, f"contents_open_{width}")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('pst-secondary-sidebar-modal').open")
    # Choosing a section closes the drawer and goes to the section.
    button.click()
    dialog.wait_for(state="visible")
    dialog.locator("a", has_text="Sharing risk").first.click()
    page.wait_for_function("() => !document.getElementById('pst-secondary-sidebar-modal').open")
    page.wait_for_function("() => location.hash === '#sharing-risk'")
    page.wait_for_function("() => { const r = document.getElementById('sharing-risk').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight / 2; }")


# Each drawn chart, and each table, against the column of text it sits in.
OVERFLOW_JS = """() => {
  const column = document.querySelector('#main-content, main article, article.bd-article');
  const right = column.getBoundingClientRect().right + 1;
  const found = [];
  document.querySelectorAll('.carepool-chart, .vega-embed, article table').forEach(el => {
    const box = el.getBoundingClientRect();
    const drawn = el.matches('table') ? box : (el.querySelector('svg, canvas') || el).getBoundingClientRect();
    const scrolls = !el.matches('table') && el.scrollWidth > el.clientWidth + 1;
    if (drawn.right > right || scrolls) {
      found.push({what: el.id || el.className || el.tagName, right: Math.round(drawn.right),
                  column: Math.round(right), scrolls});
    }
  });
  return found;
}"""

PAGES_WITH_CHARTS_OR_TABLES = [
    "book/chapters/markets_and_commissioners.html",
    CHAPTER,
    "book/timeline.html",
    "book/sources/index.html",
    "book/model/model_reference.html",
    "notebooks/first_explorer.html",
]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_chart_or_table_overflows_its_column(built_book, visit, width):
    problems = {}
    for path in PAGES_WITH_CHARTS_OR_TABLES:
        v = visit(path, width=width)
        page = v.page
        if page.locator(".carepool-chart, .vega-embed").count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('.carepool-chart, .vega-embed')]"
                ".every(d => d.querySelector('svg, canvas'))", timeout=20_000)
            page.wait_for_timeout(300)  # the charts' fit to the column runs after the first draw
        found = page.evaluate(OVERFLOW_JS)
        if found:
            problems[path] = found
            save_screenshot(page, f"overflow_{width}_{path.replace('/', '_')}")
    assert problems == {}, problems


# The elements that reach past the window's right edge and are not inside something that scrolls or clips them.
PAST_THE_EDGE_JS = """() => {
  const edge = window.innerWidth + 1;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= edge || el.closest('dialog:not([open])')) continue;
    let held = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible' && up.getBoundingClientRect().right <= edge) { held = true; break; }
    }
    if (!held) found.push(`${el.tagName.toLowerCase()}.${el.className}: "${el.textContent.trim().slice(0, 50)}"`);
  }
  return found;
}"""


# Where a search box's text begins, and where its magnifying glass ends.
SEARCH_BOX_JS = """form => {
  const input = form.querySelector('input'), icon = form.querySelector('.fa-magnifying-glass');
  return {textStarts: input.getBoundingClientRect().left + parseFloat(getComputedStyle(input).paddingLeft),
          iconEnds: icon.getBoundingClientRect().right};
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_the_search_icon_does_not_cover_what_the_reader_types(built_book, visit, width):
    # The box that Ctrl+K (or the phone's search button) opens, and the box on the results page.
    page = visit(CHAPTER, width=width).page
    page.keyboard.press("Control+k")
    dialog_box = page.locator("#pst-search-dialog form.bd-search")
    dialog_box.wait_for(state="visible")
    page.keyboard.type("pooled budget")
    found = {"dialog": dialog_box.evaluate(SEARCH_BOX_JS)}
    save_screenshot(page, f"search_dialog_{width}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=pooled+budget")
    results_box = page.locator(".bd-search-container form.bd-search")
    results_box.wait_for(state="visible")
    page.wait_for_selector("#search-results li")  # the search found the pages
    found["results page"] = results_box.evaluate(SEARCH_BOX_JS)
    save_screenshot(page, f"search_results_{width}")
    covered = {box: f["iconEnds"] - f["textStarts"] for box, f in found.items() if f["iconEnds"] > f["textStarts"]}
    assert covered == {}, f"the magnifying glass covers this many pixels of the text: {covered}"


def test_no_page_of_the_book_scrolls_sideways_on_a_phone(built_book, browser, site_url):
    """A long name in the text (a path, a command) breaks at the column's edge rather than widening the page."""
    # Every page but the site's front door, which only sends the reader on to the book's first page.
    pages = sorted(p.relative_to(built_book).as_posix() for p in built_book.rglob("*.html")
                   if not p.relative_to(built_book).parts[0].startswith("_")
                   and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8").lower())
    assert len(pages) > 30  # every chapter, guide and explorer, not a few
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide = {}
    try:
        for path in pages:
            page.goto(f"{site_url}/{path}", wait_until="load")
            page.evaluate("document.fonts.ready")
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                wide[path] = page.evaluate(PAST_THE_EDGE_JS)[:5]
                save_screenshot(page, f"sideways_390_{path.replace('/', '_')}")
    finally:
        context.close()
    assert wide == {}, wide


# The dates (1989-01, 2012-01-01), numbers, words and names in the page's tables that the browser has broken
# across two lines. A range (2017-18) may break after its hyphen.
BROKEN_IN_TABLES_JS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const holder = node.parentElement;
    if (!holder.closest('table') || !holder.getClientRects().length) continue;
    for (const m of node.textContent.matchAll(/\\d{4}-(?:0\\d|1[0-2])(?:-\\d\\d)?(?!\\d)|\\d[\\d,.]*\\d%?|[A-Za-z_]{2,}\\w*/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) found.push(m[0]);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_date_number_or_word_in_a_table_is_broken_across_lines(
        built_book, browser, site_url, width):
    pages = [path for path in site_pages() if "<table" in (built_book / path).read_text(encoding="utf-8")]
    assert len(pages) > 5  # the chapters' tables, the model reference, the timeline, the explorers' snapshots
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900})
    page = context.new_page()
    broken = {}
    try:
        for path in pages:
            page.goto(f"{site_url}/{path}", wait_until="load")
            page.evaluate("document.fonts.ready")
            found = page.evaluate(BROKEN_IN_TABLES_JS)
            if found:
                broken[path] = found[:8]
                save_screenshot(page, f"broken_in_table_{width}_{path.replace('/', '_')}")
    finally:
        context.close()
    assert broken == {}, broken


def test_on_a_phone_a_table_is_read_one_row_at_a_time(built_book, visit):
    """Each cell under its column's name on a phone; the same table a grid on a laptop."""
    shown = {}
    for width in (390, 1366):
        page = visit("book/timeline.html", width=width).page
        table = page.locator("article table").first
        first_row = table.locator("tbody tr").first
        cells = first_row.locator("td")
        shown[width] = {
            "header visible": table.locator("thead").bounding_box()["height"] > 1,
            "cells side by side": cells.nth(0).bounding_box()["y"] == cells.nth(1).bounding_box()["y"],
            "labels": [cells.nth(i).evaluate("c => getComputedStyle(c, '::before').content")
                       for i in range(cells.count())],
        }
        first_row.scroll_into_view_if_needed()
        save_screenshot(page, f"timeline_table_{width}")
    assert shown[390]["header visible"] is False and shown[390]["cells side by side"] is False
    assert shown[390]["labels"] == ['"Date"', '"Event"', '"What happened"', '"Theme"']
    assert shown[1366]["header visible"] is True and shown[1366]["cells side by side"] is True
    assert set(shown[1366]["labels"]) == {"none"}



def test_a_table_a_live_widget_redraws_is_read_one_row_at_a_time_too(built_book, visit):
    # A live widget sets its table's HTML afresh on every change; do the same to the snapshot's table.
    # The app's own short tables of figures ("figures-grid") stay grids on a phone where they fit;
    # a table without that mark, redrawn, is labelled and read one row at a time.
    page = visit("notebooks/sharing_risk.html", width=390).page
    table = page.locator(".carepool-widget-snapshot table.carepool-table").first.element_handle()
    holder = table.evaluate_handle("t => t.parentElement")
    assert not holder.evaluate("h => h.querySelector('table').classList.contains('stacked')")
    holder.evaluate("""h => { h.innerHTML = h.querySelector('table').outerHTML
                                 .replace(/ (class|role|data-label)="[^"]*"/g, ''); }""")
    page.wait_for_function("h => h.querySelector('table').classList.contains('stacked')", arg=holder)
    first = holder.as_element().query_selector("tbody td")
    assert first.evaluate("c => getComputedStyle(c, '::before').content") == '"Scenario A"'
    assert first.evaluate("c => getComputedStyle(c).display") == "block"


def test_search_results_do_not_widen_the_page_on_a_phone(built_book, visit):
    # The results quote the instructors' pages' long commands (SCHEDULER=tcp://...) as plain text.
    page = visit("search.html?q=scheduler", width=390).page
    # Each result's snippet is fetched after the list is drawn; wait for the grading page's.
    page.wait_for_function("() => [...document.querySelectorAll('#search-results li')]"
                           ".some(li => /SCHEDULER=/.test(li.querySelector('p.context')?.textContent || ''))")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(PAST_THE_EDGE_JS)[:5]


@pytest.mark.parametrize("path", ["book/chapters/integrated_care_systems.html",
                                  "book/chapters/redesigning_commissioning.html"])
def test_a_tables_caption_spans_the_column_on_a_phone(built_book, visit, path):
    page = visit(path, width=390).page
    table = page.locator("article table.stacked", has=page.locator("caption")).first
    widths = table.evaluate("t => [t.querySelector('caption').getBoundingClientRect().width, "
                            "t.getBoundingClientRect().width]")
    assert widths[0] >= 0.9 * widths[1], f"caption {widths[0]:.0f} px wide in a table {widths[1]:.0f} px wide"


# Previous and Next at the foot of a page: each link, its arrow and its title inside the window and
# not clipped by its box.
PREV_NEXT_JS = """() => [...document.querySelectorAll('.prev-next-area a')].map(a => {
  const box = a.getBoundingClientRect(), icon = a.querySelector('i, svg');
  const title = a.querySelector('.prev-next-title');
  return {link: a.className, left: box.left, right: box.right, viewport: window.innerWidth,
          icon: icon ? [icon.getBoundingClientRect().left, icon.getBoundingClientRect().right] : null,
          clipped: a.scrollWidth > a.clientWidth + 1 || (title && title.scrollWidth > title.clientWidth + 1)};
})"""


@pytest.mark.parametrize("width", [390, 1366])
def test_previous_and_next_fit_the_window_with_their_arrows(built_book, visit, width):
    page = visit(CHAPTER, width=width).page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    links = page.evaluate(PREV_NEXT_JS)
    assert len(links) == 2
    for link in links:
        assert link["left"] >= 0 and link["right"] <= link["viewport"] + 0.5, link
        assert link["icon"] and link["icon"][0] >= 0 and link["icon"][1] <= link["viewport"] + 0.5, link
        assert not link["clipped"], link
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"prev_next_{width}.png"))


# Whether "Back to top" is shown over anything a reader would press.
BACK_TO_TOP_JS = """() => {
  const b = document.getElementById('pst-back-to-top');
  const shown = getComputedStyle(b).display !== 'none' && getComputedStyle(b).visibility !== 'hidden';
  if (!shown) return {shown, covers: []};
  const box = b.getBoundingClientRect();
  const covers = [...document.querySelectorAll('input, select, button, a[href], summary')]
    .filter(el => el !== b && !b.contains(el) && el.getClientRects().length)
    .filter(el => { const r = el.getBoundingClientRect();
      return r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top; })
    .map(el => el.outerHTML.slice(0, 80));
  return {shown, covers};
}"""


def test_back_to_top_never_covers_an_explorers_controls(built_book, visit):
    page = visit("book/chapters/pooling_the_pot.html", width=390).page
    page.wait_for_selector("#explorer-wrong-pocket .vega-bindings select")
    controls = page.locator("#explorer-wrong-pocket .vega-bindings")
    top = controls.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
    seen = []
    # Scroll past the controls, then back up a little at a time, as a reader does: the theme shows the
    # button on the way up, at the foot of the screen, where the controls pass under it.
    page.evaluate(f"window.scrollTo(0, {top} + 1200)")
    page.wait_for_timeout(200)
    for _ in range(12):
        page.mouse.wheel(0, -120)
        page.wait_for_timeout(150)
        state = page.evaluate(BACK_TO_TOP_JS)
        seen.append(state["shown"])
        assert state["covers"] == [], state
    assert any(seen), "the button never showed: the test did not test it"


@pytest.mark.parametrize("path, first", [("book/model/model_reference.html", "What the model is for"),
                                         ("book/model/money_flows.html", "PCT era")])
def test_a_long_page_without_sections_has_a_contents_list(built_book, visit, path, first):
    page = visit(path, width=390).page
    contents = page.locator("nav.page-contents")
    assert contents.count() == 1
    links = contents.locator("a")
    assert links.count() >= 7 and first in links.first.inner_text()
    # Every entry leads to a heading of the page.
    targets = links.evaluate_all("as => as.map(a => { const t = document.getElementById(a.hash.slice(1));"
                                 " return t && /^H[23]$/.test(t.tagName); })")
    assert all(targets), targets
    last = links.nth(links.count() - 1)
    last.click()
    page.wait_for_function("h => { const t = document.getElementById(h.slice(1)).getBoundingClientRect();"
                           " return t.top >= 0 && t.top < window.innerHeight; }", arg=last.get_attribute("href"))


# Charts drawn for a phone: the Better Care Fund's (each measure a panel under its name) and the
# first explorer's (a legend naming its red and dashed grey lines).
PHONE_CHARTS = {"book/chapters/does_integration_save_money.html": None, "notebooks/first_explorer.html": 2}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", list(PHONE_CHARTS))
def test_a_charts_text_is_readable_and_its_axis_labels_apart(built_book, visit, path, width):
    from tests.explorers.browser import READABILITY_JS

    v = visit(path, width=width)
    page = v.page
    page.wait_for_function("() => [...document.querySelectorAll('.vega-embed')].every(d => d.parentElement.vegaView"
                           " || d.vegaView)", timeout=20_000)
    page.wait_for_timeout(300)  # the fit to the column runs after the first draw
    ids = page.evaluate("() => [...document.querySelectorAll('div[id]')].filter(d => d.vegaView).map(d => d.id)")
    assert ids
    for chart in ids:
        seen = page.evaluate(READABILITY_JS, [chart, 11])
        assert seen == {"small": [], "overlapping": [], "actionsOverDrawing": False}, (chart, seen)
        drawing = page.locator(f"#{chart} svg.marks, #{chart} canvas.marks").first.bounding_box()
        assert drawing["width"] >= min(280, width - 60), f"{chart} drawn {drawing['width']} px wide"
    legends = PHONE_CHARTS[path]
    if legends:
        labels = page.evaluate("""id => { const out = new Set(); (function walk(n) { if (!n) return;
            if (n.role === 'legend-label') n.items.forEach(i => out.add(i.text)); (n.items || []).forEach(walk);
          })(document.getElementById(id).vegaView.scenegraph().root); return [...out]; }""", ids[0])
        assert len(labels) == legends, labels
    if width == 390:
        save_screenshot(page, f"chart_{path.replace('/', '_')}_390")
    assert v.console_errors == [] and v.outside_requests == []


# Every page with Vega charts: the explorers' chapters, the Better Care Fund's and the first explorer's.
CHART_PAGES = ["book/chapters/markets_and_commissioners.html", "book/chapters/pooling_the_pot.html",
               "book/chapters/integrated_health_organisations.html", "book/timeline.html", *PHONE_CHARTS]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", CHART_PAGES)
def test_in_dark_mode_no_charts_actions_button_covers_it_and_its_text_is_readable(built_book, visit, path, width):
    from tests.explorers.browser import READABILITY_JS

    v = visit(path, width=width, scheme="dark")
    page = v.page
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    page.wait_for_function("() => [...document.querySelectorAll('.vega-embed')].every(d => d.parentElement.vegaView"
                           " || d.vegaView)", timeout=20_000)
    page.wait_for_timeout(300)  # the fit to the column runs after the first draw
    ids = page.evaluate("() => [...document.querySelectorAll('div[id]')].filter(d => d.vegaView).map(d => d.id)")
    assert ids
    for chart in ids:
        # The title and axis labels are in the drawing: the actions button beside it covers none of them.
        seen = page.evaluate(READABILITY_JS, [chart, 11])
        assert seen == {"small": [], "overlapping": [], "actionsOverDrawing": False}, (chart, seen)
    if width in (390, 1366):
        save_screenshot(page, f"charts_dark_{path.replace('/', '_')}_{width}")
    assert v.console_errors == [] and v.outside_requests == []
