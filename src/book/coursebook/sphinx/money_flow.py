"""The ``{money-flow}`` directive: who pays whom under an arrangement, as a figure.

    ```{money-flow} silos
    :caption: In the PCT era the commissioner paid each provider separately.
    ```

Several names draw the diagrams side by side (stacked on a narrow screen);
``all`` draws every arrangement the model has, one figure each under a heading
of its own. The flows are
read from the model (`carepool.flows.money_flows`) while the page is read, and
drawn by `coursebook.flow_diagrams`; each figure carries its flows in words.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from carepool.arrangements import arrangement_names
from carepool.flows import money_flows
from carepool.validation import ModelInputError
from coursebook.flow_diagrams import figure_html

EVERY = "all"


AMOUNTS = "Amounts are the course's model's, for one year of expected demand in its default place."


def _default_caption(titles: list[str]) -> str:
    return "Who pays whom: " + "; ".join(titles) + "."


class MoneyFlowDirective(Directive):
    required_arguments = 1
    optional_arguments = 5
    has_content = False
    option_spec = {"caption": directives.unchanged}

    def run(self):
        names = list(self.arguments)
        docname = self.state.document.settings.env.docname.replace("/", "-")
        if names == [EVERY]:
            figures = []
            for name in arrangement_names():
                flows = money_flows(name)
                # A heading for each, which the page's contents list (coursebook.sphinx.theme).
                figures.append(f'<h2 class="rubric" id="flows-{name}">{escape(flows.title)}</h2>')
                figures.append(figure_html([flows], f"{_default_caption([flows.title])} {AMOUNTS}",
                                           f"{docname}-{self.lineno}-{name}"))
            return [nodes.raw("", "\n".join(figures), format="html")]
        try:
            drawn = [money_flows(name) for name in names]
        except ModelInputError as err:  # names the allowed arrangements
            raise self.error(f"money-flow: {err}") from err
        caption = f'{self.options.get("caption") or _default_caption([f.title for f in drawn])} {AMOUNTS}'
        return [nodes.raw("", figure_html(drawn, caption, f"{docname}-{self.lineno}"), format="html")]


def setup(app) -> dict:
    app.add_directive("money-flow", MoneyFlowDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
