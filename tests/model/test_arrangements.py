"""The arrangements: picked by name, inspectable, and each paying as the model reference says."""

from __future__ import annotations

import numpy as np
import pytest

from carepool.arrangements import (NHS_SYSTEM, ORGANISATIONS, SILO_ORGANISATIONS, arrangement, arrangement_names, icb_budgets,
                                   nhs_system_position)
from carepool.care import care, draw_shocks
from carepool.place import default_place
from carepool.simulation import settle, simulate


def test_every_arrangement_can_be_picked_by_name_and_inspected():
    assert arrangement_names() == ["silos", "acs", "section75", "aco", "mssp", "four_pots", "icb", "iho"]
    for name in arrangement_names():
        a = arrangement(name)
        text = " ".join(a.describe().split())  # the description wraps its lines
        assert a.name == name
        for part in (a.title, a.budget_holder, a.providers_paid, a.surplus_kept_by):
            assert part in text
        for option, value in a.options.items():
            assert f"{option}={value!r}" in text


def test_an_arrangement_prints_in_plain_words_naming_its_organisations_and_what_an_empty_cell_means():
    """A student who prints an arrangement, or leaves one as a cell's last line, reads what it is and
    which organisations its results hold, each in words; the silo organisations it replaces are named
    as absent, so that an empty cell in a table of several arrangements is understood."""
    from IPython.lib.pretty import pretty

    for name in arrangement_names():
        a = arrangement(name)
        assert str(a) == pretty(a) == a.describe()
        text = " ".join(str(a).split())
        in_results = list(simulate(default_place(), a, years=1, draws=1)["organisation"].unique())
        assert a.organisations() == in_results
        for org in in_results:
            assert f"{org}: {' '.join(ORGANISATIONS[org].split())}" in text
        absent = [org for org in SILO_ORGANISATIONS if org not in in_results]
        if absent:
            assert f"not in its results (they do not exist under it): {', '.join(absent)}" in text
            assert "empty (NaN), not 0" in text
        else:
            assert "not in its results" not in text
    assert "icb: the integrated care board" in str(arrangement("icb"))
    assert "pooled_fund: the section 75 pooled fund: not an organisation" in " ".join(
        str(arrangement("section75")).split())


def test_options_given_by_the_reader_replace_the_defaults():
    a = arrangement("section75", pooled_fraction=0.3)
    assert a.options == {"pooled_fraction": 0.3}
    aco = arrangement("aco", contract_years=15, social_care_in_scope=False)
    assert aco.contract_years == 15 and aco.social_care_in_scope is False
    assert aco.withhold_rate == 0.02  # the default from arrangements.yaml


def test_a_fixed_marginal_rate_baseline_leaves_the_hospital_with_most_of_the_cost_of_emergency_growth():
    """With the baseline fixed at the baseline year (as MRET's 2008/09 baseline was), emergency admissions
    on trend grow above it; each admission above it earns 30% of its price, so the trust loses 70% of the
    cost of the growth (planned care breaks even): a structural deficit that grows every year."""
    place = default_place(emergency_baseline_lag=10)
    df = simulate(place, "silos")
    acute = df[df["organisation"] == "acute_trust"].sort_values("year")
    em = place.lines["emergency"]
    baseline = em.activity_per_1000 * place.population / 1000
    growth = baseline * (1 + em.trend_growth) ** acute["year"].to_numpy() - baseline
    expected = -(1 - place.emergency_marginal_rate) * em.unit_cost * growth
    np.testing.assert_allclose(acute["surplus"].to_numpy(), expected, rtol=1e-9)


def test_a_baseline_re_set_each_year_leaves_a_trust_on_trend_breaking_even():
    """A lag of 0 re-sets the baseline to each year's expected admissions: no structural deficit."""
    df = simulate(default_place(emergency_baseline_lag=0), "silos")
    np.testing.assert_allclose(df[df["organisation"] == "acute_trust"]["surplus"], 0.0, atol=1e-3)


@pytest.mark.parametrize("lag", [1, 2])
def test_a_baseline_some_years_behind_charges_the_trust_for_that_much_growth(lag):
    """By default (lag 1) the trust bears one year's growth at the marginal rate, every year."""
    place = default_place(emergency_baseline_lag=lag)
    df = simulate(place, "silos")
    acute = df[df["organisation"] == "acute_trust"].sort_values("year")
    em, years = place.lines["emergency"], acute["year"].to_numpy()
    base = em.activity_per_1000 * place.population / 1000
    growth = base * (1 + em.trend_growth) ** years - base * (1 + em.trend_growth) ** np.maximum(years - lag, 0)
    np.testing.assert_allclose(acute["surplus"], -(1 - place.emergency_marginal_rate) * em.unit_cost * growth,
                               rtol=1e-9)


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


