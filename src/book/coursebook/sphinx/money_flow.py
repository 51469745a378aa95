"""The ``{money-flow}`` directive: who pays whom under an arrangement, as a figure.

    ```{money-flow} silos
    :caption: In the PCT era the commissioner paid each provider separately.
    ```

Several names draw the diagrams side by side (stacked on a narrow screen);
``all`` draws every arrangement the model has, one figure each under a heading
of its own. The flows are
read from the model (`carepool.flows.money_flows`) while the page is read, and
drawn by `coursebook.flow_diagrams`; each figure carries its flows in words.

Each is a Sphinx figure with its caption, so it is numbered with the book's
other figures (numfig) and ``:name:`` makes it a target for ``{numref}``.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from carepool.arrangements import arrangement_names
from carepool.flows import money_flows
from carepool.validation import ModelInputError
from coursebook.flow_diagrams import diagrams_html, words_html

EVERY = "all"


AMOUNTS = "Amounts are the course's model's, for one year of expected demand in its default place."


def _default_caption(titles: list[str]) -> str:
    return "Who pays whom: " + "; ".join(titles) + "."


def figure(drawn: list, caption: str, uid: str, ids: list[str]) -> nodes.figure:
    """The diagrams, a caption Sphinx numbers, and the flows in words as the figure's legend."""
    return nodes.figure("", nodes.raw("", diagrams_html(drawn, uid), format="html"),
                        nodes.caption("", caption),
                        nodes.legend("", nodes.raw("", words_html(drawn), format="html")),
                        classes=["money-flow"], ids=ids)


class MoneyFlowDirective(Directive):
    required_arguments = 1
    optional_arguments = 5
    has_content = False
    option_spec = {"caption": directives.unchanged, "name": directives.unchanged}

    def _figure(self, drawn: list, caption: str, uid: str, named: bool) -> nodes.figure:
        """The figure with an id of its own in the page: its ``:name:`` (a target for ``{numref}``)
        or one made from the arrangements' names."""
        document = self.state.document
        name = self.options.get("name") if named else None
        wanted = nodes.make_id(name or "fig-flows-" + "-".join(f.arrangement for f in drawn))
        fig = figure(drawn, caption, uid, [wanted if wanted not in document.ids else f"{wanted}-{self.lineno}"])
        if name:
            fig["names"].append(nodes.fully_normalize_name(name))
            document.note_explicit_target(fig, fig)
        else:
            document.set_id(fig)
        return fig

    def run(self):
        names = list(self.arguments)
        docname = self.state.document.settings.env.docname.replace("/", "-")
        if names == [EVERY]:
            out = []
            for name in arrangement_names():
                flows = money_flows(name)
                # A heading for each, which the page's contents list (coursebook.sphinx.theme).
                out.append(nodes.raw("", f'<h2 class="rubric" id="flows-{name}">{escape(flows.title)}</h2>',
                                     format="html"))
                out.append(self._figure([flows], f"{_default_caption([flows.title])} {AMOUNTS}",
                                        f"{docname}-{self.lineno}-{name}", named=False))
            return out
        try:
            drawn = [money_flows(name) for name in names]
        except ModelInputError as err:  # names the allowed arrangements
            raise self.error(f"money-flow: {err}") from err
        caption = f'{self.options.get("caption") or _default_caption([f.title for f in drawn])} {AMOUNTS}'
        return [self._figure(drawn, caption, f"{docname}-{self.lineno}", named=True)]


def setup(app) -> dict:
    app.add_directive("money-flow", MoneyFlowDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
