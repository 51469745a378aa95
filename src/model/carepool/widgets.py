"""ipywidgets apps over the full model, one per lesson, thin over carepool.

Each app puts two scenarios side by side. A scenario is a set of levers: every
lever of MODEL.md (the place, the two links, each service line), the
arrangement and its options, and the upstream investment. Moving a lever
re-runs the lesson's carepool question for that scenario; the app shows the
two scenarios' answers in one chart (Altair, drawn straight from carepool's
frames) and short tables, an organisation a row and a scenario a column, in
the reader's words and in £ million. Nothing here does the model's arithmetic
(it only changes pounds to £ million). A bad
combination of levers raises the model's own `ModelInputError`.

Sliders come from the lever table (`carepool.levers`): its bounds and step,
and a default that lies exactly on the slider's grid, so that drawing a slider
in the browser (which snaps to the grid) never changes the value.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass

import altair as alt
import ipywidgets as widgets
import pandas as pd

from carepool import charts
from carepool.arrangements import REGISTRY, arrangement
from carepool.charts import ARRANGEMENT_LABELS, INVESTMENT_LINE_LABELS, ORGANISATION_LABELS
from carepool.levers import Lever, lever
from carepool.parameters import default
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
# A menu shows the reader's words; the model gets the code behind them.
CHOICE_LABELS = {"simulation.investment_line": INVESTMENT_LINE_LABELS}
MILLION = 1e6
# Drawn no wider than a phone's column (about 330 px at 390 px), a chart is never shrunk there,
# so its text keeps the sizes carepool.charts.READABLE gives it.
CHART_WIDTH = 170
ORGANISATION_LABEL_LIMIT = 120


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
        words = CHOICE_LABELS.get(spec.key, {})
        return widgets.Dropdown(options=[(words.get(c, str(c)), c) for c in spec.choices], value=value,
                                description=label,
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
        self.arrangement_name = widgets.Dropdown(options=[(ARRANGEMENT_LABELS.get(n, REGISTRY[n].title), n)
                                                          for n in REGISTRY], value=arrangement_name,
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


@dataclass(frozen=True)
class Measure:
    """One figure a lesson shows for each organisation: the question's column, what it is, and how to print it."""

    column: str
    title: str
    kind: str = "money"  # "money" (in £), "money_m" (already in £ million), "change" (signed, in £), "share"

    def shown(self, frame: pd.DataFrame) -> pd.Series:
        """The column in the unit the reader reads: money in £ million, shares as fractions."""
        values = frame[self.column].astype(float)
        return values if self.kind in ("money_m", "share") else values / MILLION

    def text(self, value: float) -> str:
        """One value as the tables print it: "−£1.2m", "+£0.4m", "45.4%"."""
        if self.kind == "share":
            return f"{value:.1%}"
        sign = "\u2212" if value < -0.05 else "+" if self.kind == "change" and value >= 0.05 else ""
        return f"{sign}£{abs(value):,.1f}m"

    @property
    def axis_format(self) -> str:
        return ".0%" if self.kind == "share" else ",.1f"

    @property
    def axis_title(self) -> str:
        return "share of years" if self.kind == "share" else "£ million a year"


class Comparison:
    """Two scenarios side by side: their levers, one chart of both answers and short tables, kept up to date.

    ``question(levers)`` is the lesson's carepool question; ``chart`` is the
    `Measure` the chart draws and ``tables`` those the tables print, one table
    each (an organisation a row, a scenario a column). Neither computes
    anything of its own.
    """

    def __init__(self, title: str, question, chart: Measure, tables: tuple[Measure, ...],
                 arrangements=("silos", "acs"), note: str = ""):
        self.question, self.measure, self.measures = question, chart, tables
        self.left, self.right = Levers(SCENARIOS[0], arrangements[0]), Levers(SCENARIOS[1], arrangements[1])
        self.results: dict[str, pd.DataFrame] = {}
        self.chart_view = widgets.HTML(layout=widgets.Layout(width="100%"))
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
        self.chart = scenario_bars(frame, self.measure)
        self.table.value = "".join(scenario_table(frame, m) for m in self.measures)
        self.chart_view.value = "".join([_which_arrangement(self.left, self.right), charts.svg(self.chart)])


def _which_arrangement(*sides: Levers) -> str:
    """The arrangement each scenario uses, in the menu's words, as a line of text above the chart
    (text wraps on a phone, where a legend this long would be cut off)."""
    parts = [f"{html.escape(side.title)}: <b>{html.escape(ARRANGEMENT_LABELS.get(side.arrangement_name.value, side.arrangement_name.value))}</b>"
             for side in sides]
    return f'<p style="margin:0 0 4px 0">{"; ".join(parts)}</p>'


def _in_order(organisations) -> list:
    """Organisations in one fixed order (the labels' order), so rows stay put when an arrangement changes."""
    known = list(ORGANISATION_LABELS)
    return sorted(set(organisations), key=lambda o: (known.index(o) if o in known else len(known), str(o)))


def _organisation_label(code) -> str:
    return ORGANISATION_LABELS.get(code, str(code).replace("_", " "))


PAD = "padding:2px 4px"
NOT_A_PART = "\u2014"  # an organisation with no part in a scenario's arrangement


