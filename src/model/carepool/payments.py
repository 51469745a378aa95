"""Payment mechanisms: how much a payer pays a provider, as plain functions (equations in the
model reference page, book/model/model_reference.md).

Each function works on NumPy arrays as well as on numbers (activity may be an
array of shape (draws, years)), and returns the payment in pounds. Bad input
raises `ModelInputError`; nothing is clipped.
"""

from __future__ import annotations

import numpy as np

from carepool.levers import checked
from carepool.parameters import default
from carepool.place import default_place
from carepool.validation import ModelInputError, number
from carepool.validation import one_of as check_one_of


def _non_negative(field: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        bad = arr[~(np.isfinite(arr) & (arr >= 0))].ravel()[0]
        raise ModelInputError(field, "0 or more (and finite)", float(bad))
    return arr


def tariff(activity, price) -> np.ndarray:
    """Payment by Results: every unit of activity earns the same price.

    ``tariff(activity, price) = activity * price``.
    """
    return _non_negative("activity", activity) * number("price", price, 0.0)


def marginal_rate(activity, baseline, price, rate) -> np.ndarray:
    """A tariff paying only ``rate`` of the price for activity above ``baseline``.

    Full price up to the baseline, ``rate * price`` above it, so the payment is
    continuous and piecewise linear in activity (the marginal rate emergency
    tariff: 30% above the 2008/09 baseline from 2010/11)::

        price * min(activity, baseline) + rate * price * max(activity - baseline, 0)
    """
    a = _non_negative("activity", activity)
    b = _non_negative("baseline", baseline)
    p = number("price", price, 0.0)
    r = number("rate", rate, 0.0, 1.0)
    return p * np.minimum(a, b) + r * p * np.maximum(a - b, 0.0)


def block(amount, activity=None) -> np.ndarray:
    """A block contract: a fixed sum whatever the activity.

    ``activity`` is accepted only to give the result its shape (and is checked);
    it does not change the payment.
    """
    amt = _non_negative("amount", amount)
    if activity is None:
        return amt
    return np.broadcast_to(amt, np.broadcast_shapes(np.shape(amt), np.shape(_non_negative("activity", activity)))).copy()


def capitation(population, rate_per_head) -> np.ndarray:
    """A capitated budget: a fixed sum per person covered, ``population * rate_per_head``.

    ``rate_per_head`` may be an array (a rate for each year).
    """
    return _non_negative("population", population) * _non_negative("rate_per_head", rate_per_head)


def shared_savings(benchmark, actual, sharing_rate, minimum_savings_rate,
                   two_sided=False, loss_rate=0.0, minimum_loss_rate=None) -> np.ndarray:
    """The payment from payer to ACO under shared savings (negative: the ACO pays back).

    Savings are ``benchmark - actual``. Once savings reach the minimum savings
    rate (a fraction of the benchmark) the ACO gets ``sharing_rate`` of all of
    them; below it, nothing, so the payment jumps at the threshold. With
    ``two_sided=True`` the ACO also pays ``loss_rate`` of any loss once losses
    reach ``minimum_loss_rate`` of the benchmark (by default the minimum
    savings rate). This is the Medicare Shared Savings Program's design.
    """
    bench = _non_negative("benchmark", benchmark)
    act = _non_negative("actual", actual)
    share = number("sharing_rate", sharing_rate, 0.0, 1.0)
    msr = number("minimum_savings_rate", minimum_savings_rate, 0.0, 1.0)
    if not isinstance(two_sided, bool):
        raise ModelInputError("two_sided", "True or False", two_sided)
    loss = number("loss_rate", loss_rate, 0.0, 1.0)
    mlr = msr if minimum_loss_rate is None else number("minimum_loss_rate", minimum_loss_rate, 0.0, 1.0)
    savings = bench - act
    gain = np.where(savings >= msr * bench, share * savings, 0.0)
    if not two_sided:
        return gain
    return gain + np.where(-savings >= mlr * bench, loss * savings, 0.0)


def withhold(amount, withhold_rate, achievement) -> np.ndarray:
    """Pay ``amount`` less a withhold, returning the withheld part in proportion to outcomes met.

    ``achievement`` is the fraction of the outcome target met, from 0 to 1::

        amount * (1 - withhold_rate) + amount * withhold_rate * achievement
    """
    amt = _non_negative("amount", amount)
    w = number("withhold_rate", withhold_rate, 0.0, 1.0)
    ach = np.asarray(achievement, dtype=float)
    if not np.all(np.isfinite(ach)) or np.any((ach < 0) | (ach > 1)):
        bad = ach[~(np.isfinite(ach) & (ach >= 0) & (ach <= 1))].ravel()[0]
        raise ModelInputError("achievement", "from 0 to 1", float(bad))
    return amt * (1.0 - w) + amt * w * ach


# --- The Medicare Shared Savings Program, as its rule (42 CFR 425.604, 425.606) ---------------

# Track 1's minimum savings rate by number of assigned beneficiaries (42 CFR 425.604(b)): each
# band's rate at its lowest and highest number, interpolated within the band; 2% from 60,000.
MSSP_MSR_BANDS = (
    # (fewest, most, rate at fewest, rate at most)
    (5_000, 5_999, 0.039, 0.036),
    (6_000, 6_999, 0.036, 0.034),
    (7_000, 7_999, 0.034, 0.032),
    (8_000, 8_999, 0.032, 0.031),
    (9_000, 9_999, 0.031, 0.030),
    (10_000, 14_999, 0.030, 0.027),
    (15_000, 19_999, 0.027, 0.025),
    (20_000, 49_999, 0.025, 0.022),
    (50_000, 59_999, 0.022, 0.020),
)
MSSP_FEWEST_BENEFICIARIES = 5_000        # an ACO needs at least 5,000 assigned beneficiaries
MSSP_MAX_SHARING_RATE = {1: 0.50, 2: 0.60}   # times the quality score (425.604(d), 425.606(d))
MSSP_PAYMENT_CAP = {1: 0.10, 2: 0.15}        # of the updated benchmark (425.604(e), 425.606(e))
MSSP_TRACK2_RATE = 0.02       # track 2's minimum savings and loss rates, 2012-2015 agreements (425.606(b)(1)(i))
MSSP_MAX_LOSS_RATE = 0.60      # track 2 shared loss rate: 1 - final sharing rate, at most 60% (425.606(f))
MSSP_LOSS_LIMIT = (0.05, 0.075, 0.10)  # of the benchmark, in the 1st, 2nd, 3rd and later years on track 2 (425.606(g))
SEQUESTRATION = 0.02                         # cut to payments to ACOs from 2013


def _track(track) -> int:
    return checked("arrangements.mssp.track", track, "track")


def mssp_minimum_savings_rate(assigned_beneficiaries, track=1) -> float:
    """The minimum savings rate (a fraction of the benchmark) an ACO must beat before sharing savings.

    Track 1 (one-sided): 3.9% at 5,000 assigned beneficiaries falling to 2.0%
    at 60,000 or more, interpolated linearly within each size band of 42 CFR
    425.604(b) (``MSSP_MSR_BANDS``), from the band's rate at its fewest to its
    rate at its most (CMS's published rates follow this to the sixth decimal).
    Track 2 (two-sided): a flat 2%, the rate for agreements of 2012 to 2015
    (later agreements choose their own). Fewer than 5,000 beneficiaries is
    refused: the program needs at least 5,000.
    """
    t = _track(track)
    n = number("assigned_beneficiaries", assigned_beneficiaries, MSSP_FEWEST_BENEFICIARIES, 1e8)
    if t == 2:
        return MSSP_TRACK2_RATE
    for fewest, most, rate_fewest, rate_most in MSSP_MSR_BANDS:
        if n < most + 1:
            return rate_fewest + (rate_most - rate_fewest) * (min(n, most) - fewest) / (most - fewest)
    return 0.02


def mssp_payment(benchmark, expenditure, *, track, assigned_beneficiaries, quality_score,
                 sequestration=True, year_on_track=3):
    """Medicare's payment to an ACO for a performance year (negative: the ACO repays losses).

    With savings ``benchmark - expenditure`` (for the ACO's assigned
    beneficiaries) and the minimum savings rate of
    `mssp_minimum_savings_rate`: once savings reach that rate of the
    benchmark, the ACO earns the track's sharing rate (50% on track 1, 60% on
    track 2) times ``quality_score`` of *all* the savings, up to 10% (track 1)
    or 15% (track 2) of the benchmark, cut by 2% when ``sequestration``.
    On track 2, once losses reach 2% of the benchmark, the ACO repays the
    shared loss rate (1 minus its final sharing rate, at most 60%) of all the
    losses, up to 5%, 7.5% or 10% of the benchmark in its first, second, or
    third and later performance year on the track (``year_on_track``, 1, 2,
    3, ...). Sequestration cuts payments to ACOs only, not the losses they
    repay. Arguments may be arrays (the result then has their shape).
    The rule: 42 CFR 425.604 and 425.606; equations in the model reference.
    """
    t = _track(track)
    bench = _non_negative("benchmark", benchmark)
    spent = _non_negative("expenditure", expenditure)
    quality = number("quality_score", quality_score, 0.0, 1.0)
    if not isinstance(sequestration, bool):
        raise ModelInputError("sequestration", "True or False", sequestration)
    year = np.asarray(year_on_track)
    whole = np.issubdtype(year.dtype, np.integer) and np.all(year >= 1)
    if not whole:
        raise ModelInputError("year_on_track", "a whole number, 1 or more", year_on_track)
    msr = mssp_minimum_savings_rate(assigned_beneficiaries, t)
    sharing = MSSP_MAX_SHARING_RATE[t] * quality
    savings = bench - spent
    earned = np.minimum(sharing * savings, MSSP_PAYMENT_CAP[t] * bench)
    if sequestration:
        earned = earned * (1.0 - SEQUESTRATION)
    payment = np.where(savings >= msr * bench, earned, 0.0)
    if t == 2:
        loss_rate = min(1.0 - sharing, MSSP_MAX_LOSS_RATE)
        limit = np.asarray(MSSP_LOSS_LIMIT)[np.minimum(year, len(MSSP_LOSS_LIMIT)) - 1]
        owed = np.minimum(loss_rate * -savings, limit * bench)
        payment = np.where(-savings >= MSSP_TRACK2_RATE * bench, -owed, payment)
    return float(payment) if np.ndim(payment) == 0 else payment


def aligned_payment(activity, planned, price, variable_rate) -> np.ndarray:
    """Aligned payment and incentive (and the 2019/20 blended payment): a fixed element for the
    planned activity, plus a variable element of ``variable_rate`` times the unit price for each
    unit above plan (refunded for each unit below)::

        price * planned + variable_rate * price * (activity - planned)

    With a rate of 1 it is the tariff; with 0 a block contract for the plan.
    """
    a = _non_negative("activity", activity)
    plan = _non_negative("planned", planned)
    p = number("price", price, 0.0)
    r = checked("payments.aligned_payment_variable_rate", variable_rate, "variable_rate")
    return p * plan + r * p * (a - plan)


# --- The NHS Payment Scheme by activity type ----------------------------------------------------

# The model's acute lines as the payment scheme names their activity.
ACTIVITY_TYPES = {"elective": "elective", "emergency": "urgent_and_emergency"}
PAYMENT_RULES = ("2025/26", "2019/20")


def nhs_payment_scheme(activity, planned, price, activity_type, rule="2025/26", variable_rate=None) -> np.ndarray:
    """What an ICB pays an NHS trust for one type of activity under a year's national payment rule.

    ``activity_type`` is ``"elective"`` or ``"urgent_and_emergency"``; ``rule`` is
    ``"2025/26"`` or ``"2019/20"``:

    - ``"2025/26"`` (the 2025/26 NHS Payment Scheme's aligned payment and
      incentive): elective activity is paid through the variable element at
      100% of the unit price for each unit delivered (``price * activity``,
      no fixed element); urgent and emergency care is paid through the fixed
      element, a sum for the planned activity (``price * planned``) whatever
      is delivered.
    - ``"2019/20"`` (the 2019/20 blended payment, kept for history): a fixed
      element for the plan and ``variable_rate`` of the price for each unit
      above plan, refunded below (`aligned_payment`; default rate
      ``payments.aligned_payment_variable_rate``, 20%), applied to both types
      as the model did before the 2025/26 rule was added (the 2019/20 tariff
      set it for emergency care).
    """
    kind = check_one_of("activity_type", activity_type, tuple(ACTIVITY_TYPES.values()))
    rule = checked("arrangements.icb.payment_rule", rule, "rule")
    if rule == "2019/20":
        rate = default("payments.aligned_payment_variable_rate") if variable_rate is None else variable_rate
        return aligned_payment(activity, planned, price, rate)
    if kind == "elective":
        return tariff(activity, price)
    return block(_non_negative("planned", planned) * number("price", price, 0.0), activity)


def provider_income(activity, baseline: float, rate: float, place=None) -> dict[str, np.ndarray]:
    """An acute trust's emergency income (£) at each activity under each way of paying.

    The price is the place's emergency unit cost (default: the default place).
    The block, the capitated budget, the shared-savings benchmark and the
    aligned payment's plan are all set at the baseline, so every line meets
    the tariff there. ``rate`` is the marginal rate above the baseline; the
    shared-savings terms are the ``mssp`` arrangement's defaults, with the
    place's population as assigned beneficiaries; the aligned payment's
    variable element is its default share of the price.
    """
    place = default_place() if place is None else place
    price = place.lines["emergency"].unit_cost
    expected_cost = number("baseline", baseline, 0.0) * price
    fee_for_service = tariff(activity, price)
    benchmark = np.full_like(fee_for_service, expected_cost)
    return {
        "tariff": fee_for_service,
        "marginal_rate": marginal_rate(activity, baseline, price, rate),
        "block": block(expected_cost, activity),
        "capitation": capitation(place.population, expected_cost / place.population) * np.ones_like(fee_for_service),
        "shared_savings": fee_for_service + mssp_payment(
            benchmark, fee_for_service, track=default("arrangements.mssp.track"),
            assigned_beneficiaries=place.population, quality_score=default("arrangements.mssp.quality_score"),
            sequestration=default("arrangements.mssp.sequestration")),
        "aligned_payment": aligned_payment(activity, baseline, price,
                                           default("payments.aligned_payment_variable_rate")),
    }
