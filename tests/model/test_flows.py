"""The flows of money: who pays whom in an expected year, read from the model's own ledger.

The book's money-flow diagrams are drawn from `carepool.flows.money_flows`,
so these tests pin it to the ledger: its edges are exactly the ledger's
funding, payments and risk shares, and for every organisation money in less
money out less the cost of care is the ledger's surplus.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings

from carepool import ModelInputError, arrangement, arrangement_names, default_place
from carepool.arrangements import POOLED_FUND, SILO_ORGANISATIONS
from carepool.care import care, draw_shocks, no_shocks
from carepool.flows import OUTSIDE, PENNY, SHARE, flows_of, money_flows
from carepool.ledger import Ledger
from carepool.place import (ACUTE_TRUST, COMMUNITY_PROVIDER, GP_PRACTICES, LOCAL_AUTHORITY, NHS_COMMISSIONER,
                            NHS_SERVICES)
from tests.model.strategies import arrangements, places

C, LA = NHS_COMMISSIONER, LOCAL_AUTHORITY


def pairs(flows) -> set[tuple[str, str]]:
    return {(e.payer, e.payee) for e in flows.edges}


def tolerance(flows) -> float:
    # Each edge left out for being under a penny can hide up to a penny.
    scale = max([1.0] + [e.amount for e in flows.edges])
    return PENNY * (len(flows.edges) + 2) + 1e-9 * scale


def assert_money_is_moved_never_made(flows) -> None:
    inflow, outflow = defaultdict(float), defaultdict(float)
    for e in flows.edges:
        outflow[e.payer] += e.amount
        inflow[e.payee] += e.amount
    tol = tolerance(flows)
    for p in flows.positions:
        assert inflow[p.organisation] - outflow[p.organisation] - p.care_cost == pytest.approx(p.surplus, abs=tol)
    assert inflow[SHARE] == pytest.approx(outflow[SHARE], abs=tol)  # a risk share only moves money
    assert inflow[OUTSIDE] == 0.0  # nobody in the place pays money out of it
    assert outflow[OUTSIDE] == pytest.approx(sum(p.funding for p in flows.positions), abs=tol)
    assert sum(p.surplus for p in flows.positions) == pytest.approx(
        sum(p.funding - p.care_cost for p in flows.positions), abs=tol)


# --- the ledger records every movement of money --------------------------------

def test_the_ledger_records_funding_payments_and_shares_as_they_happen():
    L = Ledger((1, 2))
    L.fund("a", np.array([10.0, 20.0]))
    L.pay("a", "b", 4.0)
    L.share({"a": np.array([[-1.0, 2.0]]), "b": np.array([[1.0, -2.0]])})
    assert [(t.kind, t.payer, t.payee) for t in L.transfers] == [
        ("funding", OUTSIDE, "a"), ("payment", "a", "b"), ("share", SHARE, "a"), ("share", SHARE, "b")]
    assert L.transfers[0].amount.tolist() == [[10.0, 20.0]]
    assert L.transfers[1].amount.tolist() == [[4.0, 4.0]]  # broadcast to the ledger's shape
    assert L.transfers[2].amount.tolist() == [[-1.0, 2.0]]


def test_a_recorded_transfer_does_not_change_when_the_payer_reuses_its_array():
    L = Ledger((1, 1))
    amount = np.array([[5.0]])
    L.pay("a", "b", amount)
    amount += 100.0
    assert L.transfers[0].amount.tolist() == [[5.0]]


def test_a_negative_payment_flows_back_from_payee_to_payer():
    L = Ledger((1, 1))
    L.fund("a", 10.0)
    L.fund("b", 10.0)
    L.pay("a", "b", 6.0)
    L.pay("a", "b", 1.0)
    L.pay("a", "b", -8.0)  # a clawback: b repays a
    flows = flows_of(L, arrangement("silos"))
    # Payments one way are added up; money flowing back is its own edge, not netted away.
    assert {(e.payer, e.payee, e.amount) for e in flows.edges if e.kind == "payment"} == {
        ("a", "b", 7.0), ("b", "a", 8.0)}
    assert_money_is_moved_never_made(flows)


# --- each arrangement's flows, from MODEL.md's account of it --------------------

def test_in_silos_the_commissioner_pays_each_nhs_provider_and_the_council_pays_nobody():
    flows = money_flows("silos")
    assert pairs(flows) == {(OUTSIDE, C), (OUTSIDE, LA),
                            (C, GP_PRACTICES), (C, COMMUNITY_PROVIDER), (C, ACUTE_TRUST)}
    assert {e.kind for e in flows.edges if e.payer == OUTSIDE} == {"funding"}


def test_in_silos_each_organisation_keeps_its_own_surplus():
    flows = money_flows("silos")
    place = default_place()
    expected = care(place, no_shocks(1))
    # The commissioner is funded at expected cost plus headroom and pays GP
    # practices their expected cost by capitation: what is left is its own.
    nhs_allocation = sum(expected.expected_cost[s][0] for s in NHS_SERVICES) * (1 + place.funding_headroom)
    assert flows.position(C).funding == pytest.approx(nhs_allocation)
    gp = next(e for e in flows.edges if e.payee == GP_PRACTICES)
    assert gp.amount == pytest.approx(expected.expected_cost["primary_care"][0])
    assert flows.position(GP_PRACTICES).surplus == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("in_scope", [True, False])
def test_an_english_aco_is_paid_by_the_commissioner_and_by_the_council_only_for_social_care_in_scope(in_scope):
    flows = money_flows(arrangement("aco", social_care_in_scope=in_scope))
    expected = {(OUTSIDE, C), (OUTSIDE, LA), (C, "aco")} | ({(LA, "aco")} if in_scope else set())
    assert pairs(flows) == expected


def test_a_pooled_fund_takes_money_from_both_partners_and_pays_their_care_back():
    flows = money_flows(arrangement("section75", pooled_fraction=0.3))
    assert pairs(flows) == {(OUTSIDE, C), (OUTSIDE, LA), (C, POOLED_FUND), (LA, POOLED_FUND),
                            (POOLED_FUND, C), (POOLED_FUND, LA),
                            (C, GP_PRACTICES), (C, COMMUNITY_PROVIDER), (C, ACUTE_TRUST)}
    into_pool = {e.payer: e.amount for e in flows.edges if e.payee == POOLED_FUND}
    assert into_pool[C] == pytest.approx(0.3 * flows.position(C).funding)
    assert into_pool[LA] == pytest.approx(0.3 * flows.position(LA).funding)
    assert flows.position(POOLED_FUND).surplus == pytest.approx(0.0, abs=1e-6)  # the pool shares out all of it


def test_an_empty_pool_moves_no_money():
    flows = money_flows(arrangement("section75", pooled_fraction=0.0))
    assert not any(POOLED_FUND in (e.payer, e.payee) for e in flows.edges)


def test_four_pots_are_each_paid_by_whoever_paid_for_their_services_in_silos():
    flows = money_flows("four_pots")
    # Source 004's pots: GP care, community and emergency care, and planned care
    # were the NHS commissioner's to pay for; social care and public health the council's.
    assert pairs(flows) == {(OUTSIDE, C), (OUTSIDE, LA),
                            (C, "first_contact_pot"), (C, "continuing_care_pot"), (C, "planned_specialist_pot"),
                            (LA, "continuing_care_pot"), (LA, "public_health_pot")}


def test_in_an_alliance_the_risk_share_leaves_each_partner_its_share_of_the_system_result():
    acs = arrangement("acs")
    flows = money_flows(acs)
    shares = acs.partner_shares(default_place())
    system = sum(flows.position(org).surplus for org in SILO_ORGANISATIONS)
    for org in SILO_ORGANISATIONS:
        assert flows.position(org).surplus == pytest.approx(shares[org] * system, rel=1e-9, abs=1e-6)
    assert SHARE in flows.parties
    assert {e.kind for e in flows.edges if SHARE in (e.payer, e.payee)} == {"share"}


def test_shared_savings_pay_fee_for_service_and_no_savings_in_an_expected_year():
    flows = money_flows("mssp")
    expected = care(default_place(), no_shocks(1))
    # Expected activity at tariff is the benchmark itself, so there are no savings to share.
    fee_for_service = sum(expected.expected_cost[s][0] for s in NHS_SERVICES)
    assert [(e.payer, e.amount) for e in flows.edges if e.payee == "aco"] == [(C, pytest.approx(fee_for_service))]


def test_under_the_iho_the_icb_pays_one_capitated_budget_and_the_iho_pays_its_subcontractors():
    flows = money_flows("iho")
    paid = {(e.payer, e.payee) for e in flows.edges if e.kind == "payment"}
    assert paid == {("icb", "iho"), ("iho", GP_PRACTICES), ("iho", COMMUNITY_PROVIDER)}
    assert ACUTE_TRUST not in flows.parties and C not in flows.parties   # the IHO is the hospital's trust


@pytest.mark.parametrize("options", [
    {"risk_share": 0.4, "section75_fraction": 0.3},
    {"general_practice": "icb", "community_services": "in_house", "capitation_margin": -0.02},
    {"risk_share": 1.0, "capitation_margin": 0.05, "section75_fraction": 1.0},
])
def test_the_iho_ledger_equals_its_flows_in_a_bad_year_with_every_option(options):
    """Under shocks (draw 3, year 4 of a seeded run) with the risk share and the pool both moving money:
    the edges net to the ledger's transfers and every organisation's flows add up to its surplus."""
    place = default_place()
    chosen = arrangement("iho", **options)
    ledger = chosen.settle(place, care(place, draw_shocks(place, 5, place.years, 21), 2e6, "community"))
    flows = flows_of(ledger, chosen, draw=3, year=4)
    recorded, drawn = defaultdict(float), defaultdict(float)
    for t in ledger.transfers:
        recorded[(t.payer, t.payee)] += float(t.amount[3, 3])
        recorded[(t.payee, t.payer)] -= float(t.amount[3, 3])
    for e in flows.edges:
        drawn[(e.payer, e.payee)] += e.amount
        drawn[(e.payee, e.payer)] -= e.amount
    for pair in set(recorded) | set(drawn):
        assert drawn[pair] == pytest.approx(recorded[pair], abs=tolerance(flows)), pair
    assert_money_is_moved_never_made(flows)
    if options.get("risk_share", 0) > 0:
        assert SHARE in flows.parties


# --- for every arrangement the model has, and any place ---------------------------

@pytest.mark.parametrize("name", arrangement_names())
def test_every_arrangement_has_flows_and_they_move_money_without_making_it(name):
    flows = money_flows(name)
    assert flows.arrangement == name
    assert flows.edges, "an arrangement with no flows of money"
    assert all(e.amount > 0 and e.payer != e.payee for e in flows.edges)
    assert {e.payer for e in flows.edges} | {e.payee for e in flows.edges} <= set(flows.parties)
    assert_money_is_moved_never_made(flows)


@pytest.mark.parametrize("name", arrangement_names())
def test_the_edges_are_exactly_the_ledgers_transfers(name):
    place = default_place()
    chosen = arrangement(name)
    ledger = chosen.settle(place, care(place, no_shocks(1)))
    flows = flows_of(ledger, chosen)
    # Net money from a to b, as the ledger recorded it and as the edges show it.
    recorded, drawn = defaultdict(float), defaultdict(float)
    for t in ledger.transfers:
        recorded[(t.payer, t.payee)] += float(t.amount[0, 0])
        recorded[(t.payee, t.payer)] -= float(t.amount[0, 0])
    for e in flows.edges:
        drawn[(e.payer, e.payee)] += e.amount
        drawn[(e.payee, e.payer)] -= e.amount
    for pair in set(recorded) | set(drawn):
        assert drawn[pair] == pytest.approx(recorded[pair], abs=tolerance(flows)), pair
    assert [p.organisation for p in flows.positions] == list(ledger.books)


@settings(max_examples=60, deadline=None)
@given(place=places(max_years=3), chosen=arrangements)
def test_money_is_moved_never_made_in_any_place_under_any_arrangement(place, chosen):
    flows = money_flows(chosen, place)
    assert all(e.amount > 0 for e in flows.edges)
    assert_money_is_moved_never_made(flows)


def test_reading_the_flows_has_no_side_effects():
    assert money_flows("acs") == money_flows("acs")


def test_an_unknown_arrangement_or_a_place_that_is_not_a_place_is_refused_by_name():
    with pytest.raises(ModelInputError, match="arrangement"):
        money_flows("hospital_at_home")
    with pytest.raises(ModelInputError, match="place"):
        money_flows("silos", place="Liverpool")
    with pytest.raises(ModelInputError, match="year"):
        flows_of(Ledger((1, 1)), arrangement("silos"), year=2)
