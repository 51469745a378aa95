"""ipywidgets apps over the full model, one per lesson, thin over carepool.

Each app puts two scenarios side by side. A scenario is a set of levers: every
lever of MODEL.md (the place, the two links, each service line), the
arrangement and its options, and the upstream investment. Moving a lever
re-runs the lesson's carepool question for that scenario; the app shows the
two scenarios' answers in one chart (Altair, drawn straight from carepool's
frames) and one table. Nothing here does the model's arithmetic. A bad
combination of levers raises the model's own `ModelInputError`.

Sliders come from the lever table (`carepool.levers`): its bounds and step,
and a default that lies exactly on the slider's grid, so that drawing a slider
in the browser (which snaps to the grid) never changes the value.
"""

from __future__ import annotations

import dataclasses

import altair as alt
import ipywidgets as widgets
import pandas as pd

from carepool import charts
from carepool.arrangements import REGISTRY, arrangement
from carepool.levers import Lever, lever
from carepool.place import SERVICES, Links, default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import mean_by_organisation, simulate
from carepool.validation import ModelInputError

# "auto", not "100%": a box stretches its children to its own width, padding included,
# where 100% plus the tab panel's padding would overflow and cut labels off.
FULL_WIDTH = widgets.Layout(width="auto")
SCENARIOS = ("Scenario A", "Scenario B")
PLACE_LEVERS = ("population", "years", "funding_headroom", "shock_correlation", "emergency_marginal_rate",
                "emergency_baseline_lag", "aligned_payment_variable_rate")
LINE_FIELDS = ("activity_per_1000", "unit_cost", "trend_growth", "volatility")


def _decimals(written: str) -> int:
    """Digits after the point of a number written out in full, trailing zeros dropped."""
    return len(written.rstrip("%").rstrip("0").partition(".")[2])


def readout_format(spec: Lever) -> str:
    """A d3 format that shows every value of the lever's grid exactly, with thousands
    separators (never 3.02e+5); fractions as percentages."""
    if spec.unit.startswith("fraction"):
        return f".{_decimals(format(spec.step, '.10%'))}%"
    return f",.{max(_decimals(format(spec.step, '.10f')), _decimals(format(spec.explore_min, '.10f')))}f"


def control(spec: Lever, value=None, description: str | None = None) -> widgets.Widget:
    """The widget for one lever of the lever table: a full-width slider over its explore range
    and step (the label on its own line above it), a checkbox or a dropdown."""
    value = spec.default if value is None else value
    label = spec.label if description is None else description
    if spec.choices is not None:
        if set(spec.choices) == {True, False}:
            return widgets.Checkbox(value=value, description=label, indent=False, layout=FULL_WIDTH)
        return widgets.Dropdown(options=list(spec.choices), value=value, description=label,
                                style={"description_width": "initial"}, layout=FULL_WIDTH)
    common = dict(value=value, min=spec.explore_min, max=spec.explore_max, step=spec.step, description=label,
                  layout=FULL_WIDTH, continuous_update=False, style={"description_width": "0px"},
                  tooltip=f"{label} ({spec.unit})")
    if spec.whole:
        return widgets.IntSlider(**common)
    return widgets.FloatSlider(**common, readout_format=readout_format(spec))


def labelled(spec: Lever, widget: widgets.Widget) -> widgets.Widget:
    """A slider with its label (and unit, on hover) on its own line, never cut off."""
    if not isinstance(widget, (widgets.IntSlider, widgets.FloatSlider)):
        return widget
    label = widgets.HTML(f'<span title="{spec.unit}">{spec.label}</span>', layout=widgets.Layout(margin="6px 0 0 0"))
    return widgets.VBox([label, widget], layout=FULL_WIDTH)


