"""The model's invariants (listed on the model reference page), as property-based tests over random valid places and arrangements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool import payments, pooling
from carepool.arrangements import (NHS_SYSTEM, AccountableCareSystem, IntegratedCareBoard, PooledFund,
                                   SILO_ORGANISATIONS, Silos, budgets, icb_budgets, nhs_system_position)
from carepool.care import care, draw_shocks
from carepool.place import LOCAL_AUTHORITY, NHS_COMMISSIONER
from carepool.simulation import settle, simulate
from tests.model.strategies import arrangements, finite, investment_for, partner_shares, places

SETTINGS = settings(max_examples=60, deadline=None)
DRAWS = 8


def _scale(ledger):
    return 1.0 + sum(np.abs(b["income"]) + np.abs(b["cost"]) for b in ledger.books.values())


def assert_close(actual, expected, scale):
    """Equal up to floating-point rounding, relative to the money flowing in that year and draw."""
    gap = np.abs(np.asarray(actual) - np.asarray(expected))
    assert np.all(gap <= 1e-9 * scale), f"largest gap £{gap.max():.6g}"


@SETTINGS
@given(place=places(), arr=arrangements, seed=st.integers(0, 2**32), invest=st.floats(0.0, 1.0, **finite),
       line=st.sampled_from(["community", "social_care"]))
def test_money_is_moved_never_made(place, arr, seed, invest, line):
    """In every arrangement, year and draw, surpluses add up to total funding minus total cost of care."""
    ledger = settle(place, arr, draws=DRAWS, seed=seed, upstream_investment=investment_for(place, invest),
                    investment_line=line)
    surplus = sum(ledger.surplus(o) for o in ledger.books)
    funding = sum(b["funding"] for b in ledger.books.values())
    care_cost = sum(b["care_cost"] for b in ledger.books.values())
    assert surplus.shape == (DRAWS, place.years)
    assert_close(surplus, funding - care_cost, _scale(ledger))


@SETTINGS
@given(place=places(), arr=arrangements, seed=st.integers(0, 2**32))
def test_arrangements_move_money_but_neither_add_funding_nor_change_care(place, arr, seed):
    """An arrangement decides who pays; the funding coming in and the care delivered are those of silos."""
    silos = settle(place, Silos(), draws=DRAWS, seed=seed)
    other = settle(place, arr, draws=DRAWS, seed=seed)
    for column in ("funding", "care_cost", "emergency_admissions", "delayed_bed_days"):
        total = lambda L: sum(b[column] for b in L.books.values())  # noqa: E731
        np.testing.assert_allclose(total(other), total(silos), rtol=1e-12, atol=1e-6)


@SETTINGS
@given(place=places(max_years=4), arr=arrangements, seed=st.integers(0, 2**32))
def test_the_tidy_frame_adds_up_like_the_books(place, arr, seed):
    """The frame users see obeys the same rule: per year and draw, sum of surplus = funding - care cost."""
    df = simulate(place, arr, draws=3, seed=seed)
    assert list(df.columns[:3]) == ["organisation", "year", "draw"]
    np.testing.assert_allclose(df["surplus"], df["income"] - df["cost"])
    totals = df.groupby(["year", "draw"], observed=True)[["surplus", "funding", "care_cost"]].sum()
    scale = 1.0 + df.groupby(["year", "draw"], observed=True)["income"].sum().abs()
    gap = (totals["surplus"] - (totals["funding"] - totals["care_cost"])).abs()
    assert (gap <= 1e-9 * scale).all()
    assert len(df) == df["organisation"].nunique() * place.years * 3


@SETTINGS
@given(place=places(), shares=partner_shares(), seed=st.integers(0, 2**32))
def test_each_alliance_partner_ends_with_its_share_of_the_system_total(place, shares, seed):
    silos = settle(place, Silos(), draws=DRAWS, seed=seed)
    acs = settle(place, AccountableCareSystem(shares=shares), draws=DRAWS, seed=seed)
    total = sum(silos.surplus(o) for o in SILO_ORGANISATIONS)
    for org in SILO_ORGANISATIONS:
        assert_close(acs.surplus(org), shares[org] * total, _scale(silos))


@SETTINGS
@given(place=places())
def test_budget_shares_are_non_negative_and_sum_to_one(place):
    shares = AccountableCareSystem(shares="budget").partner_shares(place)
    assert set(shares) == set(SILO_ORGANISATIONS)
    assert all(s >= 0 for s in shares.values())
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    b = budgets(place)
    for org in SILO_ORGANISATIONS:
        assert shares[org] == pytest.approx(b[org] / sum(b.values()))


@SETTINGS
@given(place=places(), fraction=st.floats(0.0, 1.0, **finite), seed=st.integers(0, 2**32))
def test_a_pooled_fund_shares_its_fraction_of_each_partners_position_by_contribution(place, fraction, seed):
    """Partner i keeps (1 - f) of its own position and gets its contribution share of f times the joint one."""
    silos = settle(place, Silos(), draws=DRAWS, seed=seed)
    pooled = settle(place, PooledFund(pooled_fraction=fraction), draws=DRAWS, seed=seed)
    partners = (NHS_COMMISSIONER, LOCAL_AUTHORITY)
    joint = sum(silos.surplus(p) for p in partners)
    contributed = sum(silos.books[p]["funding"] for p in partners)
    for p in partners:
        expected = (1 - fraction) * silos.surplus(p) + fraction * joint * silos.books[p]["funding"] / contributed
        assert_close(pooled.surplus(p), expected, _scale(silos))
    assert_close(pooled.surplus("pooled_fund"), 0.0, _scale(silos))


@SETTINGS
@given(place=places(), fraction=st.floats(0.0, 1.0, **finite), seed=st.integers(0, 2**32),
       invest=st.floats(0.0, 1.0, **finite), line=st.sampled_from(["community", "social_care"]))
def test_the_nhs_systems_net_is_the_sum_of_its_members_and_netting_makes_no_money(place, fraction, seed, invest,
                                                                                line):
    """Under the ICB the system's position is the sum of the ICB's and its partner trusts' positions,
    the same before and after netting; each member ends with its budget share of it; the council and
    the GP practices are outside the netting."""
    arr = IntegratedCareBoard(section75_fraction=fraction)
    ledger = settle(place, arr, draws=DRAWS, seed=seed, upstream_investment=investment_for(place, invest),
                    investment_line=line)
    before = arr.contracts(place, care(place, draw_shocks(place, DRAWS, place.years, seed),
                                       investment_for(place, invest), line))
    scale = _scale(ledger)
    members_after = sum(ledger.surplus(org) for org in NHS_SYSTEM)
    members_before = sum(before.surplus(org) for org in NHS_SYSTEM)
    assert_close(nhs_system_position(ledger), members_after, scale)
    assert_close(members_after, members_before, scale)
    budgets_ = icb_budgets(place)
    for org in NHS_SYSTEM:
        assert_close(ledger.surplus(org), budgets_[org] / sum(budgets_.values()) * members_before, scale)
    for org in (LOCAL_AUTHORITY, "gp_practices"):
        assert_close(ledger.surplus(org), before.surplus(org), scale)


@settings(max_examples=100, deadline=None)
@given(positions=st.lists(st.floats(-1e8, 1e8, **finite), min_size=5, max_size=5), shares=partner_shares())
def test_risk_share_transfers_sum_to_zero(positions, shares):
    named = dict(zip(SILO_ORGANISATIONS, (np.array([p]) for p in positions)))
    transfers = pooling.share_out(named, shares)
    assert abs(sum(t[0] for t in transfers.values())) <= 1e-6 * (1 + sum(abs(p) for p in positions))


@settings(max_examples=100, deadline=None)
@given(baseline=st.floats(0.0, 1e6, **finite), price=st.floats(0.0, 1e4, **finite),
       rate=st.floats(0.0, 1.0, **finite), above=st.floats(0.0, 1e6, **finite),
       below=st.floats(0.0, 1.0, **finite))
def test_marginal_rate_is_continuous_and_piecewise_linear(baseline, price, rate, above, below):
    pay = lambda a: float(payments.marginal_rate(a, baseline, price, rate))  # noqa: E731
    at = pay(baseline)
    tol = 1e-9 * (1 + price * (baseline + above))
    # Full tariff up to the baseline ...
    assert at == pytest.approx(price * baseline, abs=tol)
    under = below * baseline
    assert at - pay(under) == pytest.approx(price * (baseline - under), abs=tol)
    # ... the marginal rate above it ...
    assert pay(baseline + above) - at == pytest.approx(rate * price * above, abs=tol)
    # ... and no jump at the baseline itself.
    eps = 1e-6 * (1 + baseline)
    assert abs(pay(baseline + eps) - pay(max(baseline - eps, 0.0))) <= price * 2 * eps + tol


@settings(max_examples=100, deadline=None)
@given(budgets_=st.lists(st.floats(1.0, 1e9, **finite), min_size=2, max_size=6),
       volatility=st.floats(0.001, 0.5, **finite), correlation=st.floats(0.0, 0.99, **finite))
def test_pooling_lowers_every_partners_variance_with_equal_volatility_and_budget_shares(
        budgets_, volatility, correlation):
    shares = np.array(budgets_) / sum(budgets_)
    alone, pooled = pooling.pooled_variance(budgets_, volatility, correlation, shares)
    assert np.all(pooled < alone * (1 + 1e-12))
    assert np.all(pooled <= alone)


def test_pooling_lowers_variance_in_simulated_draws_too():
    """The same result seen in draws: three partners, equal volatility per pound, budget shares."""
    rng = np.random.default_rng(7)
    budgets_, sigma, rho, n = np.array([300.0, 90.0, 40.0]), 0.05, 0.3, 200_000
    common = rng.standard_normal(n)
    positions = {i: sigma * b * (np.sqrt(rho) * common + np.sqrt(1 - rho) * rng.standard_normal(n))
                 for i, b in enumerate(budgets_)}
    shares = dict(enumerate(budgets_ / budgets_.sum()))
    transfers = pooling.share_out(positions, shares)
    for i in positions:
        assert np.var(positions[i] + transfers[i]) < 0.95 * np.var(positions[i])


def test_pooling_can_raise_a_small_partners_risk_when_shares_are_not_budget_shares():
    """Why the condition matters: a small partner given half of a big pool carries more risk than alone."""
    alone, pooled = pooling.pooled_variance([100.0, 10.0], 0.05, 0.3, [0.5, 0.5])
    assert pooled[1] > alone[1]


@settings(max_examples=25, deadline=None)
@given(arr=arrangements, seed=st.integers(0, 2**32))
def test_same_seed_same_result(arr, seed):
    first = simulate(None, arr, years=5, draws=50, seed=seed)
    again = simulate(None, arr, years=5, draws=50, seed=seed)
    pd.testing.assert_frame_equal(first, again)
    # ... and the seed matters, so the test above is not vacuous.
    other = simulate(None, arr, years=5, draws=50, seed=seed + 1)
    assert not np.allclose(first["care_cost"], other["care_cost"])
