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
  its icons from the web fonts. MathJax is loaded only on pages that hold
  maths themselves: Sphinx counts the maths of every page in a page's
  toctree, so the front page loaded it for the whole book. The search index
  and its scripts load only on the search page (search-as-you-type is off).
- Accessibility: the sidebar's search button is named by what it shows
  (``templates/search-button-field.html``, the name the sidebar asks for).
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup
from sphinx.application import Sphinx

TEMPLATES = Path(__file__).parent / "templates"
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
    # Read by pydata-sphinx-theme at builder-inited, after this.
    config.html_theme_options.setdefault("navbar_persistent", [])


def _add_filter(app: Sphinx) -> None:
    if hasattr(app.builder, "templates"):
        filters = app.builder.templates.environment.filters
        filters["without_icon_script"] = without_icon_script
        filters["without_search_scripts"] = without_search_scripts


def _is_mathjax(script) -> bool:
    filename = getattr(script, "filename", "") or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return filename.endswith("mathjax/tex-chtml.js") or body.startswith("window.MathJax")


def _mathjax_only_where_maths(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    math = app.env.get_domain("math")
    if math.data["has_equations"].get(pagename):
        return
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        scripts[:] = [s for s in scripts if not _is_mathjax(s)]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure_theme)
    app.connect("builder-inited", _add_filter)
    # After sphinx.ext.mathjax has added its scripts (priority 500).
    app.connect("html-page-context", _mathjax_only_where_maths, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