class Levers:
    """Every lever of one scenario; `place()`, `arrangement()` and `investment` read them."""

    def __init__(self, title: str, arrangement_name: str = "silos"):
        self.title = title
        self.specs: dict[str, Lever] = {}
        self.place_levers = self._controls(PLACE_LEVERS)
        self.link_levers = self._controls(f.name for f in dataclasses.fields(Links))
        self.line_levers = self._controls(f"{s}__{attr}" for s in SERVICES for attr in LINE_FIELDS)
        self.investment_line = self._controls(["investment_line"])["investment_line"]
        self.investment = self._controls(["upstream_investment"])["upstream_investment"]
        self.arrangement_name = widgets.Dropdown(options=list(REGISTRY), value=arrangement_name,
                                                 description="Arrangement", layout=FULL_WIDTH,
                                                 style={"description_width": "initial"})
        self.option_levers = {(name, f.name): self._controls([f"{name}.{f.name}"])[f"{name}.{f.name}"]
                              for name, cls in REGISTRY.items() for f in dataclasses.fields(cls)}
        self.options_box = widgets.VBox(layout=FULL_WIDTH)
        self.arrangement_name.observe(lambda _: self._show_options(), names="value")
        self._show_options()

        def group(items):
            return widgets.VBox([labelled(self.specs[k], w) for k, w in items], layout=FULL_WIDTH)

        sections = [("The place", group(self.place_levers.items())),
                    ("Links between services", group(self.link_levers.items()))]
        sections += [(f"Service: {s.replace('_', ' ')}",
                      group((k, w) for k, w in self.line_levers.items() if k.startswith(s + "__")))
                     for s in SERVICES]
        more = widgets.Accordion(children=[w for _, w in sections], titles=tuple(t for t, _ in sections),
                                 layout=FULL_WIDTH)
        self.widget = widgets.VBox([
            self.arrangement_name, self.options_box,
            self.investment_line, labelled(self.specs["upstream_investment"], self.investment),
            widgets.HTML("<b>More levers</b>"), more,
        ], layout=FULL_WIDTH)

    def _controls(self, keys) -> dict[str, widgets.Widget]:
        out = {}
        for key in keys:
            self.specs[key] = lever(key)
            out[key] = control(self.specs[key])
        return out

    def _show_options(self):
        name = self.arrangement_name.value
        self.options_box.children = [labelled(self.specs[f"{n}.{o}"], w)
                                     for (n, o), w in self.option_levers.items() if n == name]

    def controls(self) -> list[widgets.Widget]:
        """Every input widget of the scenario."""
        return [*self.place_levers.values(), *self.link_levers.values(), *self.line_levers.values(),
                self.investment_line, self.investment, self.arrangement_name, *self.option_levers.values()]

    def sliders(self) -> dict[str, widgets.Widget]:
        """Each lever's widget by the name the lever table knows it by."""
        out = {**self.place_levers, **self.link_levers, **self.line_levers,
               "investment_line": self.investment_line, "upstream_investment": self.investment}
        out.update({f"{n}.{o}": w for (n, o), w in self.option_levers.items()})
        return out

    def place(self):
        changes = {k: w.value for k, w in {**self.place_levers, **self.link_levers, **self.line_levers}.items()}
        return default_place(**changes)

    def arrangement(self):
        name = self.arrangement_name.value
        return arrangement(name, **{o: w.value for (n, o), w in self.option_levers.items() if n == name})


class Comparison:
    """Two scenarios side by side: their levers, one chart of both answers and one table, kept up to date.

    ``question(levers)`` is the lesson's carepool question; ``chart(frame)``
    draws the two scenarios' answers (the question's frames with a
    ``scenario`` column) and must not compute anything of its own.
    """

    def __init__(self, title: str, question, chart, arrangements=("silos", "acs"), note: str = ""):
        self.question, self.draw = question, chart
        self.left, self.right = Levers(SCENARIOS[0], arrangements[0]), Levers(SCENARIOS[1], arrangements[1])
        self.results: dict[str, pd.DataFrame] = {}
        self.chart_view = widgets.HTML(layout=widgets.Layout(width="100%", min_height="320px"))
        self.table = widgets.HTML(layout=widgets.Layout(width="100%", overflow="auto"))
        self.error = widgets.HTML()
        self.chart: alt.TopLevelMixin | None = None
        for side in (self.left, self.right):
            self.results[side.title] = question(side)
            for control in side.controls():
                control.observe(lambda _, side=side: self.update(side), names="value")
        self._redraw()
        tabs = widgets.Tab(children=[self.left.widget, self.right.widget], titles=SCENARIOS, layout=FULL_WIDTH)
        # Side by side where there is room; the results wrap under the levers on a narrow screen.
        controls = widgets.VBox([tabs], layout=widgets.Layout(flex="2 1 320px", min_width="300px"))
        results = widgets.VBox([self.error, self.chart_view, self.table],
                               layout=widgets.Layout(flex="3 1 420px", min_width="300px", padding="0 0 0 12px"))
        header = widgets.HTML(f"<h3>{title}</h3>" + (f"<p>{note}</p>" if note else ""))
        self.widget = widgets.VBox([header, widgets.HBox([controls, results],
                                                         layout=widgets.Layout(width="auto", flex_flow="row wrap"))],
                                   layout=FULL_WIDTH)

    def result(self, side: Levers) -> pd.DataFrame:
        return self.results[side.title]

    def frame(self) -> pd.DataFrame:
        """Both scenarios' answers, one table with a ``scenario`` column first."""
        return pd.concat([self.results[s].assign(scenario=s)[["scenario", *self.results[s].columns]]
                          for s in SCENARIOS], ignore_index=True)

    def update(self, side: Levers) -> None:
        """Re-run the question for one scenario; a bad lever value shows the model's message instead."""
        try:
            self.results[side.title] = self.question(side)
        except ModelInputError as error:
            self.error.value = (f'<p role="alert" style="color:#a00"><b>{side.title}:</b> {error} '
                                "(the chart and table still show the last valid values)</p>")
            return
        self.error.value = ""
        self._redraw()

    def _redraw(self) -> None:
        frame = self.frame()
        self.chart = self.draw(frame)
        self.table.value = _table_html(frame)
        self.chart_view.value = charts.svg(self.chart)


