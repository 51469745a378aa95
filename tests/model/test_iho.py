"""The integrated health organisation: a capitated budget from the ICB to a foundation trust, each
assumption a lever (see the model reference page); paying as its docstring and the reference say."""

from __future__ import annotations

import numpy as np
import pytest

from carepool.arrangements import ICB, IHO, arrangement
from carepool.care import care, draw_shocks, no_shocks
from carepool.flows import money_flows
from carepool.place import COMMUNITY_PROVIDER, GP_PRACTICES, LOCAL_AUTHORITY, NHS_SERVICES, default_place
from carepool.questions import wrong_pocket
from carepool.simulation import settle

SEED, DRAWS = 11, 400


def _paid(flows, payer, payee) -> float:
    return sum(e.amount for e in flows.edges if (e.payer, e.payee) == (payer, payee))


@pytest.mark.parametrize("margin", [0.0, 0.05, -0.03])
def test_the_icb_pays_the_iho_the_expected_cost_of_its_nhs_services_per_head_times_the_margin(margin):
    place = default_place()
    expected = care(place, no_shocks(1))
    flows = money_flows(arrangement("iho", capitation_margin=margin), place)
    whole = sum(expected.expected_cost[s][0] for s in NHS_SERVICES)
    assert _paid(flows, ICB, IHO) == pytest.approx(whole * (1 + margin), rel=1e-12)
    # The ICB keeps the rest of its allocation: with no margin, the allocation's headroom.
    assert flows.position(ICB).surplus == pytest.approx(whole * (place.funding_headroom - margin), rel=1e-9)


def test_general_practice_is_paid_by_the_iho_or_left_with_the_icb():
    inside = money_flows(arrangement("iho", general_practice="subcontract"))
    outside = money_flows(arrangement("iho", general_practice="icb"))
    gp = _paid(inside, IHO, GP_PRACTICES)
    assert gp > 0 and _paid(inside, ICB, GP_PRACTICES) == 0
    assert _paid(outside, ICB, GP_PRACTICES) == pytest.approx(gp) and _paid(outside, IHO, GP_PRACTICES) == 0
    # Left with the ICB, general practice is left out of the capitated budget too.
    assert _paid(outside, ICB, IHO) == pytest.approx(_paid(inside, ICB, IHO) - gp)


def test_a_subcontracted_community_provider_keeps_its_position_and_in_house_the_iho_bears_it():
    place = default_place()
    sub = settle(place, arrangement("iho", community_services="subcontract"), draws=DRAWS, seed=SEED)
    own = settle(place, arrangement("iho", community_services="in_house"), draws=DRAWS, seed=SEED)
    assert COMMUNITY_PROVIDER in sub.books and COMMUNITY_PROVIDER not in own.books
    assert sub.surplus(COMMUNITY_PROVIDER).std() > 0
    np.testing.assert_allclose(own.surplus(IHO), sub.surplus(IHO) + sub.surplus(COMMUNITY_PROVIDER), rtol=1e-9,
                               atol=1e-3)


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_the_iho_keeps_its_surplus_and_bears_its_deficit_less_the_risk_share_passed_to_the_icb(share):
    place = default_place()
    alone = settle(place, arrangement("iho", risk_share=0.0), draws=DRAWS, seed=SEED)
    shared = settle(place, arrangement("iho", risk_share=share), draws=DRAWS, seed=SEED)
    assert (alone.surplus(IHO) < 0).any() and (alone.surplus(IHO) > 0).any()   # bad years and good ones
    np.testing.assert_allclose(shared.surplus(IHO), (1 - share) * alone.surplus(IHO), rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(shared.surplus(ICB), alone.surplus(ICB) + share * alone.surplus(IHO), rtol=1e-9,
                               atol=1e-3)


def test_by_default_the_iho_bears_the_hospitals_demand_shocks_and_the_icb_none():
    books = settle(default_place(), "iho", draws=DRAWS, seed=SEED)
    # Across draws of the same year: the ICB's position is fixed (its headroom), the IHO's is not.
    assert books.surplus(IHO).std(axis=0).min() > 1e6
    np.testing.assert_allclose(books.surplus(ICB).std(axis=0), 0.0, atol=1e-6)


def test_the_iho_that_invests_in_community_services_keeps_the_saving():
    """Inside one budget the wrong pocket closes: the IHO pays for the investment (its subcontract grows)
    and its hospital keeps the admissions avoided; nobody else's position moves."""
    place, amount = default_place(), 1e6
    k = place.links.avoided_acute_cost_per_pound
    rows = wrong_pocket(place, investment_line="community", amount=amount, arrangements=["iho"]).set_index(
        "organisation")["surplus_change"]
    assert rows[IHO] == pytest.approx((k - 1) * amount, rel=1e-9)
    for org in (ICB, LOCAL_AUTHORITY, GP_PRACTICES, COMMUNITY_PROVIDER):
        assert rows[org] == pytest.approx(0.0, abs=0.01)


def test_when_the_council_invests_in_social_care_the_iho_gains_and_the_council_pays():
    """The wrong pocket remains between the council and the NHS: the IHO holds the health budget only."""
    place, amount = default_place(), 1e6
    k = place.links.avoided_acute_cost_per_pound
    rows = wrong_pocket(place, investment_line="social_care", amount=amount, arrangements=["iho"]).set_index(
        "organisation")["surplus_change"]
    assert rows[LOCAL_AUTHORITY] == pytest.approx(-amount, rel=1e-9)
    assert rows[IHO] == pytest.approx(k * amount, rel=1e-9)


def test_a_section_75_pool_beside_the_iho_shares_part_of_the_councils_position_with_the_icb():
    place = default_place()
    alone = settle(place, arrangement("iho", section75_fraction=0.0), draws=DRAWS, seed=SEED)
    pooled = settle(place, arrangement("iho", section75_fraction=0.5), draws=DRAWS, seed=SEED)
    assert "pooled_fund" not in alone.books and "pooled_fund" in pooled.books
    assert pooled.surplus(LOCAL_AUTHORITY).std() < alone.surplus(LOCAL_AUTHORITY).std()
    assert pooled.surplus(ICB).std() > alone.surplus(ICB).std()
    np.testing.assert_allclose(pooled.surplus(IHO), alone.surplus(IHO), rtol=1e-12)


def test_the_iho_delivers_the_hospitals_care_and_its_delayed_discharges():
    place = default_place()
    care_ = care(place, draw_shocks(place, DRAWS, place.years, SEED))
    books = arrangement("iho").settle(place, care_).books
    np.testing.assert_allclose(books[IHO]["care_cost"],
                               care_.cost["elective"] + care_.cost["emergency"] + care_.delayed_cost)
    np.testing.assert_allclose(books[IHO]["emergency_admissions"], care_.activity["emergency"])
    np.testing.assert_allclose(books[IHO]["delayed_bed_days"], care_.delayed_bed_days)
