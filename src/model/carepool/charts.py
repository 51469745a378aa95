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

The reader's words for the model's codes (an arrangement's, an organisation's,
an investment line's) are kept here, once: the widget apps' menus, legends and
tables and the book's explorers show the same words.
"""

from __future__ import annotations

import altair as alt

ARRANGEMENT_LABELS = {
    "silos": "PCT era: silos",
    "acs": "Accountable care system: risk and gain share",
    "section75": "Pooled fund (Section 75)",
    "aco": "English ACO: capitated contract",
    "mssp": "US shared savings ACO",
    "four_pots": "Four-pot commissioning",
    "icb": "Integrated care board (2022-)",
    "iho": "Integrated health organisation (proposed 2025)",
}
ORGANISATION_LABELS = {
    "nhs_commissioner": "NHS commissioner",
    "acute_trust": "Acute trust",
    "community_provider": "Community provider",
    "gp_practices": "GP practices",
    "local_authority": "Local authority",
    "pooled_fund": "Pooled fund",
    "aco": "ACO",
    "first_contact_pot": "First-contact pot",
    "continuing_care_pot": "Continuing-care pot",
    "planned_specialist_pot": "Planned and specialist pot",
    "public_health_pot": "Public-health pot",
    "icb": "Integrated care board",
    "iho": "Integrated health organisation",
    "system": "Whole system (net)",
}
INVESTMENT_LINE_LABELS = {
    "social_care": "The council, in social care",
    "community": "The NHS commissioner, in community services",
}
# Chart text a phone can read: no chart is drawn smaller than its design on a 390 px screen
# (see carepool.widgets), so these sizes are the sizes a reader sees.
READABLE = {"axis": {"labelFontSize": 12, "titleFontSize": 12, "labelOverlap": True},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "title": {"fontSize": 14}}


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with text sizes a phone can read (axis, legend, title)."""
    return chart.configure_axis(**READABLE["axis"]).configure_legend(**READABLE["legend"]).configure_title(
        **READABLE["title"])


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
