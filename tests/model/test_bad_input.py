"""Every kind of bad input the model reference names raises an error naming the field and its allowed range."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from carepool import payments
from carepool.arrangements import arrangement
from carepool.place import ServiceLine, default_place
from carepool.simulation import simulate
from carepool.validation import ModelInputError


@contextmanager
def raises(field: str, allowed: str):
    """Expect a ModelInputError whose message names `field` and the `allowed` range."""
    with pytest.raises(ModelInputError) as info:
        yield info
    message = str(info.value)
    assert message.startswith(field + " must be"), message
    assert allowed in message, message


def test_negative_population_is_refused():
    with raises("population", "greater than 0"):
        default_place(population=-5)


def test_zero_population_is_refused():
    with raises("population", "greater than 0"):
        default_place(population=0)


def test_negative_unit_cost_is_refused():
    with raises("emergency.unit_cost", "from 0 to"):
        default_place(emergency__unit_cost=-1590)


def test_negative_activity_is_refused():
    with raises("social_care.activity_per_1000", "from 0 to"):
        default_place(social_care__activity_per_1000=-1)


def test_negative_activity_in_a_payment_is_refused():
    with raises("activity", "0 or more"):
        payments.tariff([10.0, -1.0], 100.0)


def test_shares_that_do_not_sum_to_one_are_refused():
    shares = {"nhs_commissioner": 0.5, "acute_trust": 0.3, "community_provider": 0.1,
              "gp_practices": 0.05, "local_authority": 0.1}
    with raises("shares", "sum to 1"):
        arrangement("acs", shares=shares)


def test_a_negative_share_is_refused():
    shares = {"nhs_commissioner": 0.6, "acute_trust": -0.2, "community_provider": 0.3,
              "gp_practices": 0.2, "local_authority": 0.1}
    with raises("shares['acute_trust']", "from 0 to 1"):
        arrangement("acs", shares=shares)


def test_shares_for_an_unknown_partner_are_refused():
    with raises("shares partner", "one of"):
        arrangement("acs", shares={"nhs_commissioner": 0.5, "dentists": 0.5})


def test_unknown_service_is_refused():
    with raises("service", "'primary_care'"):
        ServiceLine(name="dentistry", activity_per_1000=1, unit_cost=1, trend_growth=0, volatility=0)
    with raises("service", "'social_care'"):
        default_place(dentistry__unit_cost=10)


def test_unknown_investment_line_is_refused():
    with raises("investment_line", "'community'"):
        simulate(upstream_investment=1e6, investment_line="elective")


def test_unknown_arrangement_is_refused():
    with raises("arrangement", "'section75'"):
        arrangement("nhs_internal_market")


def test_unknown_arrangement_option_is_refused():
    with raises("aco option", "'contract_years'"):
        arrangement("aco", contract_length=10)


def test_contract_length_of_zero_is_refused():
    with raises("contract_years", "a whole number from 1 to 50"):
        arrangement("aco", contract_years=0)


def test_pooled_fraction_above_one_is_refused():
    with raises("pooled_fraction", "from 0 to 1"):
        arrangement("section75", pooled_fraction=1.5)


def test_a_shared_savings_track_other_than_one_or_two_is_refused():
    with raises("track", "a whole number from 1 to 2"):
        arrangement("mssp", track=3)
    with raises("track", "a whole number from 1 to 2"):
        payments.mssp_payment(1e8, 9e7, track=3, assigned_beneficiaries=20_000, quality_score=0.9)


def test_a_quality_score_above_one_is_refused():
    with raises("quality_score", "from 0 to 1"):
        arrangement("mssp", quality_score=1.2)
    with raises("quality_score", "from 0 to 1"):
        payments.mssp_payment(1e8, 9e7, track=1, assigned_beneficiaries=20_000, quality_score=1.2)


def test_negative_or_too_few_assigned_beneficiaries_are_refused():
    for n in (-10_000, 4_999):
        with raises("assigned_beneficiaries", "from 5000 to"):
            payments.mssp_minimum_savings_rate(n)
        with raises("assigned_beneficiaries", "from 5000 to"):
            payments.mssp_payment(1e8, 9e7, track=1, assigned_beneficiaries=n, quality_score=0.9)


def test_marginal_rate_above_one_is_refused():
    with raises("rate", "from 0 to 1"):
        payments.marginal_rate(10, 5, 100, 1.3)
    with raises("emergency_marginal_rate", "from 0 to 1"):
        default_place(emergency_marginal_rate=1.3)


def test_withhold_achievement_outside_zero_to_one_is_refused():
    with raises("achievement", "from 0 to 1"):
        payments.withhold(100.0, 0.02, 1.5)


def test_volatility_above_one_is_refused():
    with raises("emergency.volatility", "from 0 to 1"):
        default_place(emergency__volatility=2.0)


def test_years_of_zero_are_refused():
    with raises("years", "a whole number from 1 to 50"):
        default_place(years=0)


def test_zero_draws_are_refused():
    with raises("draws", "a whole number from 1 to"):
        simulate(draws=0)


def test_negative_upstream_investment_is_refused():
    with raises("upstream_investment", "from 0 to"):
        simulate(upstream_investment=-1)


def test_upstream_investment_that_would_avoid_every_admission_is_refused():
    place = default_place(avoided_acute_cost_per_pound=1.75)   # £50m would avoid £87.5m, over a year's £49m
    with raises("upstream_investment", "from 0 to below"):
        simulate(place, upstream_investment=5e7)


def test_a_yes_or_no_option_must_be_true_or_false():
    with raises("social_care_in_scope", "True or False"):
        arrangement("aco", social_care_in_scope="yes")


def test_bad_values_are_not_silently_clipped():
    """A rate of 1.3 is an error, not a rate of 1."""
    with pytest.raises(ModelInputError):
        arrangement("mssp", quality_score=1.3)


def test_bad_options_of_the_integrated_health_organisation_are_refused_by_name_and_range():
    with raises("risk_share", "from 0 to 1"):
        arrangement("iho", risk_share=1.5)
    with raises("risk_share", "from 0 to 1"):
        arrangement("iho", risk_share=-0.1)
    with raises("capitation_margin", "from -0.5 to 0.5"):
        arrangement("iho", capitation_margin=0.6)
    with raises("general_practice", "'subcontract'"):
        arrangement("iho", general_practice="gp_federation")
    with raises("community_services", "'in_house'"):
        arrangement("iho", community_services="outsourced")
    with raises("section75_fraction", "from 0 to 1"):
        arrangement("iho", section75_fraction=2)
    with raises("iho option", "'risk_share'"):
        arrangement("iho", risk_sharing=0.5)


def test_an_unknown_payment_rule_or_activity_type_is_refused_by_name():
    with raises("payment_rule", "'2025/26'"):
        arrangement("icb", payment_rule="2023/24")
    with raises("rule", "'2019/20'"):
        payments.nhs_payment_scheme(10, 10, 100.0, "elective", rule="2010/11")
    with raises("activity_type", "'urgent_and_emergency'"):
        payments.nhs_payment_scheme(10, 10, 100.0, "maternity")
    with raises("planned", "0 or more"):
        payments.nhs_payment_scheme(10, -1, 100.0, "urgent_and_emergency")
