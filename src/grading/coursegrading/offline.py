"""Feedback and formgrader pages that load nothing from outside, and run nothing a student made.

nbconvert's templates, which nbgrader's feedback and formgrader pages extend,
load MathJax 2.7.7 from a CDN. Off line, or behind a campus firewall, the
student and the instructor would see "Error loading script" instead.

- `template_paths` puts this package's templates first (see
  `exercises/nbgrader_config.py`): nbgrader's pages with a
  Content-Security-Policy, the scripts `OfflineAssets` chose put ahead of
  the notebook, and a `mathjax()` macro that loads nothing.
- `OfflineAssets`, a preprocessor run for feedback and formgrader, makes the
  notebook safe to show (`safe_html.make_safe`: charts as SVG pictures, no
  script outputs), makes the page's nonce, and puts the course's own MathJax
  (`node_modules`, pinned by `package-lock.json`, fetched by `make setup`)
  in the page itself when the notebook has maths; MathJax 3's SVG output
  needs no web fonts. A feedback page is one file students can open anywhere.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from coursegrading import safe_html

TEMPLATES = Path(__file__).parent / "templates"
# The script, under node_modules (npm ci, pinned by package-lock.json).
MATHJAX = "mathjax/es5/tex-svg-full.js"  # every TeX extension built in, so nothing is fetched later
MATHS = re.compile(r"\$\$|\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


class VendoredScriptsMissing(FileNotFoundError):
    """The course's copies of the scripts are not there (make setup fetches them)."""


def default_node_modules() -> str:
    """The repository's node_modules (the course is used from its clone), or $COURSE_NODE_MODULES."""
    given = os.environ.get("COURSE_NODE_MODULES")
    if given:
        return given
    for folder in Path(__file__).resolve().parents:
        if (folder / "package-lock.json").is_file():
            return str(folder / "node_modules")
    return "node_modules"


def template_paths(template_name: str) -> list[str]:
    """The template search path for nbgrader's `feedback` or `formgrade` page, with the offline macros first."""
    from nbconvert.exporters import HTMLExporter

    import nbgrader

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    # The stylesheet nbgrader's feedback page takes in (nbgrader adds it to the default path only).
    bootstrap = formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    exporter = HTMLExporter(template_name=template_name, extra_template_basedirs=[str(formgrader / "templates")])
    return [str(TEMPLATES / f"offline_{template_name}"), str(TEMPLATES / "offline"), *exporter.template_paths,
            str(formgrader / "templates"), str(bootstrap)]


def _script(source: str, page_nonce: str) -> str:
    # A script's text ends at the first "</script", wherever it is.
    return f'<script nonce="{page_nonce}">\n' + source.replace("</script", "<\\/script") + "\n</script>\n"


def has_maths(nb) -> bool:
    return any(cell.cell_type == "markdown" and MATHS.search(cell.source) for cell in nb.cells)


class OfflineAssets(Preprocessor):
    """Make the notebook safe to show, make the page's nonce, and choose the vendored MathJax if it has maths."""

    enabled = Bool(True).tag(config=True)
    node_modules = Unicode(help="where the course's vendored scripts are (the repository's node_modules)"
                           ).tag(config=True)

    def _read(self, relative: str) -> str:
        path = Path(self.node_modules or default_node_modules()) / relative
        if not path.is_file():
            raise VendoredScriptsMissing(f"{path} is missing: run `make setup` (npm ci) in the course repository, "
                                         "or set COURSE_NODE_MODULES to a node_modules that holds it")
        return path.read_text(encoding="utf-8")

    def preprocess(self, nb, resources):
        safe_html.make_safe(nb)
        page_nonce = resources["course_csp_nonce"] = safe_html.nonce()
        resources["course_csp_served"] = safe_html.policy(page_nonce, served=True)
        resources["course_csp_file"] = safe_html.policy(page_nonce, served=False)
        head = []
        if has_maths(nb):
            config = {"tex": {"inlineMath": [["$", "$"], ["\\(", "\\)"]], "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
                              "processEscapes": True},
                      "svg": {"fontCache": "global"}, "options": {"enableMenu": False}}
            head.append(_script(f"window.MathJax = {json.dumps(config)};", page_nonce))
            head.append(_script(self._read(MATHJAX), page_nonce))
        resources["course_offline_head"] = "".join(head)
        return nb, resources
