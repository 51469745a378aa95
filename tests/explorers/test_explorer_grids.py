"""The explorers' grids are carepool's numbers, and their inputs cover the grid."""

from __future__ import annotations

import pytest

from carepool import ModelInputError, payments, widgets
from carepool.arrangements import arrangement, budgets
from carepool.levers import lever
from carepool.parameters import default
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from coursebook import explorers
from coursebook.offline_charts import bound_inputs

# The explorers are computed while the book builds: these tests repeat that work.
pytestmark = pytest.mark.build


def test_the_alliance_shares_run_from_budget_proportional_to_equal():
    place = default_place()
    total = sum(budgets(place).values())
    by_budget = explorers.alliance_shares(0.0)
    assert by_budget == pytest.approx({org: b / total for org, b in budgets(place).items()})
    assert list(explorers.alliance_shares(1.0).values()) == pytest.approx([0.2] * 5)
    assert sum(explorers.alliance_shares(0.4).values()) == pytest.approx(1.0)


def test_the_marginal_rate_line_is_carepools_payment():
    frame = explorers.paying_for_activity_frame()
    price = default_place().lines["emergency"].unit_cost
    label = explorers.PAYMENT_LABELS["marginal_rate"]
    rows = frame[(frame.payment == label) & (frame.baseline == 25_000) & (frame.rate == 0.7)]
    assert len(rows) == len(explorers.PAYING_ACTIVITY)
    expected = payments.marginal_rate(rows.activity.to_numpy(), 25_000, price, 0.7) / 1e6
    assert rows.income.to_numpy() == pytest.approx(expected, abs=1e-4)


def test_the_wrong_pocket_grid_is_carepools_answer():
    frame = explorers.wrong_pocket_frame()
    rows = frame[(frame.line == "community") & (frame.saving == 1.05) & (frame.amount == 4.0)
                 & (frame.arrangement == "section75")]
    expected = wrong_pocket(default_place(avoided_acute_cost_per_pound=1.05), investment_line="community",
                            amount=4e6, arrangements=["section75"])
    by_label = {explorers.ORGANISATION_LABELS[o]: v / 1e6 for o, v in zip(expected.organisation,
                                                                          expected.surplus_change)}
    shown = dict(zip(rows.organisation, rows.change))
    net = shown.pop(explorers.ORGANISATION_LABELS["system"])
    assert shown == pytest.approx(by_label, abs=1e-4)
    assert net == pytest.approx(sum(by_label.values()), abs=1e-3)


def test_the_sharing_risk_grid_is_carepools_chance_of_deficit():
    frame = explorers.sharing_risk_frame(draws=500)
    rows = frame[(frame.arrangement == "section75") & (frame.fraction == 0.6)]
    expected = deficit_risk(default_place(), arrangement("section75", pooled_fraction=0.6), draws=500)
    for case, arr in zip(explorers.CASES, ("section75", "silos")):
        want = expected[expected.arrangement == arr]
        got = rows[rows.case == case]
        assert dict(zip(got.organisation, got.chance_of_deficit)) == pytest.approx(
            {explorers.ORGANISATION_LABELS[o]: c for o, c in zip(want.organisation, want.chance_of_deficit)},
            abs=1e-4)
        assert dict(zip(got.organisation, got.p5)) == pytest.approx(
            {explorers.ORGANISATION_LABELS[o]: b / 1e6 for o, b in zip(want.organisation, want.bad_year)},
            abs=1e-3)


@pytest.mark.parametrize("name", list(explorers.CHARTS))
def test_each_explorer_has_labelled_inputs_a_title_and_a_description(name):
    spec = explorers.explorer_chart(name).to_dict() if name != explorers.SHARING_RISK else (
        explorers.sharing_risk_chart(draws=200).to_dict())
    assert spec["usermeta"]["explorer"] == name
    assert spec["title"] and len(spec["description"]) > 100
    params = [p for p in spec["params"] if "bind" in p]
    assert [p["name"] for p in params] == bound_inputs(spec) and params
    assert all(p["bind"]["name"].strip() for p in params)


def test_an_unknown_explorer_is_refused_by_name():
    with pytest.raises(ModelInputError, match="explorer"):
        explorers.explorer_chart("no-such-explorer")


