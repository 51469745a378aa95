"""No model arithmetic outside the model: chart and widget modules only pick and show carepool's numbers.

The check reads the source of every ``explorers.py`` and ``widgets.py`` in the
repository (wherever the restructure puts them) and fails on arithmetic that
could be model arithmetic: any +, -, *, /, //, %, ** or unary minus, and any
call of a summarising function (sum, mean, percentile, ...). Two things are
allowed, because they are not the model's business: dividing by ``MILLION``
(or 1e6) to show pounds as £ million, and arithmetic between literal numbers
or module-level layout constants (``*_WIDTH``, ``*_HEIGHT``, pixel sizes).
Two uses of ``+`` are not arithmetic at all and pass: joining lists or text,
and layering Altair charts (``lines + rule``, where each name was built by an
Altair call such as ``alt.Chart()`` or ``.mark_line()``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART_AND_WIDGET_MODULES = sorted(p for name in ("explorers.py", "widgets.py") for p in (ROOT / "src").rglob(name))
SUMMARIES = {"sum", "mean", "median", "std", "var", "percentile", "quantile", "cumsum", "cumprod", "prod", "diff",
             "minimum", "maximum", "clip", "where", "dot", "average", "nansum", "nanmean", "agg", "aggregate"}
# Functions whose arithmetic is about the page, not the model, with the reason.
ALLOWED_FUNCTIONS = {
    "_slider": "a slider's step is the spacing of the grid of values it offers",
}


def _is_layout(node: ast.AST) -> bool:
    """A literal number, or a module-level layout constant such as WRONG_POCKET_WIDTH."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, str))
    if isinstance(node, ast.Name):
        return node.id.isupper() and node.id.endswith(("_WIDTH", "_HEIGHT", "_SIZE", "_PX"))
    if isinstance(node, ast.BinOp):
        return _is_layout(node.left) and _is_layout(node.right)
    return False


def _is_display_unit(op: ast.AST, right: ast.AST) -> bool:
    return isinstance(op, ast.Div) and (
        (isinstance(right, ast.Name) and right.id == "MILLION")
        or (isinstance(right, ast.Constant) and right.value == 1e6))


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _is_sequence(node: ast.AST) -> bool:
    return isinstance(node, (ast.List, ast.ListComp, ast.Tuple))


CHART_BUILDERS = ("mark_", "encode", "transform_", "properties", "layer", "Chart")


def _builds_a_chart(node: ast.AST) -> bool:
    """An expression made by Altair: a call on ``alt`` or a chart method such as ``.mark_line()``."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if sub.func.attr.startswith(CHART_BUILDERS):
                return True
            if isinstance(sub.func.value, ast.Name) and sub.func.value.id == "alt":
                return True
    return False


def _chart_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _builds_a_chart(node.value):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _is_chart(node: ast.AST, charts: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in charts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_chart(node.left, charts) and _is_chart(node.right, charts)
    return _builds_a_chart(node)


def offences(source: str) -> list[str]:
    """Each piece of possible model arithmetic in a module's source, as 'line: code'."""
    tree = ast.parse(source)
    allowed_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in ALLOWED_FUNCTIONS:
            allowed_lines |= set(range(node.lineno, node.end_lineno + 1))
    charts = _chart_names(tree)
    found = []
    for node in ast.walk(tree):
        bad = False
        if isinstance(node, ast.BinOp) and not isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
            joins = isinstance(node.op, ast.Add) and (
                _is_text(node.left) or _is_text(node.right) or _is_sequence(node.left) or _is_sequence(node.right)
                or (_is_chart(node.left, charts) and _is_chart(node.right, charts)))
            bad = not (_is_display_unit(node.op, node.right) or _is_layout(node) or joins
                       or (isinstance(node.op, ast.Mod) and _is_text(node.left)))
        elif isinstance(node, ast.AugAssign):
            bad = not (_is_display_unit(node.op, node.value)
                       or (isinstance(node.op, ast.Add) and _is_sequence(node.value)))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            bad = not isinstance(node.operand, ast.Constant)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            bad = name in SUMMARIES
        if bad and node.lineno not in allowed_lines:
            found.append(f"{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


def test_the_chart_and_widget_modules_are_found():
    names = {p.name for p in CHART_AND_WIDGET_MODULES}
    assert names == {"explorers.py", "widgets.py"}, CHART_AND_WIDGET_MODULES


@pytest.mark.parametrize("path", CHART_AND_WIDGET_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chart_and_widget_modules_do_no_model_arithmetic(path):
    found = offences(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)} does arithmetic that belongs in the model:\n" + "\n".join(found)


def test_the_check_catches_model_arithmetic_and_lets_display_through():
    """The checker itself: it must flag the arithmetic that moved out of explorers.py."""
    moved_out = '''
def alliance_shares(w):
    return {o: (1 - w) * by_budget[o] + w * equal[o] for o in ORGS}

def net(result):
    return result.groupby("arrangement")["surplus_change"].sum()

def income(baseline, price):
    return baseline * price
'''
    assert len(offences(moved_out)) >= 4
    shown = '''
MILLION = 1e6
PLOT_WIDTH = 480
def show(df):
    df["change"] = (df.pop("surplus_change") / MILLION).round(4)
    label = "£" + "m"
    lines = alt.Chart().mark_line()
    rule = lines.mark_rule()
    cases = []
    cases += [1, 2]
    return PLOT_WIDTH + 5, label, lines + rule
'''
    assert offences(shown) == []
    assert offences("def f(chart, income):\n    return chart + income\n")   # not a chart: arithmetic
