"""Nothing a student's kernel produced runs as script in formgrader or in feedback.

Formgrader's pages are served by the instructor's Jupyter server, on the same
origin as its API: a script there could start a kernel or a terminal with the
instructor's rights. Feedback files carry the same outputs to students. So
every page made from a submission is built in three layers:

- charts are drawn as static SVG at grading time, shown as pictures
  (``<img>``, in which an SVG's own scripts never run): a Vega-Lite output,
  or an Altair chart drawn by scripts, is turned into SVG by vl-convert in
  the sandbox (students' specs never run in the instructor's process), with
  no network; if that cannot be done, the page says so in place of the chart;
- the HTML in outputs and in Markdown (written answers included) is
  sanitised (`clean`: an allow-list of tags, attributes and link schemes;
  anything else is shown as text), and script outputs are dropped;
- the page carries a Content-Security-Policy that lets run only the scripts
  the page itself brings (each with a nonce made for that page), so a case
  the sanitiser missed still cannot run, nor frame anything.

`exercises/nbgrader_config.py` turns these on for both exporters (the filters
`clean_html` and `strip_files_prefix`, and `sanitize_html`);
`offline.OfflineAssets` applies `make_safe` and sets the nonce.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile

from nbconvert.preprocessors.sanitize import SanitizeHTML

TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp",
        "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "u", "ul", "var", "colgroup", "col", "figure", "figcaption", "mark", "q", "cite", "time"}
ATTRIBUTES = {"*": ["class", "id", "title", "lang", "dir", "align"], "a": ["href", "name"],
              "img": ["src", "alt", "width", "height"], "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan", "scope"],
              "col": ["span"], "ol": ["start", "type"], "time": ["datetime"]}


def _allowed(tag: str, name: str, value: str) -> bool:
    return name in ATTRIBUTES.get(tag, []) or name in ATTRIBUTES["*"]


# nbconvert's own sanitiser (bleach), with this allow-list; links keep bleach's schemes only (http, https,
# mailto), so no javascript: and no data: (a picture in Markdown as a data: URL loses its source).
_sanitiser = SanitizeHTML(tags=sorted(TAGS), attributes=_allowed, strip=False, strip_comments=True)


def clean(html) -> str:
    """HTML with only harmless tags, attributes and links kept; anything else shown as text."""
    html = html.decode() if isinstance(html, bytes) else str(html)
    return _sanitiser.sanitize_html_tags(html)


def strip_files_prefix_and_clean(html) -> str:
    """nbconvert's `strip_files_prefix` filter, then `clean`: every Markdown cell's HTML passes through it."""
    from nbconvert.filters.strings import strip_files_prefix

    return clean(strip_files_prefix(html))


def nonce() -> str:
    return secrets.token_urlsafe(18)


# --- outputs -----------------------------------------------------------------------------------

SCRIPT_TYPES = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-view+json",
                "application/vnd.jupyter.widget-state+json")
VEGA_LITE = re.compile(r"application/vnd\.vegalite\.v\d+\+json")
# Altair's HTML renderer ends its script with the spec: })({"$schema": ...}, {"mode": "vega-lite"});
_ALTAIR_CALL = re.compile(r"\}\)\(\s*(?=\{)")
NOT_DRAWN = ("[A chart was here, drawn with scripts; formgrader and feedback show charts as pictures "
             "only, and this one could not be drawn as one: {why}]")


def _spec_in_html(html: str) -> dict | None:
    """The Vega-Lite spec an Altair HTML chart embeds, if it is one."""
    if "vegaEmbed" not in html:
        return None
    for found in _ALTAIR_CALL.finditer(html):
        try:
            spec, _ = json.JSONDecoder().raw_decode(html, found.end())
        except ValueError:
            continue
        if isinstance(spec, dict) and "vega-lite" in str(spec.get("$schema", "")):
            return spec
    return None


def draw_in_sandbox(spec: dict, timeout: float = 60) -> str:
    """SVG for a student's Vega-Lite spec, drawn by vl-convert in the sandbox with no network."""
    from coursegrading import sandbox

    code = ("import json, sys, vl_convert\n"
            "sys.stdout.write(vl_convert.vegalite_to_svg(json.load(sys.stdin), allowed_base_urls=[]))\n")
    with tempfile.TemporaryDirectory(prefix="carepool-chart-") as tmp:
        os.chmod(tmp, 0o755)
        argv = [*sandbox.bwrap_argv(tmp, tmp), sys.executable, "-c", code]
        run = subprocess.run(argv, input=json.dumps(spec), capture_output=True, text=True, timeout=timeout)
    if run.returncode != 0 or not run.stdout.lstrip().startswith("<svg"):
        raise RuntimeError((run.stderr.strip().splitlines() or ["vl-convert failed"])[-1][:300])
    return run.stdout


def make_safe(nb, draw=draw_in_sandbox):
    """Charts as SVG pictures and no script outputs, in place; returns how many charts were redrawn."""
    redrawn = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            spec = next((data[k] for k in data if VEGA_LITE.fullmatch(k)), None)
            if spec is None and "text/html" in data:
                html = data["text/html"]
                spec = _spec_in_html("".join(html) if isinstance(html, list) else html)
            if spec is not None and "image/svg+xml" not in data and "image/png" not in data:
                try:
                    picture = {"image/svg+xml": draw(spec if isinstance(spec, dict) else json.loads(spec))}
                    redrawn += 1
                except Exception as err:  # noqa: BLE001 (whatever went wrong, the page says so)
                    picture = {"text/plain": NOT_DRAWN.format(why=err)}
                output["data"] = picture
                continue
            for kind in [k for k in data if k in SCRIPT_TYPES or VEGA_LITE.fullmatch(k)]:
                del data[kind]
            if not data:
                output["data"] = {"text/plain": "[an output that was only a script: not shown]"}
    return redrawn


# --- the policy --------------------------------------------------------------------------------

def policy(page_nonce: str, served: bool) -> str:
    """The Content-Security-Policy of a page made from a submission.

    `served` (formgrader): the page's own files come from the server ('self');
    a feedback file loads nothing at all.
    """
    own = "'self' " if served else ""
    return "; ".join([
        "default-src 'none'",
        f"script-src 'nonce-{page_nonce}'",
        f"style-src {own}'unsafe-inline'",
        f"img-src {own}data:",
        f"font-src {own}data:",
        f"connect-src {own or chr(39) + 'none' + chr(39)}".strip(),
        "frame-src 'none'", "object-src 'none'", "base-uri 'none'",
        f"form-action {own or chr(39) + 'none' + chr(39)}".strip(),
    ])
