"""The questions the course asks of the model.

`wrong_pocket`: when one organisation spends upstream, who gains and who pays,
under each arrangement? `deficit_risk`: each organisation's chance of a
deficit and its bad-year figure, under an arrangement and under silos.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from carepool import validation as check
from carepool.arrangements import Arrangement, all_arrangements, arrangement as pick
from carepool.levers import checked
from carepool.parameters import default
from carepool.place import Place, default_place
from carepool.simulation import settle

# A deficit is a shortfall of at least a penny, so the rounding noise of
# accounts that only pass money on (a pooled fund) is not counted as one.
DEFICIT_TOLERANCE = 0.01


def wrong_pocket(place: Place | None = None, *, investment_line: str | None = None, amount: float | None = None,
                 arrangements: Iterable[str | Arrangement] | None = None, years: int | None = None) -> pd.DataFrame:
    """Who gains and who pays when ``amount`` £ a year is spent upstream on ``investment_line``.

    For each arrangement (default: all six with default options), runs the
    deterministic scenario with and without the investment and returns one
    row per organisation: ``arrangement``, ``organisation``,
    ``surplus_change`` (mean £ a year over the run; negative: it pays) and
    ``role`` (``"pays"``, ``"gains"`` or ``"unaffected"``). Across the
    organisations of each arrangement the changes add up to the emergency
    cost avoided minus the amount spent: the arrangement only decides who
    gets which part.
    """
    place = default_place() if place is None else place
    line = default("simulation.investment_line") if investment_line is None else investment_line
    amount = default("simulation.upstream_investment") if amount is None else amount
    chosen = all_arrangements() if arrangements is None else [pick(a) for a in arrangements]
    rows = []
    for arr in chosen:
        before = settle(place, arr, years=years, investment_line=line)
        after = settle(place, arr, years=years, investment_line=line, upstream_investment=amount)
        for org in after.books:
            change = float(np.mean(after.surplus(org) - before.surplus(org)))
            # Changes within a rounding error of zero are "unaffected".
            role = "gains" if change > DEFICIT_TOLERANCE else "pays" if change < -DEFICIT_TOLERANCE else "unaffected"
            rows.append({"arrangement": arr.name, "organisation": org, "surplus_change": change, "role": role})
    return pd.DataFrame(rows, columns=["arrangement", "organisation", "surplus_change", "role"])


def net_effect(result: pd.DataFrame) -> pd.DataFrame:
    """The whole system's change under each arrangement of a `wrong_pocket` result: the sum of its
    organisations' changes (the emergency cost avoided minus the amount spent), one row per
    arrangement with ``organisation`` ``"system"`` and ``role`` ``"net"``."""
    net = result.groupby("arrangement", sort=False)["surplus_change"].sum().reset_index()
    net["organisation"], net["role"] = "system", "net"
    return net[["arrangement", "organisation", "surplus_change", "role"]]


def risk_summary(ledger, percentile: float | None = None, quantiles: Iterable[float] = ()) -> pd.DataFrame:
    """Per organisation, over every year and draw of a ledger: chance of a deficit,
    bad-year surplus (the given percentile), mean and standard deviation of the surplus,
    and a column ``p<q>`` for each percentile q in ``quantiles`` (e.g. ``p25``)."""
    pct = default("simulation.bad_year_percentile") if percentile is None else percentile
    pct = checked("simulation.bad_year_percentile", pct, "percentile")
    quantiles = [check.number("quantiles", q, 0.0, 100.0) for q in quantiles]
    rows = []
    for org in ledger.books:
        s = ledger.surplus(org).ravel()
        rows.append({
            "organisation": org,
            "chance_of_deficit": float(np.mean(s < -DEFICIT_TOLERANCE)),
            "bad_year": float(np.percentile(s, pct)),
            "mean_surplus": float(s.mean()),
            "sd_surplus": float(s.std()),
            **{f"p{q:g}": float(np.percentile(s, q)) for q in quantiles},
        })
    return pd.DataFrame(rows)


def deficit_risk(place: Place | None = None, arrangement: str | Arrangement = "acs", *, draws: int | None = None,
                 seed: int | None = None, compare_with: str | Arrangement | None = "silos",
                 percentile: float | None = None, **options) -> pd.DataFrame:
    """Each organisation's chance of a deficit and bad-year figure, pooled against siloed.

    Runs ``draws`` Monte Carlo draws (same seed, hence the same demand shocks)
    under ``arrangement`` and under ``compare_with`` (``None`` to skip it), and
    returns rows of ``arrangement``, ``organisation``, ``chance_of_deficit``
    (share of years, over all draws, in deficit), ``bad_year`` (the
    ``percentile``-th percentile of the yearly surplus, by default the 5th),
    ``mean_surplus`` and ``sd_surplus``. Further options (``years``,
    ``upstream_investment``, ``investment_line``) go to the run.
    """
    draws = default("simulation.draws") if draws is None else checked("simulation.draws", draws)
    seed = default("simulation.seed") if seed is None else seed
    chosen = [pick(arrangement)] + ([pick(compare_with)] if compare_with is not None else [])
    frames = []
    for arr in chosen:
        summary = risk_summary(settle(place, arr, draws=draws, seed=seed, **options), percentile)
        summary.insert(0, "arrangement", arr.name)
        frames.append(summary)
    return pd.concat(frames, ignore_index=True)