def test_the_default_inputs_are_on_the_grid():
    assert default("payments.emergency_marginal_rate") in explorers.PAYING_RATES
    assert default("arrangements.section75.pooled_fraction") in explorers.POOLED_FRACTIONS
    assert default("simulation.investment_line") in explorers.INVESTORS
    assert default("links.avoided_acute_cost_per_pound") in explorers.WRONG_POCKET_SAVINGS
    assert default("simulation.upstream_investment") / 1e6 in explorers.WRONG_POCKET_AMOUNTS
    # The paying explorer's baselines run around the default place's own emergency baseline.
    place = default_place()
    assert place.lines["emergency"].activity_per_1000 * place.population / 1000 in explorers.PAYING_BASELINES


# Each explorer grid and the lever it offers (amounts are shown in £ million).
GRIDS = {
    "PAYING_RATES": ("payments.emergency_marginal_rate", 1.0),
    "WRONG_POCKET_SAVINGS": ("links.avoided_acute_cost_per_pound", 1.0),
    "WRONG_POCKET_AMOUNTS": ("simulation.upstream_investment", 1e6),
    "POOLED_FRACTIONS": ("arrangements.section75.pooled_fraction", 1.0),
    "EQUAL_WEIGHTS": ("arrangements.acs.equal_weight", 1.0),
}


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_each_explorer_grid_is_its_levers_explore_range_and_step(name):
    key, unit = GRIDS[name]
    spec = lever(key)
    grid = getattr(explorers, name)
    assert [round(v * unit, 6) for v in grid] == pytest.approx(spec.grid())
    assert grid[0] * unit == pytest.approx(spec.explore_min) and grid[-1] * unit == pytest.approx(spec.explore_max)


def test_the_explorer_sliders_run_over_their_grids():
    spec = explorers.sharing_risk_chart(draws=200).to_dict()
    sliders = {p["name"]: p["bind"] for p in spec["params"] if p.get("bind", {}).get("input") == "range"}
    for name, grid in (("fraction", explorers.POOLED_FRACTIONS), ("equal_weight", explorers.EQUAL_WEIGHTS)):
        assert (sliders[name]["min"], sliders[name]["max"]) == (grid[0], grid[-1])
        assert sliders[name]["step"] == pytest.approx(grid[1] - grid[0])


def _slider_levers(levers):
    """Every slider of a scenario's levers, keyed by the lever it stands for."""
    out = {key: w for key, w in {**levers.place_levers, **levers.link_levers, **levers.line_levers}.items()}
    out.update({f"{name}.{option}": w for (name, option), w in levers.option_levers.items()})
    out["simulation.upstream_investment"] = levers.investment
    return {k: w for k, w in out.items() if hasattr(w, "step")}


def test_every_widget_slider_offers_its_levers_explore_range_step_and_default():
    sliders = _slider_levers(widgets.Levers("A"))
    assert len(sliders) >= 35
    for key, slider in sliders.items():
        spec = lever(key)
        assert (slider.min, slider.max) == pytest.approx((spec.explore_min, spec.explore_max)), key
        assert slider.step == pytest.approx(spec.step), key
        assert slider.value == pytest.approx(spec.default), key


# Each explorer slider that stands for a lever, and the factor from the lever's unit to the chart's.
CHART_LEVERS = {
    explorers.PAYING: {"rate": ("payments.emergency_marginal_rate", 1.0)},
    explorers.WRONG_POCKET: {"amount": ("simulation.upstream_investment", 1e-6),
                             "saving": ("links.avoided_acute_cost_per_pound", 1.0)},
    explorers.SHARING_RISK: {"fraction": ("arrangements.section75.pooled_fraction", 1.0),
                             "equal_weight": ("arrangements.acs.equal_weight", 1.0)},
}


def _chart_start_values(name):
    chart = explorers.sharing_risk_chart(draws=200) if name == explorers.SHARING_RISK else explorers.explorer_chart(name)
    return {p["name"]: p["value"] for p in chart.to_dict()["params"] if "bind" in p}


@pytest.mark.parametrize("name", [explorers.PAYING, explorers.SHARING_RISK])
def test_each_explorer_starts_at_its_levers_defaults(name):
    values = _chart_start_values(name)
    for param, (key, unit) in CHART_LEVERS[name].items():
        assert values[param] == pytest.approx(lever(key).default * unit), param


def test_the_wrong_pocket_explorer_starts_at_its_levers_defaults():
    values = _chart_start_values(explorers.WRONG_POCKET)
    for param, (key, unit) in CHART_LEVERS[explorers.WRONG_POCKET].items():
        assert values[param] == pytest.approx(lever(key).default * unit), param
