"""Hypothesis strategies: random valid places and arrangements for the model's property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from carepool.arrangements import (AccountableCareSystem, EnglishACO, FourPots, IntegratedCareBoard,
                                   IntegratedHealthOrganisation, PooledFund, SharedSavingsACO, SILO_ORGANISATIONS,
                                   Silos)
from carepool.levers import lever
from carepool.place import SERVICES, Links, Place, ServiceLine

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def service_lines(draw, name):
    return ServiceLine(
        name=name,
        activity_per_1000=draw(st.floats(1.0, 5000.0, **finite)),
        unit_cost=draw(st.floats(1.0, 5000.0, **finite)),
        trend_growth=draw(st.floats(-0.05, 0.1, **finite)),
        volatility=draw(st.floats(0.0, 0.3, **finite)),
    )


@st.composite
def places(draw, max_years=12):
    return Place(
        population=draw(st.floats(1e4, 1e6, **finite)),
        years=draw(st.integers(1, max_years)),
        lines={s: draw(service_lines(s)) for s in SERVICES},
        links=Links(
            avoided_acute_cost_per_pound=draw(st.one_of(st.just(0.0), st.floats(0.01, 1.0, **finite))),
            excess_bed_day_cost=draw(st.floats(0.0, 1000.0, **finite)),
            delayed_bed_days_per_unmet_care_week=draw(st.floats(0.0, 7.0, **finite)),
            social_care_capacity_headroom=draw(st.floats(-0.2, 0.5, **finite)),
        ),
        funding_headroom=draw(st.floats(-0.1, 0.2, **finite)),
        shock_correlation=draw(st.floats(0.0, 1.0, **finite)),
        emergency_marginal_rate=draw(st.floats(0.0, 1.0, **finite)),
        aligned_payment_variable_rate=draw(st.floats(0.0, 1.0, **finite)),
        emergency_baseline_lag=draw(st.integers(0, 15)),
    )


@st.composite
def partner_shares(draw):
    weights = draw(st.lists(st.floats(0.0, 1.0, **finite), min_size=5, max_size=5).filter(lambda w: sum(w) > 0.01))
    total = sum(weights)
    shares = [w / total for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])  # exact sum of 1 despite rounding
    shares[-1] = max(shares[-1], 0.0)
    return dict(zip(SILO_ORGANISATIONS, shares))


fractions = st.floats(0.0, 1.0, **finite)

arrangements = st.one_of(
    st.just(Silos()),
    st.builds(AccountableCareSystem, shares=st.one_of(st.sampled_from(["budget", "equal"]), partner_shares())),
    st.builds(PooledFund, pooled_fraction=fractions),
    st.builds(EnglishACO, contract_years=st.integers(1, 15), withhold_rate=fractions,
              social_care_in_scope=st.booleans(), capitation_uplift=st.floats(-0.05, 0.1, **finite)),
    st.builds(SharedSavingsACO, track=st.sampled_from([1, 2]), quality_score=fractions,
              sequestration=st.booleans()),
    st.just(FourPots()),
    st.builds(IntegratedCareBoard, section75_fraction=fractions, payment_rule=st.sampled_from(["2025/26", "2019/20"])),
    st.builds(IntegratedHealthOrganisation, capitation_margin=st.floats(-0.5, 0.5, **finite), risk_share=fractions,
              general_practice=st.sampled_from(["subcontract", "icb"]),
              community_services=st.sampled_from(["subcontract", "in_house"]), section75_fraction=fractions),
)


def investment_for(place: Place, fraction: float) -> float:
    """An upstream investment that is a `fraction` (below 1) of the largest one the place allows
    (below the avoided-admission ceiling and within the lever's bounds)."""
    k = place.links.avoided_acute_cost_per_pound
    most = lever("simulation.upstream_investment").maximum
    if k == 0:
        return fraction * 1e6
    line = place.lines["emergency"]
    yearly = [line.activity_per_1000 * place.population / 1000 * line.unit_cost * (1 + line.trend_growth) ** t
              for t in range(1, place.years + 1)]
    return fraction * min(0.9 * min(yearly) / k, most)
