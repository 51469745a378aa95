"""The theme's pages as a reader on a phone or a slow line needs them.

sphinx-book-theme (on pydata-sphinx-theme) gives every page more than the
course needs and, in two places, markup that does not work:

- Navigation and search: pydata-sphinx-theme 0.17 puts a search field in the
  site header unless ``navbar_persistent`` is set, which makes the theme draw
  the header's inner bar, hidden by sphinx-book-theme, with its own "menu" and
  "on this page" buttons. The theme's scripts bind the *first*
  ``.primary-toggle`` and ``.secondary-toggle`` on the page, which are those
  hidden ones, so the visible buttons in the article header did nothing, and
  desktop pages had two search boxes. Setting ``navbar_persistent`` to nothing
  leaves the header bar out: the scripts bind the buttons a reader can press,
  and search is the sidebar's field (the article header's button on a phone).
- Weight: a 1.5 MB Font Awesome script, only needed to draw custom icons as
  SVG, is dropped (``templates/layout.html``); the theme's stylesheet draws
  its icons from the web fonts. No page loads MathJax: formulas are MathML,
  written at build time (``coursebook.sphinx.mathml``). The search index
  and its scripts load only on the search page (search-as-you-type is off),
  where ``static/search-ranking.js`` puts phrases and titles first,
  which in turn loads none of the styles and scripts for what only a page of
  the book holds (notebook cells, design components, toggles, copy buttons).
- Accessibility: the sidebar's search button is named by what it shows
  (``templates/search-button-field.html``, the name the sidebar asks for).
- Drawers: a link chosen in the menu or the page's contents closes the drawer
  before going where it points, and "Back to top" hides while it would cover
  a control or a link (``static/page-navigation.js``).
- Slow lines: every script file in a page's head is deferred, and the one that
  must run in place (documentation_options.js) is written into the page, so the
  text is drawn first; a page loads the styles and
  scripts of notebook cells, design components, toggles, code (highlighting,
  copy buttons) and primary sources only if it holds one; the colour mode is set by a line in the page, not a file.
- Contents: a long page whose headings are not sections (the model
  reference, written by a notebook cell; the money flows, by a directive) gets
  an "On this page" list of them at its head, as the theme gives other pages.
- Phones: a long name in running text (a path, a command) breaks at the
  column's edge instead of widening the page, a word in a table only at its
  column's edge (``static/reading.css``), and a
  table of three or more columns that does not fit is read one row at a time
  (``static/table-labels.js``).
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup
from sphinx.application import Sphinx

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
ICON_SCRIPT = re.compile(r'\s*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>')


def without_icon_script(html: str) -> Markup:
    """The theme's head markup without its Font Awesome script tag."""
    return Markup(ICON_SCRIPT.sub("", str(html)))


SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>')


def without_search_scripts(html: str, pagename: str) -> Markup:
    """The theme's extra head markup without the search index and its scripts, except on the search page."""
    return Markup(html) if pagename == "search" else Markup(SEARCH_SCRIPTS.sub("", str(html)))


def _configure_theme(app: Sphinx, config) -> None:
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]
    # Read by pydata-sphinx-theme at builder-inited, after this.
    config.html_theme_options.setdefault("navbar_persistent", [])


def _add_filter(app: Sphinx) -> None:
    if hasattr(app.builder, "templates"):
        filters = app.builder.templates.environment.filters
        filters["without_icon_script"] = without_icon_script
        filters["without_search_scripts"] = without_search_scripts


# Styles and scripts for what a page of the book may hold, each with the mark its markup leaves in the
# page's body: a page without it (the search page, a chapter with no code) loads neither. On a slow
# line each file is a round trip before the page can be drawn.
def _class(pattern: str) -> re.Pattern:
    """A class attribute holding a class that matches ``pattern`` whole."""
    return re.compile(r'class="(?:[^"]*\s)?(?:' + pattern + r')(?:\s[^"]*)?"')


PAGE_CONTENT_ASSETS = {
    re.compile(r"(?:^|/)mystnb\.[0-9a-f]+\.css$"): _class(r"cell|cell_output|cell_input|output"),
    re.compile(r"(?:^|/)(?:sphinx-design\.min\.css|design-tabs\.js)$"): _class(r"sd-[\w-]+"),
    re.compile(r"(?:^|/)togglebutton\.(?:css|js)$"): _class(r"toggle|dropdown"),
    re.compile(r"(?:^|/)(?:copybutton\.(?:css|js)|clipboard\.min\.js|pygments\.css)$"): _class(r"highlight"),
    re.compile(r"(?:^|/)carepool-sources\.css$"): _class(r"source-[\w-]+"),
}


