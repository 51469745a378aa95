"""ipywidgets apps over the full model, one per lesson, thin over carepool.

Each app puts two scenarios side by side. A scenario is a set of `Levers`:
every lever of the model (the place, the two links, each service line), the
arrangement and its options, and the upstream investment. Moving a lever
re-runs the lesson's carepool question for that scenario and shows its table;
nothing here does the model's arithmetic. A bad combination of levers raises
the model's own `ModelInputError`, naming the field and its range.
"""

from __future__ import annotations

import dataclasses

import ipywidgets as widgets
import pandas as pd

from carepool.arrangements import REGISTRY, arrangement
from carepool.levers import lever
from carepool.parameters import default
from carepool.place import SERVICES, UPSTREAM_SERVICES, Links, default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import mean_by_organisation, simulate

STYLE = {"description_width": "14em"}


def _number_lever(key: str, value, description: str) -> widgets.Widget:
    """A slider over the lever's explore range and step, from the one table of levers."""
    if isinstance(value, bool):
        return widgets.Checkbox(value=value, description=description, style=STYLE)
    spec = lever(key)
    slider = widgets.IntSlider if spec.whole else widgets.FloatSlider
    options = {} if spec.whole else {"readout_format": ".3g"}
    return slider(value=value, min=spec.explore_min, max=spec.explore_max, step=spec.step,
                  description=description, style=STYLE, **options)


def _label(key: str) -> str:
    return key.split("__")[-1].replace("_", " ")


class Levers:
    """Every lever of one scenario, grouped in an accordion; `place()` and `arrangement()` read them."""

    def __init__(self, title: str, arrangement_name: str = "silos"):
        place = default_place()
        self.place_levers = {f: _number_lever(f, getattr(place, f), _label(f))
                             for f in ("population", "years", "funding_headroom", "shock_correlation",
                                       "emergency_marginal_rate")}
        self.link_levers = {f.name: _number_lever(f.name, getattr(place.links, f.name), _label(f.name))
                            for f in dataclasses.fields(Links)}
        self.line_levers = {
            f"{s}__{attr}": _number_lever(f"{s}__{attr}", getattr(place.lines[s], attr), _label(attr))
            for s in SERVICES for attr in ("activity_per_1000", "unit_cost", "trend_growth", "volatility")
        }
        self.investment_line = widgets.Dropdown(options=list(UPSTREAM_SERVICES),
                                                value=default("simulation.investment_line"),
                                                description="invest upstream in", style=STYLE)
        invest = lever("simulation.upstream_investment")
        self.investment = widgets.FloatSlider(value=invest.default, min=invest.explore_min, max=invest.explore_max,
                                              step=invest.step, description="upstream £ a year", style=STYLE,
                                              readout_format=",.0f")
        self.arrangement_name = widgets.Dropdown(options=list(REGISTRY), value=arrangement_name,
                                                 description="arrangement", style=STYLE)
        self.option_levers = {
            (name, f.name): self._option_lever(name, f.name)
            for name, cls in REGISTRY.items() for f in dataclasses.fields(cls)
        }
        self.options_box = widgets.VBox()
        self.arrangement_name.observe(lambda _: self._show_options(), names="value")
        self._show_options()

        groups = [("Arrangement", [self.arrangement_name, self.options_box]),
                  ("Upstream investment", [self.investment_line, self.investment]),
                  ("Place", list(self.place_levers.values())),
                  ("Links between services", list(self.link_levers.values()))]
        groups += [(f"Service: {s.replace('_', ' ')}", [w for k, w in self.line_levers.items() if k.startswith(s + "__")])
                   for s in SERVICES]
        # Plain headed groups, not an Accordion: its icon font is not served by the static book.
        sections = [w for heading, ws in groups for w in (widgets.HTML(f"<b>{heading}</b>"), *ws)]
        self.widget = widgets.VBox([widgets.HTML(f"<h4>{title}</h4>"), *sections])

    @staticmethod
    def _option_lever(name: str, option: str) -> widgets.Widget:
        value = default(f"arrangements.{name}.{option}")
        if option == "shares":  # a rule name; shares per partner are set in code
            return widgets.Dropdown(options=["budget", "equal"], value=value, description="shares", style=STYLE)
        return _number_lever(f"{name}.{option}", value, _label(option))

    def _show_options(self):
        name = self.arrangement_name.value
        self.options_box.children = [w for (n, _), w in self.option_levers.items() if n == name]

    def controls(self) -> list[widgets.Widget]:
        """Every input widget of the scenario."""
        return [*self.place_levers.values(), *self.link_levers.values(), *self.line_levers.values(),
                self.investment_line, self.investment, self.arrangement_name, *self.option_levers.values()]

    def place(self):
        changes = {k: w.value for k, w in {**self.place_levers, **self.link_levers, **self.line_levers}.items()}
        return default_place(**changes)

    def arrangement(self):
        name = self.arrangement_name.value
        return arrangement(name, **{o: w.value for (n, o), w in self.option_levers.items() if n == name})


