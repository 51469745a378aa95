"""What happens to patients in a place, before any money changes hands.

For each service line: expected activity on trend, activity after demand
shocks, and the cost of the care delivered; plus the two links: upstream
investment avoiding emergency admissions, and unmet social care need becoming
delayed bed-days at the acute trust. Arrays are shaped (draws, years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carepool import validation as check
from carepool.levers import checked
from carepool.place import COUNCIL_SERVICES, NHS_SERVICES, SERVICES, UPSTREAM_SERVICES, Place


@dataclass(frozen=True)
class Care:
    """Activity and cost of care in a place over draws and years."""

    years: np.ndarray                   # (Y,) 1, 2, ..., Y
    baseline: dict[str, float]          # activity in the baseline year (year 0)
    expected: dict[str, np.ndarray]     # (Y,) expected activity on trend, before investment
    expected_cost: dict[str, np.ndarray]  # (Y,) expected activity times unit cost
    activity: dict[str, np.ndarray]     # (D, Y) activity delivered
    cost: dict[str, np.ndarray]         # (D, Y) cost of care delivered, including any investment
    delayed_bed_days: np.ndarray        # (D, Y)
    delayed_cost: np.ndarray            # (D, Y) borne by whoever runs the emergency hospital
    investment_line: str
    investment: float                   # £ a year spent upstream on `investment_line`
    funding_headroom: float             # allocations are expected cost times (1 + headroom)

    @property
    def shape(self) -> tuple[int, int]:
        return self.delayed_cost.shape

    @property
    def nhs_allocation(self) -> np.ndarray:
        """The NHS commissioner's yearly allocation: expected cost of NHS lines plus headroom."""
        return self._allocation(NHS_SERVICES)

    @property
    def council_budget(self) -> np.ndarray:
        """The council's yearly budget: expected cost of social care and public health plus headroom."""
        return self._allocation(COUNCIL_SERVICES)

    def _allocation(self, services) -> np.ndarray:
        return sum(self.expected_cost[s] for s in services) * (1.0 + self.funding_headroom)


def draw_shocks(place: Place, draws: int, years: int, seed: int) -> dict[str, np.ndarray]:
    """Demand-shock multipliers per service line, shaped (draws, years), mean 1.

    A common factor gives shocks the place's correlation across lines; each
    multiplier is lognormal, ``exp(sigma * e - sigma**2 / 2)``, so activity
    stays positive and its expected value stays on trend.
    """
    draws = checked("simulation.draws", draws)
    rng = np.random.default_rng(checked("simulation.seed", seed))
    z = rng.standard_normal((len(SERVICES) + 1, draws, years))
    rho = place.shock_correlation
    out = {}
    for i, s in enumerate(SERVICES, start=1):
        e = np.sqrt(rho) * z[0] + np.sqrt(1.0 - rho) * z[i]
        sigma = place.lines[s].volatility
        out[s] = np.exp(sigma * e - 0.5 * sigma**2)
    return out


def no_shocks(years: int) -> dict[str, np.ndarray]:
    """Multipliers of 1: the expected path, as a single draw."""
    return {s: np.ones((1, years)) for s in SERVICES}


def care(place: Place, shocks: dict[str, np.ndarray], investment: float = 0.0,
         investment_line: str = "social_care") -> Care:
    """Activity, cost, delayed bed-days and avoided admissions for given demand shocks."""
    checked("simulation.investment_line", investment_line)
    investment = checked("simulation.upstream_investment", investment)
    shape = shocks["emergency"].shape
    years = np.arange(1, shape[1] + 1)
    people = place.population / 1000.0
    baseline = {s: line.activity_per_1000 * people for s, line in place.lines.items()}
    expected = {s: baseline[s] * (1.0 + line.trend_growth) ** years for s, line in place.lines.items()}
    expected_cost = {s: expected[s] * place.lines[s].unit_cost for s in SERVICES}

    # Link 1: each £ upstream avoids k £ of emergency cost, i.e. a fraction of
    # the year's expected emergency cost; that fraction must stay below 1.
    k = place.links.avoided_acute_cost_per_pound
    avoided = k * investment
    if avoided > 0:
        ceiling = float(expected_cost["emergency"].min()) / k
        if investment >= ceiling:
            raise check.ModelInputError(
                "upstream_investment",
                f"from 0 to below £{ceiling:,.0f} a year (beyond that it would avoid every emergency admission)",
                investment)
    avoided_fraction = avoided / expected_cost["emergency"] if avoided > 0 else np.zeros(shape[1])

    activity = {s: expected[s] * shocks[s] for s in SERVICES}
    activity["emergency"] = activity["emergency"] * (1.0 - avoided_fraction)

    # Link 2: the council buys care up to its planned capacity; need beyond it
    # goes unmet and people wait in hospital beds.
    capacity = expected["social_care"] * (1.0 + place.links.social_care_capacity_headroom)
    need = activity["social_care"]
    activity["social_care"] = np.minimum(need, capacity)
    unmet = need - activity["social_care"]
    delayed = unmet * place.links.delayed_bed_days_per_unmet_care_week

    cost = {s: activity[s] * place.lines[s].unit_cost for s in SERVICES}
    cost[investment_line] = cost[investment_line] + investment

    return Care(
        years=years, baseline=baseline, expected=expected, expected_cost=expected_cost,
        activity=activity, cost=cost, delayed_bed_days=delayed,
        delayed_cost=delayed * place.links.excess_bed_day_cost,
        investment_line=investment_line, investment=investment,
        funding_headroom=place.funding_headroom,
    )
