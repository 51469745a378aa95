"""Students' charts need no internet: drawn as SVG in the kernel, they show in JupyterLab,
in formgrader and in feedback with no script to fetch (the browser tests of formgrader and
feedback check those pages; this checks what the notebook itself holds)."""

from __future__ import annotations

import re

from tests.exercises.kit import cells_by_id, read_nb


def test_the_income_chart_a_student_runs_is_an_svg_with_a_line_per_payment(graded):
    notebook = graded.course / "autograded" / "reference" / "paying_providers" / "paying_providers.ipynb"
    outputs = cells_by_id(read_nb(notebook))["income_chart"]["outputs"]
    [data] = [o["data"] for o in outputs if o["output_type"] in ("display_data", "execute_result")]
    svg = data["image/svg+xml"]
    svg = svg if isinstance(svg, str) else "".join(svg)
    assert svg.lstrip().startswith("<svg")
    assert len(re.findall(r'class="mark-line role-mark', svg)) == 4, "one line per payment mechanism"
    # Nothing in the output asks a browser to fetch a script: no HTML output at all.
    assert "text/html" not in data and "<script" not in svg
