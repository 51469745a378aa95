"""Altair charts in the static book, drawn with the site's own Vega.

Altair's HTML output loads Vega from a CDN. The book's kernels instead use
this package's Altair renderer, ``coursebook-offline`` (registered in its
entry points; the build switches it on in every kernel, see
``scripts/build_book.py``), which writes each chart as a ``<div>`` plus an
inline call to ``vegaEmbed``, queued until the page's deferred scripts (Vega
and vega-embed from ``_static/vendor``, then ``charts.js``) have loaded, so
the text is shown first (see ``coursebook.sphinx.offline``).

Each Vega-Lite spec is compiled to Vega here, when the page is built (by
vl-convert, at the Vega-Lite version the site used to load), so a page loads
Vega and vega-embed but not the Vega-Lite compiler (250 kB).
"""

from __future__ import annotations

import json
import uuid

import vl_convert

CHART_CLASS = "carepool-chart"

# Text no smaller than 11 px (Vega's defaults are 10 px, too small to read on a phone), and an axis
# keeps a gap between its labels, hiding every other one where they would touch ("-25-20" at 390 px).
READABLE = {"axis": {"labelFontSize": 11, "titleFontSize": 11, "labelOverlap": "parity", "labelSeparation": 6},
            "legend": {"labelFontSize": 11, "titleFontSize": 11}, "text": {"fontSize": 11},
            "title": {"fontSize": 13, "subtitleFontSize": 11}}
# Export buttons work offline; the "open in editor" action would leave the site.
EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False},
                 "config": READABLE}
# The Vega-Lite that compiles the book's specs: the version of package-lock.json's vega-lite.
VEGA_LITE_VERSION = "6.4"


def to_vega(spec: dict) -> dict:
    """A Vega spec for a Vega-Lite one (a Vega spec is returned as it is)."""
    if "/schema/vega/" in spec.get("$schema", ""):
        return spec
    return vl_convert.vegalite_to_vega(spec, vl_version=VEGA_LITE_VERSION)


def chart_html(spec: dict, description: str | None = None) -> str:
    """HTML that draws a Vega-Lite spec with the page's own vegaEmbed.

    A chart whose ``usermeta`` names an ``explorer`` gets a stable id and a
    scenario link for its bound inputs (see ``sphinx/static/charts.js``).
    """
    explorer = (spec.get("usermeta") or {}).get("explorer")
    div_id = f"explorer-{explorer}" if explorer else f"chart-{uuid.uuid4().hex[:12]}"
    desc = description or spec.get("description") or _title_text(spec)
    attrs = f' role="figure" aria-label="{_escape_attr(desc)}"' if desc else ""
    if spec.get("width") == "container":
        attrs += ' data-width="container"'  # Vega fits it to the column; charts.js leaves it alone
    if explorer:
        bindings = input_bindings(spec)
        applies = (spec.get("usermeta") or {}).get("applies", {})
        attrs += (f' data-explorer="{_escape_attr(explorer)}"'
                  f' data-bindings="{_escape_attr(json.dumps(bindings))}"'
                  f' data-applies="{_escape_attr(json.dumps(applies))}"')

    # </ inside JSON would end the script element early.
    spec_json = json.dumps(to_vega(spec), sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    options = json.dumps(EMBED_OPTIONS)
    # Queued, not called: Vega loads after the page's text is shown (deferred scripts), and
    # charts.js draws the queue once it has (see sphinx/offline.py).
    return (
        f'<div id="{div_id}" class="{CHART_CLASS}"{attrs}></div>\n'
        '<script type="text/javascript">\n'
        "(window.carepoolChartQueue = window.carepoolChartQueue || []).push(function () {\n"
        f'vegaEmbed("#{div_id}", {spec_json}, {options})'
        ".then(function (result) {"
        f' var div = document.getElementById("{div_id}"); div.vegaView = result.view;'
        " if (window.carepoolCharts) window.carepoolCharts.attach(div, result.view); })"
        ".catch(function (err) { console.error(err);"
        " if (window.carepoolCharts) window.carepoolCharts.failed(); });\n"
        "});\n"
        "</script>"
    )


def _bound_params(spec) -> list[dict]:
    """The parameters bound to an input element, anywhere in a spec, each once."""
    found: dict[str, dict] = {}

    def walk(node):
        if isinstance(node, dict):
            for param in node.get("params") or []:
                if isinstance(param, dict) and "bind" in param and param["name"] not in found:
                    found[param["name"]] = param
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return list(found.values())


def bound_inputs(spec) -> list[str]:
    """Names of the parameters bound to an input element, anywhere in a spec."""
    return [param["name"] for param in _bound_params(spec)]


def input_bindings(spec) -> dict[str, dict]:
    """What each bound input accepts, for checking the values a scenario link asks for.

    {name: {"label": ..., "options": [...], "labels": [...]}} for a menu or radio buttons,
    {name: {"label": ..., "min": ..., "max": ..., "step": ...}} for a slider.
    """
    bindings = {}
    for param in _bound_params(spec):
        bind = param["bind"]
        label = (bind.get("name") or param["name"]).strip()
        if "options" in bind:
            # The words the reader sees for each option (the menu's labels) as well as the values.
            bindings[param["name"]] = {"label": label, "options": list(bind["options"]),
                                       "labels": [str(x) for x in bind.get("labels") or bind["options"]]}
        elif bind.get("input") == "range":
            bindings[param["name"]] = {"label": label, "min": bind["min"], "max": bind["max"],
                                       "step": bind.get("step", 1)}
        else:
            bindings[param["name"]] = {"label": label}
    return bindings


def render(spec: dict, **metadata) -> dict:
    """Altair renderer (entry point ``coursebook-offline``): a MIME bundle with only HTML."""
    return {"text/html": chart_html(spec)}


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(title)
    return title or ""


def _escape_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
