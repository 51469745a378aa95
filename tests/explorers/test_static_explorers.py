"""The three static explorers in headless Chromium, with every outside request blocked."""

from __future__ import annotations

import numpy as np
import pytest

from carepool import payments
from coursebook import explorers
from carepool.arrangements import arrangement
from carepool.parameters import default
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from tests.support import ARTIFACTS
from tests.explorers.browser import open_explorer, readout, set_input, shown_number, signal, svg

def save_explorer_screenshot(page, name: str) -> None:
    """Keep a picture of the explorer (chart, inputs and scenario link) as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(f"#explorer-{name}").screenshot(path=str(ARTIFACTS / f"explorer_{name}.png"))


# For each input: the scenario that makes it matter, then a new value for it.
MOVES = {
    "paying-for-activity": [({}, "baseline", 25000), ({}, "rate", 0.8), ({}, "activity", 42000)],
    "wrong-pocket": [({}, "investor", "community"), ({}, "amount", 8), ({}, "saving", 1.05),
                     ({}, "arrangement", "section75")],
    "sharing-risk": [({}, "arrangement", "aco"), ({"arrangement": "section75"}, "fraction", 0.9),
                     ({"arrangement": "acs"}, "equal_weight", 1)],
}


@pytest.mark.parametrize("name", list(MOVES))
def test_each_explorer_renders_and_each_input_changes_its_chart(built_book, visit, name):
    v = open_explorer(visit, name)
    page = v.page
    assert readout(page, name), "the chart shows no numbers"
    page.locator(f"#explorer-{name}").scroll_into_view_if_needed()
    save_explorer_screenshot(page, name)
    for context, param, value in MOVES[name]:
        for p, val in context.items():
            set_input(page, name, p, val)
        before = svg(page, name)
        set_input(page, name, param, value)
        assert svg(page, name) != before, f"moving {param} did not change the chart"
    assert v.console_errors == [] and v.outside_requests == []


def _paying_expected(baseline, rate, activity):
    # The set-up the chapter describes: the emergency price of the default place; block, capitation and
    # the shared-savings benchmark at the baseline's cost; MSSP terms from the parameter files.
    place = default_place()
    price = place.lines["emergency"].unit_cost
    fee = payments.tariff(activity, price)
    return {
        "tariff": fee,
        "marginal_rate": payments.marginal_rate(activity, baseline, price, rate),
        "block": payments.block(baseline * price),
        "capitation": payments.capitation(place.population, baseline * price / place.population),
        "shared_savings": fee + payments.mssp_payment(
            np.full_like(fee, baseline * price), fee, track=default("arrangements.mssp.track"),
            assigned_beneficiaries=place.population, quality_score=default("arrangements.mssp.quality_score"),
            sequestration=default("arrangements.mssp.sequestration")),
    }


@pytest.mark.parametrize("baseline, rate, activity", [(30000, 0.3, 35000), (25000, 0.5, 40000), (40000, 0.0, 20000)])
def test_paying_for_activity_shows_carepools_incomes(built_book, visit, baseline, rate, activity):
    name = "paying-for-activity"
    v = open_explorer(visit, name)
    for p, val in (("baseline", baseline), ("rate", rate), ("activity", activity)):
        set_input(v.page, name, p, val)
    shown = {r["datum"]["payment"]: shown_number(r["text"]) for r in readout(v.page, name)}
    expected = {explorers.PAYMENT_LABELS[k]: float(x) / 1e6 for k, x in _paying_expected(baseline, rate, activity).items()}
    assert shown == pytest.approx(expected, abs=0.006)  # printed to £0.01m
    assert v.console_errors == []


@pytest.mark.parametrize("investor, amount, saving, arr", [
    ("social_care", 5, 0.35, "silos"), ("community", 3, 1.05, "section75"), ("social_care", 10, 0, "aco")])
def test_wrong_pocket_shows_carepools_gains_and_payments(built_book, visit, investor, amount, saving, arr):
    name = "wrong-pocket"
    v = open_explorer(visit, name)
    for p, val in (("investor", investor), ("amount", amount), ("saving", saving), ("arrangement", arr)):
        set_input(v.page, name, p, val)
    shown = {r["datum"]["organisation"]: shown_number(r["text"]) for r in readout(v.page, name)}
    result = wrong_pocket(default_place(avoided_acute_cost_per_pound=saving), investment_line=investor,
                          amount=amount * 1e6, arrangements=[arr])
    expected = {explorers.ORGANISATION_LABELS[o]: c / 1e6 for o, c in zip(result.organisation, result.surplus_change)}
    expected[explorers.ORGANISATION_LABELS["system"]] = sum(result.surplus_change) / 1e6
    assert shown == pytest.approx(expected, abs=0.0006)  # printed to £0.001m
    assert v.console_errors == []


@pytest.mark.parametrize("inputs, arr", [
    ({"arrangement": "acs", "equal_weight": 0}, arrangement("acs", shares="budget")),
    ({"arrangement": "section75", "fraction": 0.7}, arrangement("section75", pooled_fraction=0.7)),
    ({"arrangement": "aco"}, arrangement("aco")),
])
def test_sharing_risk_shows_carepools_chance_of_deficit(built_book, visit, inputs, arr):
    name = "sharing-risk"
    v = open_explorer(visit, name)
    for p, val in inputs.items():
        set_input(v.page, name, p, val)
    shown = {(r["datum"]["case"], r["datum"]["organisation"]): shown_number(r["text"]) / 100
             for r in readout(v.page, name)}
    risk = deficit_risk(default_place(), arr, compare_with="silos")
    expected = {(explorers.CASES[0] if a == arr.name else explorers.CASES[1], explorers.ORGANISATION_LABELS[o]): c
                for a, o, c in zip(risk.arrangement, risk.organisation, risk.chance_of_deficit)}
    assert shown == pytest.approx(expected, abs=0.0006)  # printed to 0.1%
    assert v.console_errors == []


SCENARIOS = {
    "paying-for-activity": {"baseline": 35000, "rate": 0.6, "activity": 45000},
    "wrong-pocket": {"investor": "community", "amount": 3, "saving": 1.05, "arrangement": "section75"},
    "sharing-risk": {"arrangement": "section75", "fraction": 0.8, "equal_weight": 0.5},
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_scenario_link_restores_its_inputs(built_book, visit, name):
    wanted = SCENARIOS[name]
    fragment = "#" + "&".join(f"{name}.{k}={val}" for k, val in wanted.items())
    v = open_explorer(visit, name, fragment)
    page = v.page
    page.wait_for_selector(f"#explorer-{name} + .scenario-link a")
    page.wait_for_function(
        "([id, p, val]) => String(document.getElementById(id).vegaView.signal(p)) === val",
        arg=[f"explorer-{name}", list(wanted)[0], str(list(wanted.values())[0])])
    for param, value in wanted.items():
        assert str(signal(page, name, param)) == str(value)
        control = page.locator(f"#explorer-{name} [name='{param}']")
        if control.first.get_attribute("type") == "radio":
            assert page.locator(f"#explorer-{name} [name='{param}']:checked").get_attribute("value") == str(value)
        else:
            assert control.input_value() == str(value)
    # The link offered follows the inputs, and opening it restores them.
    _, param, value = MOVES[name][0]
    set_input(page, name, param, value)
    link = page.locator(f"#explorer-{name} + .scenario-link a").get_attribute("href")
    assert f"{name}.{param}={value}" in link
    # Opened afresh, as a tutor would, with outside requests blocked and recorded again.
    again = visit(link.split("/", 3)[3])
    again.page.wait_for_function(
        "([id, p, val]) => { const d = document.getElementById(id); "
        "return d && d.vegaView && String(d.vegaView.signal(p)) === val; }",
        arg=[f"explorer-{name}", param, str(value)])
    for visited in (v, again):
        assert visited.console_errors == [] and visited.outside_requests == []
