"""The explorers' grids are carepool's numbers, and their inputs cover the grid."""

from __future__ import annotations

import pytest

from carepool import ModelInputError, payments
from carepool.arrangements import arrangement, budgets
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
    rows = frame[(frame.line == "community") & (frame.saving == 1.5) & (frame.amount == 4.0)
                 & (frame.arrangement == "section75")]
    expected = wrong_pocket(default_place(avoided_acute_cost_per_pound=1.5), investment_line="community",
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
    assert spec["usermeta"] == {"explorer": name}
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
