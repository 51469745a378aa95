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
  which in turn loads none of the styles and scripts for what only a page of
  the book holds (notebook cells, design components, toggles, copy buttons).
- Accessibility: the sidebar's search button is named by what it shows
  (``templates/search-button-field.html``, the name the sidebar asks for).
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


# Styles and scripts for the content of the book's pages, which the search page does not have.
PAGE_CONTENT_ASSETS = re.compile(
    r"(?:^|/)(?:mystnb\.[0-9a-f]+\.css|sphinx-design\.min\.css|togglebutton\.(?:css|js)"
    r"|copybutton\.(?:css|js)|clipboard\.min\.js|design-tabs\.js)$")


def _search_page_without_content_assets(app: Sphinx, pagename: str, templatename: str, context: dict,
                                        doctree) -> None:
    # Sphinx restores its lists of files after each page, so this changes the search page only.
    if pagename != "search":
        return
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if isinstance(files, list):
            files[:] = [f for f in files if not PAGE_CONTENT_ASSETS.search(str(getattr(f, "filename", f) or ""))]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure_theme)
    app.connect("builder-inited", _add_filter)
    app.connect("html-page-context", _search_page_without_content_assets, priority=900)
    app.add_css_file("reading.css")
    app.add_js_file("table-labels.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
