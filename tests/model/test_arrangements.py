"""The arrangements: picked by name, inspectable, and each paying as MODEL.md says."""

from __future__ import annotations

import numpy as np
from carepool.arrangements import arrangement, arrangement_names
from carepool.place import default_place
from carepool.simulation import settle, simulate


def test_every_arrangement_of_model_md_can_be_picked_by_name_and_inspected():
    assert arrangement_names() == ["silos", "acs", "section75", "aco", "mssp", "four_pots"]
    for name in arrangement_names():
        a = arrangement(name)
        text = a.describe()
        assert a.name == name
        for part in (a.title, a.budget_holder, a.providers_paid, a.surplus_kept_by):
            assert part in text
        for option, value in a.options.items():
            assert f"{option} = {value!r}" in text


def test_options_given_by_the_reader_replace_the_defaults():
    a = arrangement("section75", pooled_fraction=0.3)
    assert a.options == {"pooled_fraction": 0.3}
    aco = arrangement("aco", contract_years=15, social_care_in_scope=False)
    assert aco.contract_years == 15 and aco.social_care_in_scope is False
    assert aco.withhold_rate == 0.02  # the default from arrangements.yaml


def test_the_marginal_rate_leaves_the_hospital_with_most_of_the_cost_of_emergency_growth():
    """On trend, emergency admissions grow above the baseline; each admission above it earns
    30% of its price, so the trust loses 70% of the cost of the growth (planned care breaks even)."""
    place = default_place()
    df = simulate(place, "silos")
    acute = df[df["organisation"] == "acute_trust"].sort_values("year")
    em = place.lines["emergency"]
    baseline = em.activity_per_1000 * place.population / 1000
    growth = baseline * (1 + em.trend_growth) ** acute["year"].to_numpy() - baseline
    expected = -(1 - place.emergency_marginal_rate) * em.unit_cost * growth
    np.testing.assert_allclose(acute["surplus"].to_numpy(), expected, rtol=1e-9)


def test_an_aco_budget_is_rebased_only_when_a_new_contract_begins():
    """With no uplift, the capitated budget stays at the contract's first-year cost: the ACO
    breaks even in each contract's first year and falls behind as demand grows within it."""
    place = default_place(years=7)
    books = settle(place, arrangement("aco", contract_years=3, capitation_uplift=0.0))
    surplus = books.surplus("aco")[0]
    first_years = [0, 3, 6]  # years 1, 4 and 7
    np.testing.assert_allclose(surplus[first_years], 0.0, atol=1e-3)
    later = [1, 2, 4, 5]
    assert np.all(surplus[later] < 0)
    assert surplus[2] < surplus[1]  # the gap widens through a contract


def test_the_withhold_is_paid_only_in_years_emergency_admissions_stay_at_or_below_expected():
    place = default_place()
    books = settle(place, arrangement("aco", withhold_rate=0.1), draws=300, seed=4)
    plain = settle(place, arrangement("aco", withhold_rate=0.0), draws=300, seed=4)
    held_back = plain.surplus("aco") - books.surplus("aco")
    withheld_years = held_back > 1.0
    assert withheld_years.any() and (~withheld_years).any()
    emergency = books.books["aco"]["emergency_admissions"]
    expected = plain.books["aco"]["emergency_admissions"]  # the same draws
    np.testing.assert_allclose(emergency, expected)
    place_expected = (place.lines["emergency"].activity_per_1000 * place.population / 1000
                      * (1 + place.lines["emergency"].trend_growth) ** np.arange(1, place.years + 1))
    assert np.array_equal(withheld_years, emergency > place_expected)


def test_under_shared_savings_fee_for_service_continues_and_savings_beyond_the_rate_are_halved():
    """The ACO is paid its costs as fees; beyond them it gains half of all savings once they pass the
    minimum savings rate (2% for a place of 300,000), less the 2% sequestration."""
    place = default_place(social_care_capacity_headroom=1.0)  # no delayed bed-days, so fees cover all cost
    books = settle(place, "mssp", draws=2000, seed=9)
    aco = books.surplus("aco")
    fees = books.books["aco"]["care_cost"]
    benchmark = sum(place.lines[s].activity_per_1000 * place.population / 1000 * place.lines[s].unit_cost
                    * (1 + place.lines[s].trend_growth) ** np.arange(1, place.years + 1)
                    for s in ("primary_care", "community", "elective", "emergency"))
    savings = benchmark - fees
    passed = savings >= 0.02 * benchmark
    assert passed.any() and (~passed).any()
    np.testing.assert_allclose(aco[passed], 0.5 * 0.98 * savings[passed], rtol=1e-9)
    np.testing.assert_allclose(aco[~passed], 0.0, atol=1e-3)


def test_on_the_two_sided_track_the_aco_repays_losses_past_two_percent():
    """Track 2: 60% of savings (quality 1) past 2%, and 40% (1 - 60%) of losses once they pass 2%, up to
    5%, 7.5% and 10% of the benchmark in the first, second, and third and later years on the track."""
    place = default_place(social_care_capacity_headroom=1.0, emergency__volatility=0.3)
    books = settle(place, arrangement("mssp", track=2), draws=2000, seed=9)
    aco = books.surplus("aco")
    fees = books.books["aco"]["care_cost"]
    benchmark = sum(place.lines[s].activity_per_1000 * place.population / 1000 * place.lines[s].unit_cost
                    * (1 + place.lines[s].trend_growth) ** np.arange(1, place.years + 1)
                    for s in ("primary_care", "community", "elective", "emergency"))
    savings = benchmark - fees
    gained, lost = savings >= 0.02 * benchmark, -savings >= 0.02 * benchmark
    assert gained.any() and lost.any() and (~gained & ~lost).any()
    np.testing.assert_allclose(aco[gained], 0.6 * 0.98 * savings[gained], rtol=1e-9)
    limit = np.array([0.05, 0.075] + [0.10] * (place.years - 2)) * benchmark
    repaid = np.maximum(0.4 * savings, -limit * np.ones_like(savings))
    assert (repaid[lost] > 0.4 * savings[lost]).any(), "some losses reach the limit"
    np.testing.assert_allclose(aco[lost], repaid[lost], rtol=1e-9)
    np.testing.assert_allclose(aco[~gained & ~lost], 0.0, atol=1e-3)


def test_four_pots_pool_within_a_pot_and_not_across():
    """More volatile emergency demand changes the continuing care pot's results and no other pot's."""
    calm, stormy = default_place(), default_place(emergency__volatility=0.3)
    a = settle(calm, "four_pots", draws=500, seed=2)
    b = settle(stormy, "four_pots", draws=500, seed=2)
    for pot in ("first_contact_pot", "planned_specialist_pot", "public_health_pot"):
        np.testing.assert_allclose(a.surplus(pot), b.surplus(pot))
    assert b.surplus("continuing_care_pot").std() > a.surplus("continuing_care_pot").std()
