"""Altair charts that need no internet, in Jupyter and in the widget apps.

Altair 6 draws a chart in a notebook with Vega loaded from a CDN (its
``default`` and ``html`` renderers), and JupyterLab 4's own Vega renderer
reads Vega-Lite 5 only, not the Vega-Lite 6 that Altair 6 writes: offline,
either way, a chart shows "Error loading script" or nothing. vl-convert
carries Vega and Vega-Lite inside the Python package, so:

* `svg(chart)` draws a chart as SVG in the kernel: the widget apps show it in
  an ``HTML`` widget, which works in JupyterLab, in Thebe and in a saved
  snapshot alike, with no JavaScript library at all;
* `offline()` is the explicit call a notebook makes to draw every chart with
  Altair's ``jupyter`` renderer (anywidget) in offline mode, whose Vega comes
  from vl-convert rather than a CDN. Importing carepool changes nothing.
"""

from __future__ import annotations

import altair as alt


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart drawn as an SVG document, by the Vega-Lite version Altair writes; it shrinks
    to fit a narrow column (it has a viewBox) and never grows past its own size."""
    import vl_convert as vlc

    drawn = vlc.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version())
    return drawn.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


def _vl_version() -> str:
    major, minor, *_ = alt.SCHEMA_VERSION.lstrip("v").split(".")
    return f"{major}.{minor}"


def offline() -> None:
    """Draw this kernel's Altair charts interactively with no request to another host.

    Only replaces Altair's own ``default`` renderer: a kernel whose charts are
    already drawn another way on purpose (the book's build writes them for the
    site's vendored Vega) is left as it is.
    """
    if alt.renderers.active == "default":
        alt.renderers.enable("jupyter", offline=True)
