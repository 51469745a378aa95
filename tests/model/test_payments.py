"""Each payment mechanism at its edges: zero activity, exactly at the baseline, far above it;
shared savings just under and just over the minimum savings rate."""

from __future__ import annotations

import numpy as np
import pytest

from carepool import payments
from carepool.parameters import default, load_parameters

PRICE = 1590.0  # the non-elective admission cost used as the emergency tariff


def test_tariff_pays_nothing_for_no_activity_and_the_price_for_each_unit():
    assert payments.tariff(0, PRICE) == 0
    assert payments.tariff(1000, PRICE) == pytest.approx(1000 * PRICE)


def test_tariff_works_on_arrays_of_draws_and_years():
    activity = np.array([[0.0, 10.0], [20.0, 30.0]])
    np.testing.assert_allclose(payments.tariff(activity, 2.0), [[0, 20], [40, 60]])


def test_marginal_rate_pays_nothing_for_no_activity():
    assert payments.marginal_rate(0, 30_000, PRICE, 0.3) == 0


def test_marginal_rate_below_baseline_is_the_full_tariff():
    assert payments.marginal_rate(20_000, 30_000, PRICE, 0.3) == pytest.approx(20_000 * PRICE)


def test_marginal_rate_exactly_at_baseline_is_the_full_tariff():
    assert payments.marginal_rate(30_000, 30_000, PRICE, 0.3) == pytest.approx(30_000 * PRICE)


def test_marginal_rate_far_above_baseline_pays_thirty_percent_for_the_growth():
    # 30,000 at full price, then 70,000 more admissions at 30% of it.
    expected = 30_000 * PRICE + 0.3 * 70_000 * PRICE
    assert payments.marginal_rate(100_000, 30_000, PRICE, 0.3) == pytest.approx(expected)


def test_marginal_rate_of_one_is_the_plain_tariff_and_of_zero_pays_nothing_above_baseline():
    assert payments.marginal_rate(50_000, 30_000, PRICE, 1.0) == pytest.approx(payments.tariff(50_000, PRICE))
    assert payments.marginal_rate(50_000, 30_000, PRICE, 0.0) == pytest.approx(30_000 * PRICE)


@pytest.mark.parametrize("activity", [0.0, 500.0, 1e6])
def test_block_contract_pays_the_same_whatever_the_activity(activity):
    assert payments.block(36e6, activity) == 36e6


def test_block_contract_takes_the_shape_of_the_activity():
    out = payments.block(np.array([1.0, 2.0]), np.zeros((3, 2)))
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out[:, 1], 2.0)


def test_capitation_is_population_times_rate_and_nothing_for_no_one():
    assert payments.capitation(300_000, 195.0) == pytest.approx(58.5e6)
    assert payments.capitation(0, 195.0) == 0


BENCH = 100e6


def test_shared_savings_just_under_the_minimum_savings_rate_pays_nothing():
    actual = BENCH * (1 - 0.02) + 1.0  # savings one pound short of 2%
    assert payments.shared_savings(BENCH, actual, 0.5, 0.02) == 0


def test_shared_savings_just_over_the_minimum_savings_rate_shares_all_savings():
    actual = BENCH * (1 - 0.02) - 1.0  # savings one pound beyond 2%
    savings = BENCH - actual
    # First-pound sharing: half of all the savings, not just of those beyond 2%.
    assert payments.shared_savings(BENCH, actual, 0.5, 0.02) == pytest.approx(0.5 * savings)


def test_shared_savings_jump_at_the_threshold():
    under = payments.shared_savings(BENCH, BENCH * 0.98 + 1, 0.5, 0.02)
    over = payments.shared_savings(BENCH, BENCH * 0.98 - 1, 0.5, 0.02)
    assert over - under == pytest.approx(0.5 * 0.02 * BENCH, rel=1e-6)


def test_one_sided_shared_savings_never_charges_the_aco_for_losses():
    assert payments.shared_savings(BENCH, BENCH * 1.2, 0.5, 0.02) == 0


def test_two_sided_shared_savings_charges_a_share_of_losses_beyond_the_minimum_loss_rate():
    loss = 0.05 * BENCH
    paid = payments.shared_savings(BENCH, BENCH + loss, 0.5, 0.02, two_sided=True, loss_rate=0.4)
    assert paid == pytest.approx(-0.4 * loss)


def test_two_sided_shared_savings_charges_nothing_for_losses_within_the_minimum_loss_rate():
    paid = payments.shared_savings(BENCH, BENCH * 1.01, 0.5, 0.02, two_sided=True, loss_rate=0.4)
    assert paid == 0


def test_shared_savings_with_no_activity_shares_the_whole_benchmark():
    assert payments.shared_savings(BENCH, 0.0, 0.5, 0.02) == pytest.approx(0.5 * BENCH)


def test_withhold_keeps_back_its_share_when_no_outcome_is_met():
    assert payments.withhold(100e6, 0.02, 0.0) == pytest.approx(98e6)


def test_withhold_is_paid_in_full_when_every_outcome_is_met():
    assert payments.withhold(100e6, 0.02, 1.0) == pytest.approx(100e6)


def test_withhold_pays_in_proportion_to_outcomes_met():
    assert payments.withhold(100e6, 0.02, 0.5) == pytest.approx(99e6)


def test_withhold_of_nothing_is_nothing():
    assert payments.withhold(0.0, 0.02, 1.0) == 0


