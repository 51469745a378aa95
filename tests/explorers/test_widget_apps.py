"""The notebooks' widget apps, driven in-process: set levers, check against carepool."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carepool.arrangements import arrangement
from carepool.levers import lever
from carepool.parameters import default
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import simulate
from carepool import widgets

APPS = [widgets.paying_for_activity_app, widgets.wrong_pocket_app, widgets.sharing_risk_app]


@pytest.fixture(scope="module", params=APPS, ids=lambda f: f.__name__)
def app(request):
    return request.param()


def _model_default(key: str):
    """The model's own default for a lever key, read from the place or the parameter records."""
    place = default_place()
    if "__" in key:
        service, attr = key.split("__")
        return getattr(place.lines[service], attr)
    if hasattr(place, key):
        return getattr(place, key)
    if hasattr(place.links, key):
        return getattr(place.links, key)
    if key in ("upstream_investment", "investment_line"):
        return default(f"simulation.{key}")
    return default(f"arrangements.{key}")


def _on_grid(value, low, step) -> bool:
    """What a browser slider keeps: the nearest point of low + k * step."""
    snapped = low + round((value - low) / step) * step
    return math.isclose(snapped, value, rel_tol=1e-12, abs_tol=1e-12)


def test_every_lever_of_the_model_is_offered():
    levers = widgets.Levers("A")
    place = default_place()
    keys = set(levers.place_levers) | set(levers.link_levers) | set(levers.line_levers)
    assert {"population", "years", "funding_headroom", "shock_correlation", "emergency_marginal_rate",
            "avoided_acute_cost_per_pound", "excess_bed_day_cost", "delayed_bed_days_per_unmet_care_week",
            "social_care_capacity_headroom"} <= keys
    assert all(f"{s}__{a}" in keys for s in place.lines
               for a in ("activity_per_1000", "unit_cost", "trend_growth", "volatility"))
    assert set(levers.arrangement_name.options) == {"silos", "acs", "section75", "aco", "mssp", "four_pots", "icb", "iho"}


def test_every_slider_starts_at_the_models_default_and_keeps_it_when_drawn(app):
    for side in (app.left, app.right):
        sliders = side.sliders()
        assert len(sliders) > 40
        for key, control in sliders.items():
            assert control.value == _model_default(key), key
            if hasattr(control, "step"):
                assert control.min <= control.value <= control.max, key
                # The browser snaps a slider to its grid: the default must already be on it.
                assert _on_grid(control.value, control.min, control.step), (key, control.value, control.step)
        assert side.place() == default_place()
        assert side.investment_line.value == default("simulation.investment_line")


def test_slider_bounds_and_steps_are_the_lever_tables(app):
    for key, control in app.left.sliders().items():
        spec = lever(key)
        if hasattr(control, "step"):
            assert (control.min, control.max, control.step) == (spec.explore_min, spec.explore_max, spec.step), key
            assert control.description == spec.label
        elif hasattr(control, "options"):
            assert tuple(control.options) == spec.choices, key


def test_readouts_are_plain_numbers_never_exponents(app):
    for key, control in app.left.sliders().items():
        fmt = getattr(control, "readout_format", None)
        if fmt is None or not hasattr(control, "step"):
            continue
        # d3 and Python share this subset of format specifiers (f, %, thousands comma).
        for value in (control.min, control.value, control.max):
            shown = format(value, fmt)
            assert "e" not in shown, (key, shown)
        # Every point of the grid reads differently: the readout never hides a step.
        grid = lever(key).grid()
        shown = [format(v, fmt) for v in grid]
        assert len(set(shown)) == len(grid), (key, shown[:5])


def test_sliders_fill_their_column(app):
    for control in app.left.sliders().values():
        assert control.layout.width == "auto"  # stretched to the column by its box


def test_no_row_appears_twice(app):
    frame = app.frame()
    assert not frame.duplicated(["scenario", "arrangement", "organisation"]).any()


def test_a_silos_scenario_of_the_risk_app_is_compared_with_nothing_else():
    app = widgets.sharing_risk_app()
    a = app.result(app.left)
    assert app.left.arrangement_name.value == "silos"
    assert set(a["arrangement"]) == {"silos"} and not a["organisation"].duplicated().any()
    b = app.result(app.right)
    assert set(b["arrangement"]) == {"acs", "silos"}


