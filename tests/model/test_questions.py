"""The course's questions: the wrong pocket, and each organisation's risk of a deficit."""

from __future__ import annotations

import numpy as np
import pytest

from carepool.arrangements import arrangement
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from carepool.simulation import settle, simulate

AMOUNT = 1e6


def _changes(frame, name):
    rows = frame[frame["arrangement"] == name]
    return dict(zip(rows["organisation"], rows["surplus_change"]))


@pytest.fixture(scope="module")
def place():
    return default_place()


@pytest.fixture(scope="module")
def pocket(place):
    return wrong_pocket(place, investment_line="social_care", amount=AMOUNT)


def test_the_wrong_pocket_covers_every_arrangement(pocket):
    assert set(pocket["arrangement"]) == {"silos", "acs", "section75", "aco", "mssp", "four_pots", "icb", "iho"}


def test_arrangements_only_decide_who_gets_the_net_saving(pocket, place):
    """Funding is unchanged, so the system as a whole gains the avoided emergency cost minus the spend."""
    net = place.links.avoided_acute_cost_per_pound * AMOUNT - AMOUNT
    for name, total in pocket.groupby("arrangement")["surplus_change"].sum().items():
        assert total == pytest.approx(net, rel=1e-9), name


def test_with_the_baseline_re_set_each_year_the_commissioner_keeps_the_whole_saving():
    """With a lag of 0 an avoided admission takes activity below the baseline, so the commissioner
    saves its full price and the trust, paid less for less care, is unaffected; the council pays."""
    place = default_place(emergency_baseline_lag=0)
    pocket = wrong_pocket(place, investment_line="social_care", amount=AMOUNT, arrangements=["silos"])
    saved = place.links.avoided_acute_cost_per_pound * AMOUNT
    c = _changes(pocket, "silos")
    assert c["local_authority"] == pytest.approx(-AMOUNT)
    assert c["nhs_commissioner"] == pytest.approx(saved)
    assert c["acute_trust"] == pytest.approx(0, abs=1e-3)


@pytest.mark.parametrize("lag", [None, 10])
def test_in_silos_the_council_pays_and_the_saving_is_split_30_70_between_commissioner_and_trust(lag):
    """The wrong pocket: the council bears the whole investment; the avoided admissions are the NHS's.
    Emergency activity on trend is above a baseline a year or more behind, so each avoided admission
    saves the commissioner only the marginal rate (30%) of its price and the acute trust the other 70%
    of its cost (the default lag, 1, and a fixed baseline alike)."""
    place = default_place() if lag is None else default_place(emergency_baseline_lag=lag)
    pocket = wrong_pocket(place, investment_line="social_care", amount=AMOUNT, arrangements=["silos"])
    saved = place.links.avoided_acute_cost_per_pound * AMOUNT
    rate = place.emergency_marginal_rate
    c = _changes(pocket, "silos")
    assert c["local_authority"] == pytest.approx(-AMOUNT)
    assert c["nhs_commissioner"] == pytest.approx(rate * saved)
    assert c["acute_trust"] == pytest.approx((1 - rate) * saved)
    assert c["gp_practices"] == pytest.approx(0, abs=1e-6)


def test_under_the_icb_the_council_pays_and_the_nhs_system_shares_the_saving(pocket, place):
    """The ICB keeps the wrong pocket between the NHS and the council: the council pays for the
    investment, the avoided admissions are the NHS system's, shared by its members' budgets."""
    saved = place.links.avoided_acute_cost_per_pound * AMOUNT
    c = _changes(pocket, "icb")
    assert c["local_authority"] == pytest.approx(-AMOUNT)
    assert c["icb"] + c["acute_trust"] + c["community_provider"] == pytest.approx(saved)
    assert c["gp_practices"] == pytest.approx(0, abs=1e-6)


def test_an_aco_holding_social_care_keeps_both_the_cost_and_the_saving(pocket, place):
    net = place.links.avoided_acute_cost_per_pound * AMOUNT - AMOUNT
    c = _changes(pocket, "aco")
    assert c["aco"] == pytest.approx(net)
    assert c["nhs_commissioner"] == pytest.approx(0, abs=1e-6)
    assert c["local_authority"] == pytest.approx(0, abs=1e-6)


def test_an_aco_without_social_care_leaves_the_council_paying(place):
    frame = wrong_pocket(place, amount=AMOUNT, arrangements=[arrangement("aco", social_care_in_scope=False)])
    c = _changes(frame, "aco")
    saved = place.links.avoided_acute_cost_per_pound * AMOUNT
    assert c["local_authority"] == pytest.approx(-AMOUNT)
    assert c["aco"] == pytest.approx(saved)