def _unused(name: str, body: str) -> bool:
    return any(asset.search(name) and not mark.search(body) for asset, mark in PAGE_CONTENT_ASSETS.items())


def _page_without_unused_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Sphinx restores its lists of files after each page, so this changes the one page only.
    body = context.get("body", "") if pagename != "search" else ""
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if isinstance(files, list):
            files[:] = [f for f in files if not _unused(str(getattr(f, "filename", f) or "").split("?")[0], body)]


# A heading with an id in a page's body: a section's, a rubric's (what a notebook cell's Markdown output
# or a directive gives), or one written by a directive.
HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
HEADER_LINK = re.compile(r'<a class="headerlink".*?</a>', re.S)
TAG = re.compile(r"<[^>]+>")


def page_contents(body: str) -> str:
    """A list of the page's headings, for a long page whose headings are not sections (so the theme
    gives it no "On this page"), placed before the first of them; other pages are left as they are."""
    if body.count("<section") > 1:
        return body  # the theme lists the sections
    headings = list(HEADING.finditer(body))
    if len(headings) < 3:
        return body
    items, open_sub = [], False
    for level, anchor, text in (m.groups() for m in headings):
        name = TAG.sub("", HEADER_LINK.sub("", text)).strip()
        link = f'<a href="#{anchor}">{name}</a>'
        if level == "3" and items:
            items.append(("" if open_sub else "<ul>") + f"<li>{link}</li>")
            open_sub = True
        else:
            items.append(("</ul></li>" if open_sub else ("</li>" if items else "")) + f"<li>{link}")
            open_sub = False
    items.append("</ul></li>" if open_sub else "</li>")
    nav = ('<nav class="page-contents" aria-labelledby="page-contents-title">'
           '<p class="page-contents-title" id="page-contents-title">On this page</p>'
           f'<ul>{"".join(items)}</ul></nav>')
    first = headings[0].start()
    return body[:first] + nav + body[first:]


DOCUMENTATION_OPTIONS = re.compile(r"(?:^|/)documentation_options\.js$")


def _defer_page_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Every script file in the page's head deferred, so on a slow line the text is drawn while they
    load (they still run in order, before DOMContentLoaded). documentation_options.js defines
    DOCUMENTATION_OPTIONS, which inline scripts after it extend, so it must run where it stands: its
    few lines are written into the page instead (a file would be a round trip before the page is drawn)."""
    from sphinx.builders.html._assets import _JavaScript

    files = context.get("script_files")
    if not isinstance(files, list) or pagename == "search":  # its index script needs searchtools.js first
        return
    for i, js in enumerate(files):
        name = str(getattr(js, "filename", "") or "").split("?")[0]
        attributes = dict(getattr(js, "attributes", None) or {})
        if not name or {"defer", "async", "body"} & set(attributes):
            continue
        if DOCUMENTATION_OPTIONS.search(name):
            files[i] = _JavaScript(None, priority=js.priority, body=_documentation_options(app, context))
        else:
            files[i] = _JavaScript(js.filename, priority=js.priority, **attributes, defer="defer")


def _documentation_options(app: Sphinx, context: dict) -> str:
    """documentation_options.js as Sphinx writes it, from its template in the basic theme."""
    import sphinx

    template = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "documentation_options.js.jinja"
    return app.builder.templates.environment.from_string(template.read_text(encoding="utf-8")).render(context)


def _rank_search_by_phrase(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The search page re-orders Sphinx's results: a query's whole phrase in a title, then in a page."""
    from sphinx.builders.html._assets import _JavaScript

    files = context.get("script_files")
    if pagename == "search" and isinstance(files, list):
        files.append(_JavaScript("_static/search-ranking.js", defer="defer"))


def _add_page_contents(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = page_contents(context["body"])


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure_theme)
    app.connect("builder-inited", _add_filter)
    app.connect("html-page-context", _page_without_unused_assets, priority=900)
    app.connect("html-page-context", _add_page_contents, priority=950)
    app.connect("html-page-context", _defer_page_scripts, priority=990)
    app.connect("html-page-context", _rank_search_by_phrase, priority=995)
    app.add_css_file("reading.css")
    # Before the page is drawn, in the page itself (a file would be one more round trip): a first-time
    # visitor starts on the system's colour scheme; without a stored mode pydata-sphinx-theme logs an error.
    app.add_js_file(None, priority=100, body='if (!document.documentElement.dataset.mode) '
                                             '{ document.documentElement.dataset.mode = "auto"; }')
    app.add_js_file("table-labels.js", defer="defer")
    app.add_js_file("page-navigation.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