def test_the_chart_draws_both_scenarios_from_the_models_frame(app):
    frame = app.frame()
    data = pd.DataFrame(app.chart.to_dict()["datasets"].popitem()[1])
    assert len(data) == len(frame)
    for scenario in widgets.SCENARIOS:
        assert data["scenario"].str.startswith(scenario).any()
    svg = app.chart_view.value
    assert svg.lstrip().startswith("<svg") and "Scenario A" in svg and "Scenario B" in svg


def test_the_wrong_pocket_app_follows_its_levers_and_matches_carepool():
    app = widgets.wrong_pocket_app()
    side = app.left
    before_svg, right_before = app.chart_view.value, app.result(app.right).copy()
    side.link_levers["avoided_acute_cost_per_pound"].value = 0.35
    side.investment.value = 4_000_000
    side.investment_line.value = "community"
    side.arrangement_name.value = "section75"
    side.option_levers[("section75", "pooled_fraction")].value = 0.5
    expected = wrong_pocket(default_place(avoided_acute_cost_per_pound=0.35), investment_line="community",
                            amount=4_000_000, arrangements=[arrangement("section75", pooled_fraction=0.5)])
    pd.testing.assert_frame_equal(app.result(side), expected)
    assert app.chart_view.value != before_svg
    pd.testing.assert_frame_equal(app.result(app.right), right_before)  # the other scenario is untouched


def test_the_paying_app_shows_carepools_run_for_the_chosen_arrangement():
    app = widgets.paying_for_activity_app()
    side = app.right
    before = app.result(side).copy()
    side.place_levers["emergency_marginal_rate"].value = 0.6
    side.line_levers["emergency__unit_cost"].value = 2000.0
    side.arrangement_name.value = "silos"
    run = simulate(default_place(emergency_marginal_rate=0.6, emergency__unit_cost=2000.0), "silos",
                   upstream_investment=side.investment.value, investment_line=side.investment_line.value)
    expected = run.groupby("organisation", observed=True)["surplus"].mean() / 1e6
    got = app.result(side).set_index("organisation")["surplus £m"]
    assert got.to_dict() == pytest.approx(expected.to_dict())
    assert not app.result(side).equals(before)
    chart_rows = pd.DataFrame(app.chart.to_dict()["datasets"].popitem()[1])
    shown = chart_rows[chart_rows["scenario"] == "Scenario B: silos"].set_index("organisation")["surplus £m"]
    assert shown.to_dict() == pytest.approx({k.replace("_", " "): v for k, v in expected.items()})


def test_the_sharing_risk_app_matches_carepools_deficit_risk():
    app = widgets.sharing_risk_app()
    side = app.left
    before = app.result(side).copy()
    side.place_levers["shock_correlation"].value = 0.8
    side.arrangement_name.value = "acs"
    side.option_levers[("acs", "shares")].value = "equal"
    expected = deficit_risk(default_place(shock_correlation=0.8), arrangement("acs", shares="equal"),
                            draws=widgets.RISK_DRAWS, upstream_investment=side.investment.value,
                            investment_line=side.investment_line.value)
    pd.testing.assert_frame_equal(app.result(side), expected)
    assert not app.result(side).equals(before)
    assert "chance of deficit" in app.table.value


def test_a_rejected_scenario_shows_the_models_message_and_keeps_the_last_answer():
    """The sliders offer only the lever table's explore range, which the model accepts; a question
    that still rejects a combination (here: more than 600 thousand people under a Section 75 fund)
    must say so in the app, naming the field, not fail silently or blank the chart."""
    from carepool.validation import ModelInputError

    def picky(side):
        if side.place_levers["population"].value > 600_000:
            raise ModelInputError("population", "at most 600000 for this test question", 700_000)
        return widgets.who_gains_and_who_pays(side)

    app = widgets.Comparison("test", picky, widgets.wrong_pocket_chart)
    before, chart_before = app.result(app.left).copy(), app.chart_view.value
    app.left.place_levers["population"].value = 700_000
    assert "population must be at most 600000" in app.error.value and "Scenario A" in app.error.value
    pd.testing.assert_frame_equal(app.result(app.left), before)
    assert app.chart_view.value == chart_before
    app.left.place_levers["population"].value = 200_000
    assert app.error.value == ""