def _table_html(frame: pd.DataFrame) -> str:
    """A compact table that fits beside the levers: one "scenario" column (e.g. "Scenario A: silos"),
    organisations' names readable, money with separators, shares as percentages."""
    shown = frame.assign(scenario=frame["scenario"].str.cat(frame["arrangement"], sep=": ")).drop(
        columns="arrangement")
    for column in shown.columns:
        if column in ("chance_of_deficit",):
            shown[column] = shown[column].map("{:.1%}".format)
        elif pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map("{:,.2f}".format if "£m" in column else "{:,.0f}".format)
        elif column == "organisation":
            shown[column] = shown[column].astype(str).str.replace("_", " ")
    shown.columns = [c.replace("_", " ") for c in shown.columns]
    html = shown.to_html(index=False, border=0, classes="carepool-table")
    html = html.replace("<table ", '<table style="font-size:12px;line-height:1.3" ', 1)
    return f'<div style="max-width:100%;overflow-x:auto">{html}</div>'


# The lessons' questions: each runs carepool for one scenario's levers.

def income_by_organisation(levers: Levers) -> pd.DataFrame:
    """Lesson 1: each organisation's mean yearly income, cost and surplus (£m), deterministic run."""
    run = simulate(levers.place(), levers.arrangement(), upstream_investment=levers.investment.value,
                   investment_line=levers.investment_line.value)
    means = mean_by_organisation(run)
    means[["income", "cost", "surplus"]] /= 1e6
    out = means.rename(columns={"income": "income £m", "cost": "cost £m", "surplus": "surplus £m"})
    out.insert(0, "arrangement", levers.arrangement_name.value)
    return out


def who_gains_and_who_pays(levers: Levers) -> pd.DataFrame:
    """Lesson 2: carepool's `wrong_pocket` for the scenario's arrangement and investment."""
    return wrong_pocket(levers.place(), investment_line=levers.investment_line.value,
                        amount=levers.investment.value, arrangements=[levers.arrangement()])


RISK_DRAWS = 2_000  # draws per scenario in the live app: enough to be stable, quick enough to drag


def chance_of_deficit(levers: Levers) -> pd.DataFrame:
    """Lesson 3: carepool's `deficit_risk` for the scenario, against silos with the same shocks
    (silos alone when the scenario is silos, so no row appears twice)."""
    chosen = levers.arrangement()
    return deficit_risk(levers.place(), chosen, draws=RISK_DRAWS,
                        compare_with=None if chosen.name == "silos" else "silos",
                        upstream_investment=levers.investment.value, investment_line=levers.investment_line.value)


# The lessons' charts: two scenarios' frames, drawn as they are.

def _scenario_bars(frame: pd.DataFrame, value: str, title: str, axis_format: str, x_title: str,
                   colour: str = "scenario") -> alt.Chart:
    data = frame.assign(organisation=frame["organisation"].astype(str).str.replace("_", " "))
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("organisation:N", title=None, sort=None, axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset(f"{colour}:N"),
        x=alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=axis_format)),
        color=alt.Color(f"{colour}:N", title=None, legend=alt.Legend(orient="top", labelLimit=300)),
        tooltip=[alt.Tooltip(c, format=axis_format if c == value else "") for c in data.columns
                 if c in ("scenario", "arrangement", "organisation", value)],
    ).properties(title=title, width=380, height=alt.Step(12),
                 description=f"Bar chart: {title.lower()}, by organisation, for each scenario")


def surplus_chart(frame: pd.DataFrame) -> alt.Chart:
    return _scenario_bars(frame.assign(scenario=frame["scenario"].str.cat(frame["arrangement"], sep=": ")),
                          "surplus £m", "Mean yearly surplus of each organisation", ",.1f", "£ million a year")


def wrong_pocket_chart(frame: pd.DataFrame) -> alt.Chart:
    return _scenario_bars(frame.assign(scenario=frame["scenario"].str.cat(frame["arrangement"], sep=": ")),
                          "surplus_change", "Change in each organisation's yearly surplus (negative: it pays)",
                          ",.0f", "£ a year")


def deficit_chart(frame: pd.DataFrame) -> alt.Chart:
    return _scenario_bars(frame.assign(scenario=frame["scenario"].str.cat(frame["arrangement"], sep=": ")),
                          "chance_of_deficit", "Chance of a deficit in a year", ".0%", "share of years in deficit")


def paying_for_activity_app() -> Comparison:
    return Comparison("Paying for activity: income, cost and surplus of each organisation", income_by_organisation,
                      surplus_chart, ("silos", "aco"))


def wrong_pocket_app() -> Comparison:
    return Comparison("The wrong pocket: who gains and who pays", who_gains_and_who_pays, wrong_pocket_chart,
                      ("silos", "section75"))


def sharing_risk_app() -> Comparison:
    return Comparison("Sharing risk: chance of a deficit and a bad year", chance_of_deficit, deficit_chart,
                      ("silos", "acs"))
