"""Runs of the model: one deterministic scenario, or many draws of demand shocks.

Both return a tidy pandas frame, one row per organisation, year and draw:

=====================  ==============================================================
organisation           who (``nhs_commissioner``, ``acute_trust``, ``aco``, ...)
year                   1, 2, ... (year 0 is the baseline year)
draw                   0 for a deterministic run; 0 .. draws-1 for Monte Carlo
income                 all money in: funding plus payments received
cost                   all money out: cost of care plus payments made
surplus                income minus cost (negative: a deficit)
funding                external money (NHS allocation, council budget)
care_cost              cost of the care the organisation delivers
activity               units of care delivered, summed over its service lines
emergency_admissions   emergency admissions it delivers
delayed_bed_days       delayed-discharge bed-days it bears
=====================  ==============================================================

Money is moved, never made: in every year and draw the surpluses add up to
total funding minus total cost of care.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carepool.arrangements import Arrangement, arrangement as pick
from carepool.care import care, draw_shocks, no_shocks
from carepool.ledger import Ledger
from carepool.levers import checked
from carepool.parameters import default
from carepool.place import Place, default_place
from carepool import validation as check

MONEY = ("income", "cost", "surplus", "funding", "care_cost")
COLUMNS = ("organisation", "year", "draw", *MONEY, "activity", "emergency_admissions", "delayed_bed_days")


def settle(place: Place | None = None, arrangement: str | Arrangement = "silos", *, years: int | None = None,
           draws: int | None = None, seed: int | None = None, upstream_investment: float = 0.0,
           investment_line: str | None = None, shocks: dict | None = None) -> Ledger:
    """The run's books as arrays shaped (draws, years), without building a frame.

    ``draws=None`` (and no ``shocks``) gives the deterministic scenario.
    ``shocks`` (multipliers per service line) overrides ``draws`` and ``seed``.
    """
    place = default_place() if place is None else place
    if years is not None:
        place = place.with_changes(years=years)
    arr = pick(arrangement)
    line = default("simulation.investment_line") if investment_line is None else investment_line
    if shocks is None:
        if draws is None:
            shocks = no_shocks(place.years)
        else:
            seed = default("simulation.seed") if seed is None else seed
            shocks = draw_shocks(place, draws, place.years, seed)
    return arr.settle(place, care(place, shocks, upstream_investment, line))


def frame(ledger: Ledger) -> pd.DataFrame:
    """The tidy frame of a ledger (see the module docstring for its columns)."""
    draws, years = ledger.shape
    orgs = list(ledger.books)
    n = draws * years
    numbers = COLUMNS[3:]
    # One block of floats, filled organisation by organisation, so pandas need not copy it. Column
    # by column in memory (order="F"): each column is written in one run, not strided across rows,
    # and its transpose is the layout pandas keeps, so it is not copied either (about 3x faster).
    values = np.empty((n * len(orgs), len(numbers)), order="F")
    for i, org in enumerate(orgs):
        book, rows = ledger.books[org], slice(i * n, (i + 1) * n)
        for j, column in enumerate(numbers):
            if column == "surplus":
                np.subtract(book["income"].ravel(), book["cost"].ravel(), out=values[rows, j])
            else:
                values[rows, j] = book[column].ravel()
    df = pd.DataFrame(values, columns=list(numbers), copy=False)
    df.insert(0, "draw", np.tile(np.repeat(np.arange(draws), years), len(orgs)))
    df.insert(0, "year", np.tile(np.arange(1, years + 1), draws * len(orgs)))
    df.insert(0, "organisation", pd.Categorical.from_codes(np.repeat(np.arange(len(orgs)), n), categories=orgs))
    return df


def simulate(place: Place | None = None, arrangement: str | Arrangement = "silos", *, years: int | None = None,
             draws: int | None = None, seed: int | None = None, upstream_investment: float = 0.0,
             investment_line: str | None = None) -> pd.DataFrame:
    """Run the model and return the tidy frame.

    ``place``: a `Place` (default: `default_place()`); ``arrangement``: a name
    such as ``"section75"`` or an `Arrangement`; ``years`` overrides the
    place's; ``draws=None`` runs the deterministic scenario (draw 0), an
    integer runs that many Monte Carlo draws with ``seed`` (default from the
    parameter files); ``upstream_investment`` is extra £ a year spent on
    ``investment_line`` (``"social_care"`` or ``"community"``).
    """
    return frame(settle(place, arrangement, years=years, draws=draws, seed=seed,
                        upstream_investment=upstream_investment, investment_line=investment_line))


def monte_carlo(place: Place | None = None, arrangement: str | Arrangement = "silos", *, draws: int | None = None,
                seed: int | None = None, **options) -> pd.DataFrame:
    """`simulate` with Monte Carlo draws (default number and seed from the parameter files)."""
    draws = default("simulation.draws") if draws is None else checked("simulation.draws", draws)
    return simulate(place, arrangement, draws=draws, seed=seed, **options)


def mean_by_organisation(results: pd.DataFrame, columns=("income", "cost", "surplus", "activity")) -> pd.DataFrame:
    """Each organisation's mean over the years and draws of a run, for the given columns."""
    return results.groupby("organisation", observed=True)[list(columns)].mean().reset_index()


def system_totals(results: pd.DataFrame) -> pd.DataFrame:
    """Per year and draw: total funding, total cost of care and total surplus across organisations."""
    return (results.groupby(["year", "draw"], observed=True)[["funding", "care_cost", "surplus"]]
            .sum().reset_index())
