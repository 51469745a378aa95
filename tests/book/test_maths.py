"""Formulas are MathML written when the book is built: no page loads MathJax, and a formula the
converter cannot read fails the strict build instead of showing raw TeX."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from coursebook.sphinx.mathml import parts, to_mathml
from tests.support import save_screenshot, site_pages

REFERENCE = "book/model/model_reference.html"
# A script that loads MathJax or configures it (not myst's "mathjax_ignore" class on a section).
LOADS_MATHJAX = re.compile(r"<script[^>]*mathjax|MathJax\s*=", re.I)


def test_a_fraction_becomes_a_mathml_fraction():
    mathml = to_mathml(r"\frac{k I}{C}", "block")
    assert mathml.startswith("<math") and 'display="block"' in mathml
    assert re.search(r"<mfrac>.*<mi>k</mi>.*<mi>I</mi>.*<mi>C</mi>.*</mfrac>", mathml)


@pytest.mark.parametrize("tex, named", [(r"\foo{x} + 1", r"\foo"), (r"\frac{a}{", r"\frac{a}{")])
def test_tex_the_converter_cannot_read_is_refused_with_the_formula_named(tex, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        to_mathml(tex, "inline")


def test_a_display_formula_is_split_into_its_parts_at_a_quad_outside_braces():
    assert parts(r"a = 1, \qquad b = \frac{x}{y} \quad \text{if } x \ge 0") == [
        "a = 1,", r"b = \frac{x}{y}", r"\text{if } x \ge 0"]
    assert parts(r"\text{a \quad b} = c") == [r"\text{a \quad b} = c"]  # inside braces: one part
    assert parts(r"x \quadratic") == [r"x \quadratic"]  # another command that starts the same way


def _sphinx_project(tmp_path: Path, page: str) -> subprocess.CompletedProcess:
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx.ext.mathjax", "coursebook.sphinx.mathml"]\n'
        'myst_enable_extensions = ["dollarmath"]\n')
    (tmp_path / "index.md").write_text(page)
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(tmp_path),
                           str(tmp_path / "_build")], capture_output=True, text=True, timeout=300)


def test_a_page_with_maths_gets_mathml_and_no_mathjax(tmp_path):
    result = _sphinx_project(tmp_path, "# Maths\n\nInline $a_s \\le b$.\n\n$$\n\\sqrt{1-\\rho}\n$$\n")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "_build" / "index.html").read_text()
    assert html.count("<math ") == 2 and "<msqrt>" in html and "<msub>" in html
    assert not LOADS_MATHJAX.search(html)


def test_an_unknown_tex_command_fails_the_strict_build_naming_it(tmp_path):
    result = _sphinx_project(tmp_path, "# Maths\n\n$$\n\\unknowncommand{x}\n$$\n")
    assert result.returncode != 0
    assert "\\unknowncommand" in result.stdout + result.stderr


def test_the_model_reference_shows_every_formula_as_mathml(built_book):
    from coursebook.reference import markdown

    # Every $$ ... $$ of the page's source is one display formula on the page.
    blocks = len(re.findall(r"^\$\$$", markdown(), re.M)) // 2
    html = (built_book / REFERENCE).read_text(encoding="utf-8")
    assert blocks >= 5
    assert html.count('<div class="math notranslate nohighlight">') == blocks
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">') >= blocks
    # No TeX is left as text: no $$, no command such as \theta (a formula broken by a line that
    # Markdown read as a list item would show that way).
    text = re.sub(r"<[^>]+>", "", html)
    assert "$$" not in text and re.findall(r"\\[a-zA-Z]+", text) == []


def test_no_page_loads_mathjax(built_book):
    loading = [p for p in site_pages() if LOADS_MATHJAX.search((built_book / p).read_text(encoding="utf-8"))]
    assert loading == []


def test_the_formulas_are_drawn_by_the_browser(built_book, visit):
    v = visit(REFERENCE)
    page = v.page
    formulas = page.locator("math[display=block]")
    assert formulas.count() >= 5
    # Chromium lays MathML out: a fraction is taller than a line of text, its bar inside the formula.
    box = page.locator("math[display=block] mfrac").first.bounding_box()
    line = page.locator("article p").first.evaluate("p => parseFloat(getComputedStyle(p).lineHeight)")
    assert box["height"] > line
    # A formula in parts reads left to right, in the order it is written.
    order = page.evaluate("""() => [...document.querySelectorAll('div.math')].filter(d => d.children.length > 1)
        .map(d => [...d.children].map(m => Math.round(m.getBoundingClientRect().left)))""")
    assert order and all(lefts == sorted(lefts) for lefts in order), order
    formulas.first.scroll_into_view_if_needed()
    save_screenshot(page, "model_reference_formulas")
    assert v.console_errors == [] and v.outside_requests == []
