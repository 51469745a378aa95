"""Serve every script the book needs from the site itself.

The course must work with no internet beyond its own host. This extension
adds Vega and vega-embed, copied into ``_static/vendor`` by
``scripts/vendor_js.py`` from ``npm ci``, to the pages that hold a chart, and
fails the build if the vendored files are missing rather than quietly falling
back to a CDN.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from coursebook.offline_charts import CHART_CLASS

VENDOR = "vendor"
# No Vega-Lite: the book's charts are compiled to Vega when it is built (coursebook.offline_charts).
VEGA_SCRIPTS = ("vega.min.js", "vega-embed.min.js")
STATIC = Path(__file__).parent / "static"
REQUIRED = (*VEGA_SCRIPTS, "require.js")


def _use_vendored_scripts(app: Sphinx, config) -> None:
    # Jupyter Book 1 adds every .js/.css under a static path to every page;
    # vendored files are added only where they are needed.
    config.html_js_files = _without_vendor(config.html_js_files)
    config.html_css_files = _without_vendor(config.html_css_files)
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    # No page loads the ipywidgets manager: saved widgets are drawn at build time
    # (coursebook.sphinx.live), and formulas are MathML (coursebook.sphinx.mathml).
    config.nb_ipywidgets_js = {}


def _without_vendor(files: list) -> list:
    kept = []
    for entry in files:
        name = entry[0] if isinstance(entry, tuple) else entry
        if not name.startswith(f"{VENDOR}/") and entry not in kept:
            kept.append(entry)
    return kept


def _check_vendored_files(app: Sphinx) -> None:
    static_dirs = [Path(app.confdir, d) for d in app.config.html_static_path]
    for name in REQUIRED:
        if not any((d / VENDOR / name).is_file() for d in static_dirs):
            raise ExtensionError(
                f"_static/{VENDOR}/{name} is missing: run `make setup` "
                "(npm ci and scripts/vendor_js.py) before building the book"
            )


def _add_vega_to_chart_pages(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Deferred: on a slow line the page's text is shown while Vega (about 1 MB) loads; the
    # charts' inline scripts queue their drawing, and charts.js, run after Vega and vega-embed
    # (deferred scripts run in order), draws the queue. No AMD loader is on the page when they
    # run (Thebe brings require.js only on "Run live"), so the UMD bundles define window.vega
    # and window.vegaEmbed.
    if CHART_CLASS in context.get("body", ""):
        for i, name in enumerate(VEGA_SCRIPTS):
            app.add_js_file(f"{VENDOR}/{name}", priority=200 + i, defer="defer")
        app.add_js_file("charts.js", priority=210, defer="defer")


def _drop_thebe(app: Sphinx) -> None:
    """Switch off sphinx-thebe, which Jupyter Book 1 always loads.

    The course has no live kernel on its pages, thebe would fetch itself from
    unpkg, and its inline configuration script is added twice per page (a
    console error). Its directive stays registered, so nothing else changes.
    """
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe"):
                app.disconnect(listener.id)
    app.registry.css_files = [
        (name, attrs) for name, attrs in app.registry.css_files if name != "sphinx-thebe.css"
    ]


def setup(app: Sphinx) -> dict:
    # By module name because Jupyter Book 1 always adds sphinx_thebe to the
    # extensions and _config.yml can only add extensions, never remove one.
    if "sphinx_thebe" in app.extensions:
        _drop_thebe(app)
    app.connect("config-inited", _use_vendored_scripts, priority=900)
    app.connect("builder-inited", _check_vendored_files)
    app.connect("html-page-context", _add_vega_to_chart_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
