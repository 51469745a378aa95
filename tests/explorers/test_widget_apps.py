"""The notebooks' widget apps, driven in-process: set levers, check against carepool."""

from __future__ import annotations

import pandas as pd
import pytest

from carepool import ModelInputError
from carepool.arrangements import arrangement
from carepool.levers import lever
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import simulate
from carepool import widgets


def test_every_lever_of_the_model_is_offered():
    levers = widgets.Levers("A")
    place = default_place()
    keys = set(levers.place_levers) | set(levers.link_levers) | set(levers.line_levers)
    assert {"population", "years", "funding_headroom", "shock_correlation", "emergency_marginal_rate",
            "avoided_acute_cost_per_pound", "excess_bed_day_cost"} <= keys
    assert all(f"{s}__{a}" in keys for s in place.lines
               for a in ("activity_per_1000", "unit_cost", "trend_growth", "volatility"))
    assert set(levers.arrangement_name.options) == {"silos", "acs", "section75", "aco", "mssp", "four_pots"}


def test_the_wrong_pocket_app_follows_its_levers_and_matches_carepool():
    app = widgets.wrong_pocket_app()
    side = app.left
    before_html, right_before = app.outputs[id(side)].value, app.result(app.right).copy()
    side.link_levers["avoided_acute_cost_per_pound"].value = 0.8
    side.investment.value = 4_000_000
    side.investment_line.value = "community"
    side.arrangement_name.value = "section75"
    side.option_levers[("section75", "pooled_fraction")].value = 0.5
    expected = wrong_pocket(default_place(avoided_acute_cost_per_pound=0.8), investment_line="community",
                            amount=4_000_000, arrangements=[arrangement("section75", pooled_fraction=0.5)])
    pd.testing.assert_frame_equal(app.result(side), expected)
    assert app.outputs[id(side)].value != before_html
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
    assert "chance_of_deficit" in app.outputs[id(side)].value


def test_a_bad_lever_value_raises_the_models_error():
    app = widgets.wrong_pocket_app()
    slider = app.left.place_levers["population"]
    assert slider.min == lever("population").explore_min > 0   # the table keeps sliders inside the bounds
    slider.min = 0.0   # widened beyond the table (no reader can): the model's own error still comes through
    with pytest.raises(ModelInputError, match="population"):
        slider.value = 0.0
