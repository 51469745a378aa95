"""The ``{explorer}`` directive: put one of the book's static explorers on a page.

    ```{explorer} paying-for-activity
    ```

A short "how to use it" paragraph comes first, so the reader knows what to move
before meeting the chart. The chart and its data are computed by `coursebook.explorers` while the page is
read, and written with the book's offline renderer, so the page loads Vega
from ``_static/vendor`` (see `coursebook.sphinx.offline`).
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive

from coursebook import explorers
from coursebook.offline_charts import chart_html


class ExplorerDirective(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        name = self.arguments[0]
        chart = explorers.explorer_chart(name)  # an unknown name raises the model's error
        lead = "How to use it: "
        howto = nodes.paragraph("", "", nodes.strong(lead, lead), nodes.Text(explorers.HOW_TO_USE[name]),
                                classes=["explorer-howto"])
        return [howto, nodes.raw("", chart_html(chart.to_dict()), format="html")]


def setup(app) -> dict:
    app.add_directive("explorer", ExplorerDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
