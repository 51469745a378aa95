"""Notebook pages with widget apps: a plain snapshot until a kernel is connected, then live.

A widget saved in a notebook is a picture of its state: in the static book its
sliders could be dragged and nothing would recompute. On every page whose
notebook holds widget state this extension

* says at the top that the app is a snapshot and links the static explorer
  that works in the page (from the notebook's ``live_widgets`` metadata);
  a "Run live" button is offered only where a Jupyter server is there to
  run it (see below), so a reader of the public site meets no dead end;
* draws the saved widgets itself, as plain HTML with every control disabled
  (`coursebook.widget_snapshot`), in place of the ipywidgets HTML manager
  (3.6 MB) and the saved state it would read: a snapshot cannot compute, so
  it needs no widget library, only a picture of the app as it was saved;
* adds ``live.js``, which keeps the snapshot out of reach (inert) and, on
  "Run live", loads the vendored Thebe and runs the page's code cells on a
  Jupyter server: the one ``make live`` started (it writes
  ``_static/live-server.json`` into the served copy of the book) or the
  BinderHub/Jupyter server the deployer named in ``_config.yml``
  (``sphinx.config.live_widgets``).

Without a server the button stays hidden and the snapshot is all there is. The
build writes ``_static/live-server.json`` saying "no local server" (``{}``),
which ``make live`` replaces in its copy, so looking for one costs a reader
20 bytes and no failed request. How a deployer points the book at a server:
book/instructors/live_widgets.md; what Binder needs to start the course's
environment is in binder/.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from coursebook.widget_snapshot import Snapshot, UnknownWidget

STATIC = Path(__file__).parent / "static"
THEBE = "vendor/thebe/index.js"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.S)
LOCAL_SERVER_FILE = "live-server.json"  # written by `make live` into the served _static
DEFAULTS = {"jupyter_url": "", "binderhub_url": "", "repository": "", "ref": "main"}


def _notebook_metadata(app: Sphinx, pagename: str) -> dict | None:
    """The notebook's metadata if the page is a notebook that saved widget state, else None."""
    path = Path(app.env.doc2path(pagename))
    if path.suffix != ".ipynb" or not path.is_file():
        return None
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return metadata if WIDGET_STATE in metadata.get("widgets", {}) or "live_widgets" in metadata else None


def _banner(app: Sphinx, pagename: str, metadata: dict) -> str:
    live = metadata.get("live_widgets", {})
    explorer = ""
    if live.get("chapter"):
        if live["chapter"] not in app.env.all_docs:
            raise ExtensionError(f"{pagename}: live_widgets.chapter {live['chapter']!r} is not a page of the book")
        href = app.builder.get_relative_uri(pagename, live["chapter"])
        if live.get("explorer"):
            href += f"#explorer-{live['explorer']}"
        title = html.escape(live.get("explorer_title", "the static explorer"))
        explorer = (f' For an answer in this page, use <a class="carepool-live-explorer" href="{href}">{title}</a>,'
                    " which works without Python.")
    return (
        '<div class="carepool-live-banner" role="note" aria-label="Snapshot of a live app">'
        '<p><strong>Snapshot.</strong> The app below is a picture of the notebook as it was saved: its controls are '
        f"switched off, because without Python running they would change nothing.{explorer}</p>"
        # Hidden until live.js finds a server to run on.
        '<p class="carepool-live-offer" hidden><button type="button" class="carepool-live-run">Run live</button> '
        '<span class="carepool-live-status" aria-live="polite"></span></p></div>'
    )


def _add_to_widget_pages(app: Sphinx, pagename, templatename, context, doctree) -> None:
    metadata = _notebook_metadata(app, pagename)
    if metadata is None or "body" not in context:
        return
    pathto = context["pathto"]
    settings = {**DEFAULTS, **(app.config.live_widgets or {})}
    config = {
        "thebe": pathto(f"_static/{THEBE}", 1),
        "localServer": pathto(f"_static/{LOCAL_SERVER_FILE}", 1),
        "requirejs": pathto("_static/vendor/require.js", 1),
        "notebook": Path(app.env.doc2path(pagename, False)).as_posix(),
        **{k: settings[k] for k in DEFAULTS},
    }
    script = ('<script type="application/json" id="carepool-live-config">'
              + json.dumps(config).replace("</", "<\\/") + "</script>")
    body = _draw_saved_widgets(pagename, context)
    end_of_title = body.find("</h1>")
    cut = end_of_title + len("</h1>") if end_of_title >= 0 else 0
    context["body"] = body[:cut] + _banner(app, pagename, metadata) + script + body[cut:]
    app.add_js_file("live.js", priority=600)
    app.add_js_file("widget-labels.js", priority=600)  # names the live app's sliders
    app.add_css_file("live.css")


def _draw_saved_widgets(pagename: str, context) -> str:
    """The page's body with each saved widget drawn as a snapshot, and the saved state taken
    out of the page's scripts (myst-nb adds it for the ipywidgets manager, which is not loaded)."""
    scripts = context.get("script_files") or []
    saved = [s for s in scripts if (getattr(s, "attributes", None) or {}).get("type") == WIDGET_STATE]
    scripts[:] = [s for s in scripts if s not in saved]
    views = WIDGET_VIEW.findall(context["body"])
    if views and not saved:
        raise ExtensionError(f"{pagename}: the notebook shows widgets but saved no widget state")
    if not views:
        return context["body"]
    snapshot = Snapshot(json.loads(saved[0].attributes["body"]))
    try:
        return WIDGET_VIEW.sub(lambda m: snapshot.html(json.loads(m.group(1))["model_id"]), context["body"])
    except UnknownWidget as err:
        raise ExtensionError(f"{pagename}: {err}") from err


def _write_no_local_server(app: Sphinx, exception) -> None:
    """``_static/live-server.json`` as "no local server": ``make live`` writes its own in its place."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        (static / LOCAL_SERVER_FILE).write_text("{}\n", encoding="utf-8")


def _check_thebe(app: Sphinx) -> None:
    static_dirs = [Path(app.confdir, d) for d in app.config.html_static_path]
    if not any((d / THEBE).is_file() for d in static_dirs):
        raise ExtensionError(f"_static/{THEBE} is missing: run `make setup` (npm ci and scripts/vendor_js.py)")


def _add_static(app: Sphinx, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app: Sphinx) -> dict:
    app.add_config_value("live_widgets", dict(DEFAULTS), "html", types=[dict])
    app.connect("config-inited", _add_static)
    app.connect("builder-inited", _check_thebe)
    app.connect("build-finished", _write_no_local_server)
    # After myst-nb has added the saved widget state to the page's scripts (priority 500).
    app.connect("html-page-context", _add_to_widget_pages, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
