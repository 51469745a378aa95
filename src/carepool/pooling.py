"""Risk pooling: sharing a combined surplus or deficit by agreed shares.

`share_out` is the transfer rule behind a risk and gain share and a pooled
fund; `pooled_variance` gives each partner's variance alone and after pooling
when every budget carries the same volatility per pound.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from carepool import validation as check


def share_out(positions: Mapping[str, np.ndarray], shares: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Transfers that leave each partner with its share of the partners' combined position.

    ``transfer[p] = shares[p] * sum(positions) - positions[p]``. Because the
    shares sum to 1 the transfers sum to zero: money is moved, not made.
    """
    shares = check.shares("shares", shares, positions)
    if set(shares) != set(positions):
        missing = sorted(set(positions) - set(shares))
        raise check.ModelInputError("shares", "a share for every partner (missing: " + ", ".join(missing) + ")",
                                    dict(shares))
    total = sum(np.asarray(v, dtype=float) for v in positions.values())
    return {p: shares[p] * total - np.asarray(positions[p], dtype=float) for p in positions}


def budget_shares(budgets: Mapping[str, float]) -> dict[str, float]:
    """Shares proportional to budgets (each budget must be 0 or more, and their sum above 0)."""
    checked = {p: check.number(f"budgets[{p!r}]", b, 0.0) for p, b in budgets.items()}
    total = sum(checked.values())
    if total <= 0:
        raise check.ModelInputError("budgets", "0 or more each, with a total above 0", dict(budgets))
    return {p: b / total for p, b in checked.items()}


def blend_shares(first: Mapping[str, float], second: Mapping[str, float], weight: float) -> dict[str, float]:
    """Shares ``(1 - weight) * first + weight * second``, partner by partner.

    Both must be shares (each from 0 to 1, summing to 1) of the same
    partners; so is the blend, for any ``weight`` from 0 to 1.
    """
    first = check.shares("first", first, first)
    second = check.shares("second", second, first)
    if set(second) != set(first):
        raise check.ModelInputError("second", "shares of the same partners as first", dict(second))
    w = check.number("weight", weight, 0.0, 1.0)
    return {p: (1.0 - w) * first[p] + w * second[p] for p in first}


def pooled_variance(budgets, volatility: float, correlation: float, shares) -> tuple[np.ndarray, np.ndarray]:
    """Each partner's variance alone and after pooling, with equal volatility per pound.

    Partner ``i``'s position has standard deviation ``volatility * budgets[i]``;
    any two positions have correlation ``correlation``. After pooling partner
    ``i`` holds ``shares[i]`` of the total. With shares proportional to
    budgets the pooled variance is never above the variance alone, and is
    below it whenever correlation < 1; with other shares a partner given a
    large share of a small budget can end up with more risk than before.
    """
    b = np.asarray(budgets, dtype=float)
    w = np.asarray(shares, dtype=float)
    sigma = check.number("volatility", volatility, 0.0)
    rho = check.number("correlation", correlation, 0.0, 1.0)
    sd = sigma * b
    cov = rho * np.outer(sd, sd)
    np.fill_diagonal(cov, sd**2)
    return sd**2, w**2 * cov.sum()