def test_aligned_payment_pays_the_plan_at_full_price_and_a_share_of_price_either_side():
    """A fixed element for planned activity; 20% of the price for each unit above plan, refunded below."""
    price, plan = 1590.0, 30_000
    assert payments.aligned_payment(plan, plan, price, 0.2) == pytest.approx(price * plan)
    assert payments.aligned_payment(plan + 1_000, plan, price, 0.2) == pytest.approx(price * plan + 0.2 * price * 1_000)
    assert payments.aligned_payment(plan - 1_000, plan, price, 0.2) == pytest.approx(price * plan - 0.2 * price * 1_000)


def test_aligned_payment_runs_from_a_block_contract_to_a_tariff():
    activity = np.array([10_000.0, 30_000.0, 50_000.0])
    np.testing.assert_allclose(payments.aligned_payment(activity, 30_000, 1590.0, 1.0),
                               payments.tariff(activity, 1590.0))
    np.testing.assert_allclose(payments.aligned_payment(activity, 30_000, 1590.0, 0.0),
                               payments.block(1590.0 * 30_000, activity))


def test_aligned_payments_variable_share_is_the_cited_blended_payment_rate():
    # The 2019/20 blended payment for emergency care: 20% of price for activity above or below plan.
    assert default("payments.aligned_payment_variable_rate") == 0.2
    p = load_parameters()["payments.aligned_payment_variable_rate"]
    assert any("2019/20 National Tariff Payment System" in r.get("citation", "") for r in p.references)


# --- the NHS Payment Scheme by activity type ---------------------------------------------------

def test_under_the_2025_26_rule_each_elective_admission_earns_its_full_price():
    """The variable element pays elective activity at 100% of the unit price: every admission, from the
    first, with no fixed element, so the plan does not matter."""
    activity = np.array([0.0, 9_000.0, 10_000.0, 12_000.0])
    for plan in (0.0, 10_000.0, 20_000.0):
        np.testing.assert_allclose(payments.nhs_payment_scheme(activity, plan, 3684.0, "elective"),
                                   3684.0 * activity)


def test_under_the_2025_26_rule_urgent_and_emergency_care_is_a_fixed_sum_for_the_plan():
    activity = np.array([0.0, 25_000.0, 30_000.0, 40_000.0])
    np.testing.assert_allclose(payments.nhs_payment_scheme(activity, 30_000.0, PRICE, "urgent_and_emergency"),
                               np.full(4, PRICE * 30_000.0))


def test_the_2019_20_rule_is_the_blended_payment_on_both_types_of_activity():
    activity = np.array([8_000.0, 10_000.0, 12_000.0])
    for kind in ("elective", "urgent_and_emergency"):
        np.testing.assert_allclose(payments.nhs_payment_scheme(activity, 10_000.0, PRICE, kind, rule="2019/20"),
                                   payments.aligned_payment(activity, 10_000.0, PRICE, 0.2))


def test_the_payment_rules_by_hand():
    """A hand-worked year under the rules as the NHS Payment Scheme states them (2025/26: "Almost all
    elective activity is included in the variable element and paid for using 100% of NHSPS unit
    prices"; urgent and emergency care in the fixed element) and under the 2019/20 blended payment
    (a fixed element for plan, 20% of price either side). Prices are the model's reference costs.

    An acute trust plans 10,000 elective admissions at £3,684 and delivers 10,500, and plans 30,000
    emergency admissions at £1,590 and delivers 31,000.

    2025/26: elective 10,500 x £3,684 = £38,682,000; emergency fixed 30,000 x £1,590 = £47,700,000;
    together £86,382,000. The 1,000 emergency admissions above plan earn nothing more.
    2019/20: elective 10,000 x £3,684 + 0.2 x £3,684 x 500 = £36,840,000 + £368,400 = £37,208,400;
    emergency 30,000 x £1,590 + 0.2 x £1,590 x 1,000 = £47,700,000 + £318,000 = £48,018,000;
    together £85,226,400.
    """
    pay = payments.nhs_payment_scheme
    assert pay(10_500, 10_000, 3684.0, "elective") == pytest.approx(38_682_000)
    assert pay(31_000, 30_000, 1590.0, "urgent_and_emergency") == pytest.approx(47_700_000)
    assert pay(10_500, 10_000, 3684.0, "elective", rule="2019/20") == pytest.approx(37_208_400)
    assert pay(31_000, 30_000, 1590.0, "urgent_and_emergency", rule="2019/20") == pytest.approx(48_018_000)
    # A year below plan: 9,500 elective and 29,000 emergency admissions.
    # 2025/26: 9,500 x £3,684 = £34,998,000 and still £47,700,000 for emergencies.
    # 2019/20: £36,840,000 - £368,400 = £36,471,600 and £47,700,000 - £318,000 = £47,382,000.
    assert pay(9_500, 10_000, 3684.0, "elective") == pytest.approx(34_998_000)
    assert pay(29_000, 30_000, 1590.0, "urgent_and_emergency") == pytest.approx(47_700_000)
    assert pay(9_500, 10_000, 3684.0, "elective", rule="2019/20") == pytest.approx(36_471_600)
    assert pay(29_000, 30_000, 1590.0, "urgent_and_emergency", rule="2019/20") == pytest.approx(47_382_000)


def test_the_2025_26_rule_is_the_default_and_cites_the_payment_scheme():
    assert default("arrangements.icb.payment_rule") == "2025/26"
    p = load_parameters()["arrangements.icb.payment_rule"]
    assert any("2025/26 NHS Payment Scheme" in r.get("citation", "") and r.get("year") == 2025
               for r in p.references)
    assert any("100% of NHSPS unit prices" in r.get("citation", "") for r in p.references)
