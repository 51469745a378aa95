"""Payment mechanisms: how much a payer pays a provider, as plain functions.

Each function works on NumPy arrays as well as on numbers (activity may be an
array of shape (draws, years)), and returns the payment in pounds. Bad input
raises `ModelInputError`; nothing is clipped.
"""

from __future__ import annotations

import numpy as np

from carepool.validation import ModelInputError, number


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