def scenario_table(frame: pd.DataFrame, measure: Measure) -> str:
    """One figure for each organisation (a row) in each scenario (a column), with a caption; "—" where
    an organisation has no part in a scenario's arrangement."""
    shown = frame.assign(value=measure.shown(frame))
    cells = {(row.organisation, row.scenario): measure.text(row.value) for row in shown.itertuples()}
    head = "".join(f'<th scope="col" style="{PAD};text-align:right">{html.escape(s)}</th>' for s in SCENARIOS)
    rows = "".join(
        f'<tr><th scope="row" style="{PAD};text-align:left">{html.escape(_organisation_label(org))}</th>'
        + "".join(f'<td style="{PAD};text-align:right">{cells.get((org, s), NOT_A_PART)}</td>' for s in SCENARIOS)
        + "</tr>"
        for org in _in_order(shown["organisation"]))
    # "figures-grid": the book keeps it a grid on a phone where it fits (its table-labels.js).
    return (f'<table class="carepool-table figures-grid" style="margin:8px 0">'
            f'<caption style="caption-side:top;text-align:left">{html.escape(measure.title)}</caption>'
            f'<thead><tr><th scope="col" style="{PAD};text-align:left">Organisation</th>{head}</tr></thead><tbody>{rows}</tbody></table>')


def scenario_bars(frame: pd.DataFrame, measure: Measure) -> alt.TopLevelMixin:
    """Each organisation's figure in both scenarios as bars, in the reader's words and £ million,
    narrow enough for a phone's column."""
    data = frame.assign(value=measure.shown(frame), organisation=frame["organisation"].map(_organisation_label))
    order = [_organisation_label(o) for o in _in_order(frame["organisation"])]
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("organisation:N", title=None, sort=order, axis=alt.Axis(labelLimit=ORGANISATION_LABEL_LIMIT)),
        yOffset=alt.YOffset("scenario:N", sort=list(SCENARIOS)),
        x=alt.X("value:Q", title=measure.axis_title, scale=alt.Scale(zero=True, nice=True),
                axis=alt.Axis(format=measure.axis_format, tickCount=5 if measure.kind == "share" else 3)),
        color=alt.Color("scenario:N", title=None, sort=list(SCENARIOS),
                        scale=alt.Scale(domain=list(SCENARIOS), range=["#4575b4", "#d73027"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("arrangement:N"), alt.Tooltip("organisation:N"),
                 alt.Tooltip("value:Q", title=measure.title, format=measure.axis_format)],
    ).properties(title=alt.TitleParams(_wrap(measure.title), anchor="start"), width=CHART_WIDTH,
                 height=alt.Step(14),
                 description=f"Bar chart: {measure.title.lower()}, by organisation, for each scenario")
    return charts.readable(chart)


def _wrap(text: str, width: int = 38) -> list[str]:
    """A title in lines short enough for a phone's column."""
    import textwrap

    return textwrap.wrap(text, width)


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
    """Lesson 3: carepool's `deficit_risk` for the scenario's arrangement. Both scenarios use the
    same seed, hence the same demand shocks: set one to silos to compare an arrangement with silos."""
    return deficit_risk(levers.place(), levers.arrangement(), draws=RISK_DRAWS, compare_with=None,
                        upstream_investment=levers.investment.value, investment_line=levers.investment_line.value)


SURPLUS = Measure("surplus £m", "Mean yearly surplus", "money_m")
INCOME = Measure("income £m", "Mean yearly income", "money_m")
COST = Measure("cost £m", "Mean yearly cost", "money_m")
CHANGE = Measure("surplus_change", "Change in yearly surplus (below 0: it pays)", "change")
CHANCE = Measure("chance_of_deficit", "Chance of a deficit in a year", "share")
BAD_YEAR = Measure("bad_year", "Bad year: the 5th percentile of the yearly surplus", "money")


def _defaults_note() -> str:
    """What every scenario starts from that a chapter's explorer may not: the upstream spending, computed."""
    line, amount = default("simulation.investment_line"), default("simulation.upstream_investment")
    who, _, where = INVESTMENT_LINE_LABELS[line].partition(", ")
    return (f"Each scenario starts from every lever's default, among them {who.lower()} spending "
            f"£{amount / MILLION:,.1f}m a year upstream {where} (under <i>Who invests upstream</i>).")


def paying_for_activity_app() -> Comparison:
    return Comparison("Paying for activity: income, cost and surplus of each organisation", income_by_organisation,
                      SURPLUS, (SURPLUS, INCOME, COST), ("silos", "aco"), note=_defaults_note())


def wrong_pocket_app() -> Comparison:
    return Comparison("The wrong pocket: who gains and who pays", who_gains_and_who_pays, CHANGE, (CHANGE,),
                      ("silos", "section75"), note=_defaults_note())


def sharing_risk_app() -> Comparison:
    note = (f"{_defaults_note()} Each runs {RISK_DRAWS:,} draws of demand shocks. The risk explorer in "
            f"<i>Pooling the pot</i> has no upstream spending and runs {default('simulation.draws'):,} draws, "
            "so its chances differ from these, most for whoever spends: the spending is a cost to it every year.")
    return Comparison("Sharing risk: chance of a deficit and a bad year", chance_of_deficit, CHANCE,
                      (CHANCE, BAD_YEAR), ("silos", "acs"), note=note)