class Comparison:
    """Two scenarios side by side, each with the table ``question(levers)`` returns, kept up to date."""

    def __init__(self, title: str, question, arrangements=("silos", "acs")):
        self.question = question
        self.left, self.right = Levers("Scenario A", arrangements[0]), Levers("Scenario B", arrangements[1])
        self.outputs = {id(s): widgets.HTML() for s in (self.left, self.right)}
        self.results: dict[str, pd.DataFrame] = {}
        for side in (self.left, self.right):
            for control in side.controls():
                control.observe(lambda _, side=side: self.update(side), names="value")
            self.update(side)
        columns = [widgets.VBox([s.widget, self.outputs[id(s)]], layout=widgets.Layout(width="50%"))
                   for s in (self.left, self.right)]
        self.widget = widgets.VBox([widgets.HTML(f"<h3>{title}</h3>"), widgets.HBox(columns)])

    def result(self, side: Levers) -> pd.DataFrame:
        return self.results[id(side)]

    def update(self, side: Levers) -> None:
        table = self.question(side)
        self.results[id(side)] = table
        self.outputs[id(side)].value = table.to_html(index=False, float_format=lambda x: f"{x:,.3f}")


def income_by_organisation(levers: Levers) -> pd.DataFrame:
    """Lesson 1: each organisation's mean yearly income, cost and surplus (£m), deterministic run."""
    run = simulate(levers.place(), levers.arrangement(), upstream_investment=levers.investment.value,
                   investment_line=levers.investment_line.value)
    means = mean_by_organisation(run)
    means[["income", "cost", "surplus"]] /= 1e6
    return means.rename(columns={"income": "income £m", "cost": "cost £m", "surplus": "surplus £m"})


def who_gains_and_who_pays(levers: Levers) -> pd.DataFrame:
    """Lesson 2: carepool's `wrong_pocket` for the scenario's arrangement and investment."""
    return wrong_pocket(levers.place(), investment_line=levers.investment_line.value,
                        amount=levers.investment.value, arrangements=[levers.arrangement()])


RISK_DRAWS = 2_000  # draws per scenario in the live app: enough to be stable, quick enough to drag


def chance_of_deficit(levers: Levers) -> pd.DataFrame:
    """Lesson 3: carepool's `deficit_risk` for the scenario, against silos, with the same shocks."""
    return deficit_risk(levers.place(), levers.arrangement(), draws=RISK_DRAWS,
                        upstream_investment=levers.investment.value, investment_line=levers.investment_line.value)


def paying_for_activity_app() -> Comparison:
    return Comparison("Paying for activity: income, cost and surplus of each organisation", income_by_organisation,
                      ("silos", "aco"))


def wrong_pocket_app() -> Comparison:
    return Comparison("The wrong pocket: who gains and who pays", who_gains_and_who_pays, ("silos", "section75"))


def sharing_risk_app() -> Comparison:
    return Comparison("Sharing risk: chance of a deficit and a bad year", chance_of_deficit, ("silos", "acs"))