def test_under_the_icb_by_default_elective_care_is_paid_per_admission_and_emergency_care_is_fixed():
    """The 2025/26 rule: the acute trust's income (before the system's netting) is every elective
    admission at its full price plus the planned emergency admissions at full price, whatever the
    emergency demand turns out to be."""
    place = default_place()
    icb = arrangement("icb")
    assert icb.payment_rule == "2025/26"
    care_ = care(place, draw_shocks(place, 500, place.years, 3))
    books = icb.contracts(place, care_)
    expected = (place.lines["elective"].unit_cost * care_.activity["elective"]
                + place.lines["emergency"].unit_cost * care_.expected["emergency"])
    np.testing.assert_allclose(books.books["acute_trust"]["income"], expected, rtol=1e-12)
    # So, in any one year, its income less the elective payments is the same whatever the emergency demand.
    rest = books.books["acute_trust"]["income"] - place.lines["elective"].unit_cost * care_.activity["elective"]
    assert care_.activity["emergency"].std(axis=0).min() > 0
    np.testing.assert_allclose(rest.std(axis=0), 0.0, atol=1e-6)


def test_under_the_icb_with_the_2019_20_rule_the_trust_is_paid_its_plan_and_a_fifth_of_the_price_either_side():
    """The blended payment, kept for history: the acute trust's income is the planned activity at full
    price plus 20% of the price for each admission above or below plan (before the system's netting)."""
    place = default_place()
    icb = arrangement("icb", payment_rule="2019/20")
    shocks = draw_shocks(place, 500, place.years, 3)
    care_ = care(place, shocks)
    books = icb.contracts(place, care_)
    expected = sum(place.lines[s].unit_cost * (care_.expected[s] + 0.2 * (care_.activity[s] - care_.expected[s]))
                   for s in ("elective", "emergency"))
    np.testing.assert_allclose(books.books["acute_trust"]["income"], expected, rtol=1e-12)


def test_under_the_icb_the_nhs_system_shares_one_position_and_the_council_keeps_its_own():
    place = default_place()
    books = settle(place, "icb", draws=500, seed=3)
    system = nhs_system_position(books)
    shares = {org: b / sum(icb_budgets(place).values()) for org, b in icb_budgets(place).items()}
    for org in NHS_SYSTEM:
        np.testing.assert_allclose(books.surplus(org), shares[org] * system, rtol=1e-9, atol=1e-3)
    # The council is outside the NHS system: its position is its budget less the care it buys.
    council = books.books["local_authority"]
    np.testing.assert_allclose(books.surplus("local_authority"), council["funding"] - council["care_cost"])


def test_a_section_75_pool_beside_the_icb_shares_part_of_the_councils_position():
    place = default_place()
    alone = settle(place, arrangement("icb", section75_fraction=0.0), draws=500, seed=3)
    pooled = settle(place, arrangement("icb", section75_fraction=0.5), draws=500, seed=3)
    assert "pooled_fund" not in alone.books and "pooled_fund" in pooled.books
    assert pooled.surplus("local_authority").std() != alone.surplus("local_authority").std()


def test_the_four_pot_docstring_quotes_source_004_word_for_word():
    """Every quotation in FourPots' docstring is in source 004's text exactly as written."""
    import re

    from carepool.arrangements import FourPots
    from carepool.corpus.texts import text

    source = " ".join(text("reworking-the-nhs").split())
    quotes = re.findall(r'"([^"]+)"', " ".join(FourPots.__doc__.split()))
    quoted = [q for q in quotes if q != "Reworking the NHS"]
    assert len(quoted) == 3
    for q in quoted:
        assert q in source, q


def test_the_payment_rule_moves_risk_between_icb_and_trust_but_netting_undoes_it():
    """Before netting, the 2025/26 rule leaves emergency demand with the trust and elective demand with the
    ICB, unlike the blended payment; after the NHS system nets, each member's position is the same under
    either rule, since payments inside the system cancel in its total."""
    place = default_place()
    care_ = care(place, draw_shocks(place, 300, place.years, 5))
    now, then = arrangement("icb", payment_rule="2025/26"), arrangement("icb", payment_rule="2019/20")
    assert not np.allclose(now.contracts(place, care_).surplus("acute_trust"),
                           then.contracts(place, care_).surplus("acute_trust"))
    settled_now, settled_then = now.settle(place, care_), then.settle(place, care_)
    for org in settled_now.books:
        np.testing.assert_allclose(settled_now.surplus(org), settled_then.surplus(org), rtol=1e-9, atol=1e-3)
