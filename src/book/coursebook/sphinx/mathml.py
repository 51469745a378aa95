"""Mathematics written as MathML when the book is built, so no page loads MathJax.

Browsers draw MathML themselves (MathML Core), so a page with formulas weighs
what its text weighs: MathJax's TeX-to-HTML bundle alone was 1.16 MB on the
model reference. Each ``$...$`` and ``$$...$$`` is converted by latex2mathml
while the page is written. A formula the converter cannot read, or a command
it does not know (it would be left as a backslash in the output), is a build
warning, which the strict build turns into an error.

MathML does not break a formula across lines, so a display formula made of
parts set apart by ``\\quad`` or ``\\qquad`` (two equations side by side, an
equation and its condition) is written as one formula per part, side by side
where they fit and one under another on a phone.
"""

from __future__ import annotations

import re

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
RENDERER = "mathml"
# Text between tags that still holds a backslash: a TeX command left unconverted.
UNCONVERTED = re.compile(r">([^<]*\\[^<]*)<")
SPACE_BETWEEN_PARTS = re.compile(r"\\q?quad(?![a-zA-Z])")


def parts(latex: str) -> list[str]:
    """A display formula split at each \\quad or \\qquad outside braces, e.g. 'a = 1, \\qquad b = 2'."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(latex):
        if char == "{" and latex[i - 1:i] != "\\":
            depth += 1
        elif char == "}" and latex[i - 1:i] != "\\":
            depth -= 1
        elif char == "\\" and depth == 0 and (m := SPACE_BETWEEN_PARTS.match(latex, i)):
            pieces.append(latex[start:i])
            start = m.end()
    pieces.append(latex[start:])
    return [p.strip() for p in pieces if p.strip()]


def to_mathml(latex: str, display: str) -> str:
    """MathML for one formula; ValueError naming the command it could not convert."""
    try:
        mathml = convert(latex.strip(), display=display)
    except Exception as err:  # latex2mathml raises its own exception classes for bad TeX
        raise ValueError(f"cannot convert {latex.strip()!r} to MathML: {type(err).__name__} {err}") from err
    left = UNCONVERTED.search(mathml)
    if left:
        raise ValueError(f"cannot convert {latex.strip()!r} to MathML: {left.group(1)!r} was left as TeX")
    return mathml


def _write(translator, node, display: str) -> None:
    try:
        if display == "inline":
            mathml = to_mathml(node.astext(), display)
        else:
            mathml = "".join(to_mathml(part, display) for part in parts(node.astext()))
    except ValueError as err:
        logger.warning(str(err), location=node)
        raise nodes.SkipNode from None
    if display == "inline":
        translator.body.append(f'<span class="math">{mathml}</span>')
    else:
        number = ""
        if node.get("number"):
            number = f'<span class="eqno">({node["number"]})</span>'
        ids = f' id="{node["ids"][0]}"' if node.get("ids") else ""
        translator.body.append(f'<div class="math notranslate nohighlight"{ids}>{number}{mathml}</div>\n')
    raise nodes.SkipNode


def visit_math(translator, node) -> None:
    _write(translator, node, "inline")


def visit_displaymath(translator, node) -> None:
    _write(translator, node, "block")


def _choose(app: Sphinx, config) -> None:
    # Jupyter Book always loads sphinx.ext.mathjax; this renderer takes its place.
    config.html_math_renderer = RENDERER


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _choose)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