def test_the_continuing_care_pot_holds_both_sides_of_the_investment(pocket, place):
    net = place.links.avoided_acute_cost_per_pound * AMOUNT - AMOUNT
    c = _changes(pocket, "four_pots")
    assert c["continuing_care_pot"] == pytest.approx(net)
    assert c["planned_specialist_pot"] == pytest.approx(0, abs=1e-6)


def test_an_alliance_shares_the_net_result_by_its_shares(pocket, place):
    net = place.links.avoided_acute_cost_per_pound * AMOUNT - AMOUNT
    shares = arrangement("acs").partner_shares(place)
    for org, change in _changes(pocket, "acs").items():
        assert change == pytest.approx(shares[org] * net)


def test_a_small_saving_earns_no_shared_savings_below_the_minimum_savings_rate(pocket, place):
    """A £175,000 saving is far below 2% of the NHS budget, so Medicare (the commissioner) keeps it all."""
    saved = place.links.avoided_acute_cost_per_pound * AMOUNT
    c = _changes(pocket, "mssp")
    assert c["aco"] == pytest.approx(0, abs=1e-6)
    assert c["nhs_commissioner"] == pytest.approx(saved)


def test_with_no_link_the_investor_pays_and_nobody_gains(place):
    """Seamer et al. (2019)'s reading: no avoided admissions, so the spend is simply a cost."""
    frame = wrong_pocket(place.with_changes(avoided_acute_cost_per_pound=0.0), amount=AMOUNT)
    assert (frame["surplus_change"] <= 1e-6).all()
    assert set(frame.loc[frame["role"] == "pays", "arrangement"]) == set(frame["arrangement"])


@pytest.fixture(scope="module")
def risk(place):
    return deficit_risk(place, "acs", draws=2000, seed=11)


def test_deficit_risk_reports_both_the_arrangement_and_silos(risk):
    assert set(risk["arrangement"]) == {"acs", "silos"}
    assert risk["chance_of_deficit"].between(0, 1).all()
    assert (risk["bad_year"] <= risk["mean_surplus"]).all()


def test_alliance_partners_are_in_deficit_together(risk, place):
    """After a full risk share every partner holds a share of the same total, so all
    partners share one chance of a deficit: that of the system as a whole under silos."""
    acs = risk[risk["arrangement"] == "acs"]
    assert acs["chance_of_deficit"].nunique() == 1
    silos = settle(place, "silos", draws=2000, seed=11)
    system = sum(silos.surplus(o) for o in silos.books)
    assert acs["chance_of_deficit"].iloc[0] == pytest.approx(np.mean(system < 0))


def test_capitation_moves_all_the_volume_risk_onto_its_holder(place):
    """With no withhold, the commissioner and council pay fixed sums each year, so across
    draws of demand only the ACO's surplus varies (the council keeps public health only)."""
    books = settle(place, arrangement("aco", withhold_rate=0.0), draws=500, seed=3)
    spread = {org: books.surplus(org).std(axis=0) for org in books.books}  # across draws, per year
    assert np.all(spread["nhs_commissioner"] < 1e-6)
    assert np.all(spread["local_authority"] < 0.05 * spread["aco"])
    assert np.all(spread["aco"] > 0)
    silo = settle(place, "silos", draws=500, seed=3)
    assert np.all(silo.surplus("nhs_commissioner").std(axis=0) > 0)  # in silos the commissioner bore some


def test_unmet_social_care_need_becomes_delayed_bed_days_only_in_bad_years(place):
    expected_path = simulate(place, "silos")
    assert expected_path["delayed_bed_days"].sum() == 0  # on trend, need equals planned capacity
    draws = simulate(place, "silos", draws=200, seed=5)
    acute = draws[draws["organisation"] == "acute_trust"]
    assert (acute["delayed_bed_days"] > 0).any() and (acute["delayed_bed_days"] == 0).any()
    roomy = simulate(place.with_changes(social_care_capacity_headroom=1.0), "silos", draws=200, seed=5)
    assert roomy["delayed_bed_days"].sum() == 0


def test_a_deterministic_run_is_one_draw_of_every_year(place):
    df = simulate(place, "section75")
    assert set(df["draw"]) == {0}
    assert sorted(set(df["year"])) == list(range(1, place.years + 1))
    assert {"nhs_commissioner", "acute_trust", "community_provider", "gp_practices", "local_authority",
            "pooled_fund"} == set(df["organisation"])
